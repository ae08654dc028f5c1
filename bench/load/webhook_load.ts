/**
 * Signed-webhook ingress under load, side by side with a bare Hono app in the same run.
 *
 *   deno run -A bench/load/webhook_load.ts [--seconds 10] [--connections 64] [--rate 2000]
 *     [--builds before=/path/to/checkout,…]   (each measured too, after this checkout)
 *
 * 1. wrk (Debian package `wrk`) with 64 connections against the bare app, then against
 *    `sluice run` (SQLite, synchronous=FULL, group commit). Every request is a distinct signed body
 *    (a fresh created_at and its own nonce, from a pool of --pool bodies made before the run) with
 *    its own X-Webhook-Id, so none takes sluice's duplicate path; the events sluice stored are
 *    counted afterwards to prove it. req/s, latency percentiles, and their ratio.
 * 2. wrk paced to --rate (each connection waits connections/rate between requests) against each
 *    of them: ack latency p50/p99, and sluice's over the bare app's.
 * Each run also reads the server's CPU time from /proc: microseconds per request, all threads
 * and the main (HTTP) thread.
 * Results print as Markdown rows for docs/PERFORMANCE.md.
 */
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { freshen } from "../../src/cli/send.ts";
import { signStreamBody } from "../../src/ingress/stream_signature.ts";
import { projectRoot } from "../../test/support/cli.ts";
import { sluiceRunArgs, spawnListening } from "./spawn.ts";
import { wrk, type WrkResult } from "./wrk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "64" },
    rate: { type: "string", default: "2000" },
    pool: { type: "string", default: "100000" },
    /** Other checkouts to measure in the same run, as LABEL=PATH pairs separated by commas. */
    builds: { type: "string", default: "" },
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
/** A file of `signature<TAB>body` lines for webhook.lua: bodies `from` to `from + count - 1`. */
async function poolFile(from: number, count: number): Promise<string> {
  const file = await Deno.makeTempFile({ prefix: "sluice-bench-pool-" });
  // Written in chunks: a pool of about 150,000 bodies (500 MB) is past V8's longest string.
  const writer = (await Deno.open(file, { write: true, truncate: true })).writable.getWriter();
  const encoder = new TextEncoder();
  let lines: string[] = [];
  const flush = async () => {
    await writer.write(encoder.encode(lines.join("")));
    lines = [];
  };
  for (let i = from; i < from + count; i++) {
    const b = bodyOf(i);
    lines.push(`${await signStreamBody(encoder.encode(b), SECRET)}\t${b}\n`);
    if (lines.length === 10_000) await flush();
  }
  await flush();
  await writer.close();
  return file;
}
// The paced runs get bodies of their own, so none repeats one the full-speed run sent.
const pools = {
  load: await poolFile(0, pool),
  paced: await poolFile(pool, Math.ceil(Number(values.rate) * Number(values.seconds) * 1.2)),
};

const dir = await Deno.makeTempDir({ prefix: "sluice-bench-" });
await Deno.mkdir(`${dir}/rules`);
await Deno.writeTextFile(
  `${dir}/rules/quiet.yaml`,
  "on: feeds.activity.reaction.added\nif: reaction.type = 'never'\ndo:\n  - http: { url: 'http://127.0.0.1:9/x' }\n",
);
/** wrk with webhook.lua: bodies from `pool`, each connection pausing `delayMs` between requests. */
const webhookWrk = (
  server: { child: Deno.ChildProcess; url: string },
  pool: string,
  delayMs: number,
) =>
  wrk({
    url: server.url,
    script: "webhook.lua",
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    pid: server.child.pid,
    env: {
      WEBHOOK_POOL: pool,
      WEBHOOK_DELAY_MS: String(delayMs),
      WEBHOOK_RUN: delayMs ? "paced" : "load",
    },
  });

/**
 * wrk at full speed (with the server's CPU per request), a pause, then wrk paced to --rate over
 * the same connections; stops the server afterwards.
 */
async function measure(server: { child: Deno.ChildProcess; url: string }) {
  const load = await webhookWrk(server, pools.load, 0);
  await new Promise((r) => setTimeout(r, 2000));
  const paced = await webhookWrk(
    server,
    pools.paced,
    (Number(values.connections) * 1000) / Number(values.rate),
  );
  server.child.kill("SIGTERM");
  await server.child.status;
  return { load, paced };
}

try {
  const bare = await measure(
    await spawnListening([`${projectRoot}/bench/load/bare_server.ts`], dir),
  );
  const builds: [string, string][] = [
    ["sluice", projectRoot],
    ...values.builds.split(",").filter(Boolean).map((b) => b.split("=", 2) as [string, string]),
  ];
  const runs: { name: string; load: WrkResult; paced: WrkResult; stored: number }[] = [];
  for (const [name, root] of builds) {
    const store = `${dir}/data-${runs.length}/sluice.db`;
    const run = await measure(
      await spawnListening(await sluiceRunArgs(root), dir, {
        SLUICE_LISTEN: "127.0.0.1:0",
        SLUICE_STORE: `sqlite:${store}`,
        STREAM_API_KEY: "bench-key",
        STREAM_API_SECRET: SECRET,
      }, root),
    );
    const db = new DatabaseSync(store, { readOnly: true });
    const stored = Number(
      (db.prepare("SELECT COUNT(*) AS n FROM sluice_events").get() as { n: number }).n,
    );
    db.close();
    runs.push({ name, ...run, stored });
  }

  const f = (n: number) => n.toFixed(2);
  const table = (rows: [string, WrkResult][]) => {
    console.log(`| server | req/s | p50 ms | p99 ms | non-2xx | CPU µs/req (all threads; main) |`);
    console.log(`| --- | --- | --- | --- | --- | --- |`);
    for (const [name, r] of rows) {
      console.log(
        `| ${name} | ${r.rps.toFixed(0)} | ${f(r.p50)} | ${f(r.p99)} | ${r.errors} | ${
          r.cpuUs.toFixed(0)
        }; ${r.mainCpuUs.toFixed(0)} |`,
      );
    }
  };
  console.log(`wrk, ${values.connections} connections, as fast as each server answers:\n`);
  table([["bare Hono", bare.load], ...runs.map((r) => [r.name, r.load] as [string, WrkResult])]);
  for (const r of runs) {
    console.log(`\nratio ${r.name} / bare: ${(r.load.rps / bare.load.rps).toFixed(2)}x`);
  }
  console.log(`\nwrk paced to ${values.rate} req/s (each connection waits between requests):\n`);
  table([["bare Hono", bare.paced], ...runs.map((r) => [r.name, r.paced] as [string, WrkResult])]);
  for (const r of runs) {
    console.log(
      `\nratio ${r.name} / bare: p50 ${(r.paced.p50 / bare.paced.p50).toFixed(1)}x, p99 ${
        (r.paced.p99 / bare.paced.p99).toFixed(1)
      }x`,
    );
  }
  for (const r of runs) {
    const accepted = r.load.requests - r.load.errors + r.paced.requests - r.paced.errors;
    console.log(
      `\n${r.name} stored ${r.stored} events for ${accepted} accepted requests` +
        (r.stored >= accepted
          ? " (none took the duplicate path; any extra were in flight when wrk stopped)"
          : " (some were answered as duplicates: the figures above are not ingress)"),
    );
  }
} finally {
  await Deno.remove(dir, { recursive: true });
  await Deno.remove(pools.load);
  await Deno.remove(pools.paced);
}
