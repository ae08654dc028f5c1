/**
 * End to end under load: `sluice run` (SQLite, synchronous=FULL) with 50 rules, signed webhooks
 * sent by wrk at a fixed total rate (bench/load/e2e.lua signs each distinct event itself, so a
 * run can last ten minutes without repeating a body), about 10% of the events matching one rule
 * whose http action delivers to a sink in another process. Every 10 s it samples sluice's RSS
 * (/proc), the delivery queue depth (/metrics) and the sink's count; then it reports whether the
 * rate was sustained (the queue did not grow) and how memory moved.
 *
 *   deno run -A bench/load/e2e_load.ts [--rate 8000] [--seconds 60] [--connections 64]
 *     [--builds before=/path/to/checkout,…]   (each measured too, after this checkout)
 *
 * The sender runs on the same two cores: wrk's signing costs about 36 µs per 1.9 KB event.
 */
import { parseArgs } from "node:util";
import { projectRoot } from "../../test/support/cli.ts";
import { sluiceRunArgs, spawnListening } from "./spawn.ts";
import { cpuSeconds, wrk } from "./wrk.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rate: { type: "string", default: "8000" },
    seconds: { type: "string", default: "60" },
    connections: { type: "string", default: "64" },
    builds: { type: "string", default: "" },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

const sample = JSON.parse(
  await Deno.readTextFile(`${projectRoot}/examples/events/feeds.activity.added.json`),
);
// A fresh created_at, as Stream sends: the sample's fixed date is older than SLUICE_MAX_EVENT_AGE
// (1 h, longer than any run). e2e.lua puts each event's number where the marker is.
const MARK = 918273645;
const [prefix, suffix] = JSON.stringify({
  ...sample,
  created_at: new Date().toISOString(),
  n: MARK,
}).split(String(MARK));

/** One build's run: its samples, and the totals printed after them. */
async function measure(root: string): Promise<{ samples: string[]; summary: string }> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-e2e-" });
  await Deno.mkdir(`${dir}/rules`);
  const sink = await spawnListening([`${projectRoot}/bench/load/sink_server.ts`], dir);
  // One rule fires for events whose n ends in 0 (10%); 49 others listen to other types, to globs
  // that do not match, or have conditions that are false.
  await Deno.writeTextFile(
    `${dir}/rules/match.yaml`,
    `on: feeds.activity.added\nif: n % 10 = 0\ndo:\n  - http: { url: "${sink.url}/d", json: { n: "{{ n }}" } }\n`,
  );
  for (let i = 1; i < 50; i++) {
    const on = i % 3 === 0
      ? `"custom.${i}.*"`
      : i % 3 === 1
      ? "feeds.activity.added"
      : `other.${i}`;
    await Deno.writeTextFile(
      `${dir}/rules/r${i}.yaml`,
      `on: ${on}\nif: n = -${i}\ndo:\n  - http: { url: "${sink.url}/never" }\n`,
    );
  }
  const sluice = await spawnListening(await sluiceRunArgs(root), dir, {
    SLUICE_LISTEN: "127.0.0.1:0",
    SLUICE_STORE: `sqlite:${dir}/data/sluice.db`,
    STREAM_API_KEY: "bench-key",
    STREAM_API_SECRET: "bench-secret",
    SLUICE_LOG: "info",
    ...(Deno.env.get("MALLOC_ARENA_MAX")
      ? { MALLOC_ARENA_MAX: Deno.env.get("MALLOC_ARENA_MAX")! }
      : {}),
  }, root);
  const pid = sluice.child.pid;
  const rss = async () =>
    Number(/VmRSS:\s+(\d+)/.exec(await Deno.readTextFile(`/proc/${pid}/status`))![1]) / 1024;
  const metric = async (name: string) =>
    Number(
      new RegExp(`^${name} (\\S+)`, "m").exec(
        await (await fetch(`${sluice.url}/metrics`)).text(),
      )![1],
    );
  const delivered = async () => Number(await (await fetch(`${sink.url}/count`)).text());

  const samples: string[] = [];
  const start = performance.now();
  const sampler = setInterval(async () => {
    samples.push(
      `| ${
        ((performance.now() - start) / 1000).toFixed(0)
      } s | ${await delivered()} | ${await metric(
        "sluice_queue_depth",
      )} | ${(await rss()).toFixed(0)} MB | ${
        ((await metric("process_heap_used_bytes")) / 2 ** 20).toFixed(0)
      } MB |`,
    );
  }, 10_000);
  const cpuBefore = await cpuSeconds(pid);
  const sent = await wrk({
    url: sluice.url,
    script: "e2e.lua",
    seconds: SECONDS,
    connections: Number(values.connections),
    env: {
      BENCH_SECRET: "bench-secret",
      E2E_PREFIX: prefix,
      E2E_SUFFIX: suffix,
      E2E_RATE: String(RATE),
    },
  });
  const sendSeconds = (performance.now() - start) / 1000;
  const accepted = sent.requests - sent.errors;
  // The queue drains (or the wait gives up a minute later); the sink then holds every delivery.
  const drainStart = performance.now();
  while (
    (await metric("sluice_queue_depth")) > 0 && performance.now() - drainStart < 60_000
  ) await new Promise((r) => setTimeout(r, 200));
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const cpu = (await cpuSeconds(pid)).all - cpuBefore.all;
  clearInterval(sampler);
  const summary =
    `accepted ${accepted} of ${sent.requests} (${sent.errors} non-2xx) in ${
      sendSeconds.toFixed(1)
    } s = **${(accepted / sendSeconds).toFixed(0)} events/s**, ack p50 ${
      sent.p50.toFixed(2)
    } ms, ` +
    `p99 ${sent.p99.toFixed(2)} ms; ${await delivered()} deliveries at the sink (about ${
      Math.round(accepted / 10)
    } expected), queue empty ${drainSeconds.toFixed(1)} s after the send; ` +
    `sluice CPU ${((cpu / accepted) * 1e6).toFixed(0)} µs per event (all threads, send and ` +
    `drain); RSS ${(await rss()).toFixed(0)} MB at the end`;
  sluice.child.kill("SIGTERM");
  await sluice.child.status;
  sink.child.kill("SIGTERM");
  await sink.child.status;
  await Deno.remove(dir, { recursive: true });
  return { samples, summary };
}

const builds: [string, string][] = [
  ["sluice", projectRoot],
  ...values.builds.split(",").filter(Boolean).map((b) => b.split("=", 2) as [string, string]),
];
console.log(
  `target ${RATE} events/s for ${SECONDS} s over ${values.connections} connections; ` +
    `50 rules, 10% of events match one http rule\n`,
);
for (const [name, root] of builds) {
  const { samples, summary } = await measure(root);
  console.log(`${name} (${root}):\n`);
  console.log("| time | deliveries at sink | queue depth | sluice RSS | V8 heap used |");
  console.log("| --- | --- | --- | --- | --- |");
  for (const s of samples) console.log(s);
  console.log(`\n${summary}\n`);
}
