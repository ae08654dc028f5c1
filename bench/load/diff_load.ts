/**
 * `sluice diff` on 100,000 stored events (SQLite file store): how long the comparison takes, and
 * what it costs ingress. The events are a mix of the catalogue's sample events; the current rules
 * are the shipped ones and the proposed ones change two of them. Ingress is measured as stored
 * events per second and put latency (64 writers through the store, as the webhook path writes),
 * alone and while a `sluice diff` subprocess reads the same file: the baseline in the same run.
 *
 *   deno run -A bench/load/diff_load.ts [--events 100000] [--seconds 5]
 */
import { parseArgs } from "node:util";
import { openStore } from "../../src/store/mod.ts";
import { projectRoot } from "../../test/support/cli.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "100000" },
    seconds: { type: "string", default: "5" },
  },
});
const N = Number(values.events);
const SECONDS = Number(values.seconds);
const SAMPLES = [
  "user.banned.json",
  "review_queue_item.new.json",
  "feeds.activity.reaction.added.json",
  "moderation_rule.triggered.json",
];

const dir = await Deno.makeTempDir({ prefix: "sluice-diff-bench-" });
const bodies = await Promise.all(
  SAMPLES.map((f) => Deno.readTextFile(`${projectRoot}/examples/events/${f}`)),
);
await Deno.mkdir(`${dir}/proposed`);
for await (const e of Deno.readDir(`${projectRoot}/rules`)) {
  if (!e.name.endsWith(".yaml") || e.name.endsWith(".test.yaml")) continue;
  let text = await Deno.readTextFile(`${projectRoot}/rules/${e.name}`);
  text = text.replace("severity >= 3", "severity >= 4").replace("was banned", "has been banned");
  await Deno.writeTextFile(`${dir}/proposed/${e.name}`, text);
}

const store = await openStore(`sqlite:${dir}/sluice.db`);
const fill = performance.now();
for (let i = 0; i < N; i += 1_000) {
  await Promise.all(Array.from({ length: Math.min(1_000, N - i) }, (_, j) => {
    const body = bodies[(i + j) % bodies.length];
    return store.putEvent({ source: "webhook", type: JSON.parse(body).type, body });
  }));
}
console.log(`stored ${N} events in ${((performance.now() - fill) / 1000).toFixed(1)} s`);

/** Puts with 64 writers until `done()`; events per second and latency percentiles. */
async function ingress(done: () => boolean): Promise<{ rate: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(Array.from({ length: 64 }, async () => {
    while (!done()) {
      const t = performance.now();
      await store.putEvent({ source: "webhook", type: "user.banned", body: bodies[0] });
      latencies.push(performance.now() - t);
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.floor(latencies.length * p)];
  const seconds = (performance.now() - start) / 1000;
  return { rate: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

function diffProcess() {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--config=${projectRoot}/deno.json`,
      `${projectRoot}/src/main.ts`,
      "diff",
      "--rules",
      "proposed",
      "--current",
      `${projectRoot}/rules`,
      "--since",
      "7d",
      "--json",
    ],
    cwd: dir,
    env: { SLUICE_STORE: `sqlite:${dir}/sluice.db` },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const timed = async () => {
  const t = performance.now();
  const out = await diffProcess().output();
  const report = JSON.parse(new TextDecoder().decode(out.stdout));
  return {
    seconds: (performance.now() - t) / 1000,
    events: report.events,
    changed: report.changed,
  };
};
const idle = await timed();
const end = performance.now() + SECONDS * 1000;
const alone = await ingress(() => performance.now() > end);
let exited = false;
const running = timed().finally(() => exited = true);
const during = await ingress(() => exited);
const busy = await running;

for (const [name, d] of [["diff alone", idle], ["diff during ingress", busy]] as const) {
  console.log(
    `${name.padEnd(20)} ${d.events} events (${d.changed} change) in ${d.seconds.toFixed(1)} s: ` +
      `${(d.events / d.seconds).toFixed(0)} events/s (process start included)`,
  );
}
for (const [name, r] of [["ingress alone", alone], ["ingress during diff", during]] as const) {
  console.log(
    `${name.padEnd(20)} ${r.rate.toFixed(0)} events/s, put p50 ${r.p50.toFixed(1)} ms p99 ${
      r.p99.toFixed(1)
    } ms`,
  );
}
console.log(`ingress during diff / alone: ${(during.rate / alone.rate).toFixed(2)}`);
await store.close();
await Deno.remove(dir, { recursive: true });
