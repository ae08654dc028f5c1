/**
 * Signed-webhook ingress under load, side by side with a bare Hono app in the same run.
 *
 *   deno run -A bench/load/webhook_load.ts [--seconds 10] [--connections 64] [--rate 2000]
 *
 * 1. wrk (Debian package `wrk`) with 64 connections against the bare app, then against
 *    `sluice run` (SQLite, synchronous=FULL, group commit). Every request is a distinct signed body
 *    (a fresh created_at and its own nonce, from a pool of --pool bodies made before the run) with
 *    its own X-Webhook-Id, so none takes sluice's duplicate path; the events sluice stored are
 *    counted afterwards to prove it. req/s, latency percentiles, and their ratio.
 * 2. An open-loop sender at a fixed rate against each of them: ack latency p50/p99/p99.9, and
 *    sluice's over the bare app's.
 * Results print as Markdown rows for docs/PERFORMANCE.md.
 */
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { freshen } from "../../src/cli/send.ts";
import { signStreamBody } from "../../src/ingress/stream_signature.ts";
import { projectRoot } from "../../test/support/cli.ts";
import { sluiceRunArgs, spawnListening } from "./spawn.ts";
import { fixedRate } from "./fixed_rate.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    rate: { type: "string", default: "2000" },
    pool: { type: "string", default: "100000" },
  },
});
const SECRET = "bench-secret";
// Fresh created_at, as Stream sends: the sample's fixed date is older than SLUICE_MAX_EVENT_AGE.
const sample = JSON.parse(new TextDecoder().decode(freshen(
  "feeds.activity.reaction.added.json",
  await Deno.readFile(`${projectRoot}/examples/events/feeds.activity.reaction.added.json`),
  new Date(),
)));
/** The i-th distinct body: the sample with its own reaction id (one line of JSON). */
const bodyOf = (i: number) =>
  JSON.stringify({ ...sample, reaction: { ...sample.reaction, id: `bench-${i}` } });
const pool = Number(values.pool);
const poolFile = await Deno.makeTempFile({ prefix: "sluice-bench-pool-" });
{
  const lines: string[] = [];
  for (let i = 0; i < pool; i++) {
    const b = bodyOf(i);
    lines.push(`${await signStreamBody(new TextEncoder().encode(b), SECRET)}\t${b}`);
  }
  await Deno.writeTextFile(poolFile, lines.join("\n") + "\n");
}

async function wrk(url: string) {
  const out = await new Deno.Command("wrk", {
    args: [
      "-t2",
      `-c${values.connections}`,
      `-d${values.seconds}s`,
      "--latency",
      "-s",
      `${projectRoot}/bench/load/webhook.lua`,
      url,
    ],
    env: { WEBHOOK_POOL: poolFile, WRK_THREADS: "2" },
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const num = (re: RegExp) => {
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected wrk output:\n${text}`);
    const unit = m[2] ?? "ms";
    return Number(m[1]) * (unit === "us" ? 0.001 : unit === "s" ? 1000 : 1);
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  return {
    requests: num(/(\d+) requests in/),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50: num(/ 50%\s+([\d.]+)(us|ms|s)/),
    p99: num(/ 99%\s+([\d.]+)(us|ms|s)/),
    errors: non2xx ? Number(non2xx[1]) : 0,
  };
}

const dir = await Deno.makeTempDir({ prefix: "sluice-bench-" });
await Deno.mkdir(`${dir}/rules`);
await Deno.writeTextFile(
  `${dir}/rules/quiet.yaml`,
  "on: feeds.activity.reaction.added\nif: reaction.type = 'never'\ndo:\n  - http: { url: 'http://127.0.0.1:9/x' }\n",
);
/** wrk at full speed, a pause, then the fixed-rate sender; stops the server afterwards. */
async function measure(server: { child: Deno.ChildProcess; url: string }) {
  const load = await wrk(server.url);
  await new Promise((r) => setTimeout(r, 2000));
  const rate = await fixedRate(
    server.url,
    (i) => bodyOf(pool + i), // not among the bodies wrk sent
    SECRET,
    Number(values.rate),
    Number(values.seconds),
  );
  server.child.kill("SIGTERM");
  await server.child.status;
  return { load, rate };
}

try {
  const bare = await measure(
    await spawnListening([`${projectRoot}/bench/load/bare_server.ts`], dir),
  );
  const sluice = await measure(
    await spawnListening(await sluiceRunArgs(), dir, {
      SLUICE_LISTEN: "127.0.0.1:0",
      SLUICE_STORE: `sqlite:${dir}/data/sluice.db`,
      STREAM_API_KEY: "bench-key",
      STREAM_API_SECRET: SECRET,
    }),
  );

  const f = (n: number) => n.toFixed(2);
  console.log(`wrk, ${values.connections} connections, as fast as each server answers:\n`);
  console.log(`| server | req/s | p50 ms | p99 ms | non-2xx |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  for (const [name, r] of [["bare Hono", bare.load], ["sluice", sluice.load]] as const) {
    console.log(`| ${name} | ${r.rps.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} |`);
  }
  console.log(`\nratio sluice / bare: ${(sluice.load.rps / bare.load.rps).toFixed(2)}x`);
  console.log(
    `\nfixed rate, ${values.rate} req/s for ${values.seconds} s, latency from each send's slot:\n`,
  );
  console.log(`| server | ok | failed | p50 ms | p99 ms | p99.9 ms | max ms |`);
  console.log(`| --- | --- | --- | --- | --- | --- | --- |`);
  for (const [name, r] of [["bare Hono", bare.rate], ["sluice", sluice.rate]] as const) {
    console.log(
      `| ${name} | ${r.ok} | ${r.failed} | ${f(r.p50)} | ${f(r.p99)} | ${f(r.p999)} | ${
        f(r.max)
      } |`,
    );
  }
  console.log(
    `\nratio sluice / bare: p50 ${(sluice.rate.p50 / bare.rate.p50).toFixed(1)}x, p99 ${
      (sluice.rate.p99 / bare.rate.p99).toFixed(1)
    }x, p99.9 ${(sluice.rate.p999 / bare.rate.p999).toFixed(1)}x`,
  );
  const db = new DatabaseSync(`${dir}/data/sluice.db`, { readOnly: true });
  const stored = Number(
    (db.prepare("SELECT COUNT(*) AS n FROM sluice_events").get() as { n: number }).n,
  );
  db.close();
  const accepted = sluice.load.requests - sluice.load.errors + sluice.rate.ok;
  console.log(
    `\nsluice stored ${stored} events for ${accepted} accepted requests` +
      (stored >= accepted
        ? " (none took the duplicate path; any extra were in flight when wrk stopped)"
        : " (some were answered as duplicates: the figures above are not ingress)"),
  );
} finally {
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(poolFile);
}
