/**
 * Deliveries per second from the store to a local HTTP sink (a separate process), against a bare
 * baseline in the same run: the same number of POSTs sent by plain `fetch` with the same
 * concurrency (32 by default, CONCURRENCY to change).
 *
 *   deno run -A bench/load/delivery_load.ts [--events 5000] [--workers 1,2,4] [--store URL]
 *
 * For sluice, N events are stored and dispatched (one rule, one http action each), measured two
 * ways: from the first store until the sink has counted N requests (the whole path), and from
 * N deliveries pending in the store until the sink has them all (the executors). `--workers` runs that many
 * executor instances (each with the same concurrency) sharing the store, as replicas would.
 * `--store` is `sqlite` (a file, the default) or a postgres:// URL (a fresh schema is used).
 */
import { parseArgs } from "node:util";
import { createActions } from "../../src/actions/registry.ts";
import { Dispatcher } from "../../src/dispatch/dispatcher.ts";
import { Executor } from "../../src/executor/executor.ts";
import { openStore as open, type Store } from "../../src/store/mod.ts";
import { projectRoot } from "../../test/support/cli.ts";
import { freshSchema } from "../../test/support/postgres.ts";
import { ruleSetFrom } from "../../test/support/rules.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "5000" },
    workers: { type: "string", default: "1" },
    store: { type: "string", default: "sqlite" },
  },
});
const N = Number(values.events);
const CONCURRENCY = Number(Deno.env.get("CONCURRENCY") ?? 32);
const STORE = values.store === "sqlite" ? "SQLite" : "PostgreSQL";

const sinkProcess = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", `${projectRoot}/bench/load/sink_server.ts`],
  stdout: "piped",
}).spawn();
const firstLine = (await sinkProcess.stdout.pipeThrough(new TextDecoderStream()).getReader().read())
  .value!;
const sink = JSON.parse(firstLine.split("\n")[0]).url as string;
const sinkNumber = async (what: "count" | "distinct") =>
  Number(await (await fetch(`${sink}/${what}`)).text());
let runs = 0;

async function bare(): Promise<number> {
  const body = JSON.stringify({ id: "x", n: 1 });
  const start = performance.now();
  let sent = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (sent < N) {
      sent++;
      const res = await fetch(`${sink}/bare`, {
        method: "POST",
        body,
        headers: { "content-type": "application/json" },
      });
      await res.arrayBuffer();
    }
  }));
  return N / ((performance.now() - start) / 1000);
}

async function openStore(dir: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (values.store === "sqlite") {
    return { store: await open(`sqlite:${dir}/sluice.db`), drop: async () => {} };
  }
  const { schema, drop } = await freshSchema(values.store);
  return { store: await open(values.store, { schema }), drop };
}

/**
 * `pipeline`: the clock runs from the first store until the sink has all N (store, dispatch and
 * deliveries overlapping). `executors`: N deliveries are already pending when the executors
 * start; the clock measures them alone.
 */
async function sluice(workers: number, mode: "pipeline" | "executors"): Promise<number> {
  let rate = 0;
  const run = ++runs;
  const dir = await Deno.makeTempDir({ prefix: "sluice-delivery-bench-" });
  const { store, drop } = await openStore(dir);
  const rules = await ruleSetFrom({
    "r.yaml":
      `on: "*"\ndo:\n  - http: { url: "${sink}/deliver/${run}/{{ n }}", json: { id: "{{ $event.id }}", n: "{{ n }}" } }\n`,
  });
  const dispatcher = new Dispatcher(store, () => rules, { owner: "bench", batch: 256 });
  const executors = Array.from(
    { length: workers },
    (_, i) =>
      new Executor(store, createActions(), { owner: `bench-${i}`, concurrency: CONCURRENCY }),
  );
  const before = { count: await sinkNumber("count"), distinct: await sinkNumber("distinct") };
  // Done when N different deliveries arrived; a repeat would not count towards it.
  const delivered = async () => {
    while ((await sinkNumber("distinct")) - before.distinct < N) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const putAll = () =>
    Promise.all(Array.from({ length: N }, (_, n) =>
      store.putEvent({
        source: "webhook",
        type: "feeds.activity.added",
        body: JSON.stringify({ type: "feeds.activity.added", n }),
      })));
  const start = performance.now();
  await putAll();
  dispatcher.start();
  if (mode === "executors") {
    // Deliveries waiting in the store before the executors start: their rate alone.
    while ((await store.stats()).pendingDeliveries < N) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const pending = performance.now();
    for (const e of executors) e.start();
    await delivered();
    rate = N / ((performance.now() - pending) / 1000);
  } else {
    for (const e of executors) e.start();
    await delivered();
    rate = N / ((performance.now() - start) / 1000);
  }
  await dispatcher.stop();
  await Promise.all(executors.map((e) => e.stop(1000)));
  const repeats = (await sinkNumber("count")) - before.count - N;
  if (repeats !== 0) throw new Error(`${repeats} deliveries arrived more than once`);
  await store.close();
  await drop();
  await Deno.remove(dir, { recursive: true });
  return rate;
}

console.log(`| run | deliveries/s, store → sink | deliveries/s, pending → sink |`);
console.log(`| --- | --- | --- |`);
const baseline = await bare();
console.log(`| bare fetch, ${CONCURRENCY} concurrent | ${baseline.toFixed(0)} | |`);
for (const w of values.workers.split(",").map(Number)) {
  const pipeline = await sluice(w, "pipeline");
  const executors = await sluice(w, "executors");
  const ratio = (rate: number) => `${rate.toFixed(0)} (${(rate / baseline).toFixed(2)}× bare)`;
  console.log(
    `| sluice (${STORE}), ${w} executor(s) × ${CONCURRENCY} | ${ratio(pipeline)} | ${
      ratio(executors)
    } |`,
  );
}
sinkProcess.kill("SIGTERM");
await sinkProcess.status;
