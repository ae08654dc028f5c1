/**
 * End to end under load: `sluice run` (SQLite, synchronous=FULL) with 50 rules, signed webhooks
 * sent open-loop at a fixed rate, about 10% of the events matching one rule whose http action
 * delivers to a sink in another process. Every 10 s it samples sluice's RSS (/proc), the
 * delivery queue depth (/metrics) and the sink's count, then reports whether the rate was
 * sustained (the queue did not grow) and how memory moved.
 *
 *   deno run -A bench/load/e2e_load.ts --rate 1000 --seconds 60
 */
import { parseArgs } from "node:util";
import { signStreamBody } from "../../src/ingress/stream_signature.ts";
import { projectRoot } from "../../test/support/cli.ts";
import { sluiceRunArgs, spawnListening } from "./spawn.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rate: { type: "string", default: "1000" },
    seconds: { type: "string", default: "60" },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);

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
  const on = i % 3 === 0 ? `"custom.${i}.*"` : i % 3 === 1 ? "feeds.activity.added" : `other.${i}`;
  await Deno.writeTextFile(
    `${dir}/rules/r${i}.yaml`,
    `on: ${on}\nif: n = -${i}\ndo:\n  - http: { url: "${sink.url}/never" }\n`,
  );
}
const sluice = await spawnListening(await sluiceRunArgs(), dir, {
  SLUICE_LISTEN: "127.0.0.1:0",
  SLUICE_STORE: `sqlite:${dir}/data/sluice.db`,
  STREAM_API_KEY: "bench-key",
  STREAM_API_SECRET: "bench-secret",
  SLUICE_LOG: "info",
  ...(Deno.env.get("MALLOC_ARENA_MAX")
    ? { MALLOC_ARENA_MAX: Deno.env.get("MALLOC_ARENA_MAX")! }
    : {}),
});

const rss = async () =>
  Number(/VmRSS:\s+(\d+)/.exec(await Deno.readTextFile(`/proc/${sluice.child.pid}/status`))![1]) /
  1024;
const metric = async (name: string) =>
  Number(
    new RegExp(`^${name} (\\S+)`, "m").exec(
      await (await fetch(`${sluice.url}/metrics`)).text(),
    )![1],
  );
const delivered = async () => Number(await (await fetch(`${sink.url}/count`)).text());

const body = JSON.parse(
  await Deno.readTextFile(`${projectRoot}/examples/events/feeds.activity.added.json`),
);
// A fresh created_at, as Stream sends: the sample's fixed date is older than SLUICE_MAX_EVENT_AGE.
body.created_at = new Date().toISOString();
let ok = 0;
let failed = 0;
const samples: string[] = [];
const start = performance.now();
const sampler = setInterval(async () => {
  const heap = (await metric("process_heap_used_bytes")) / 2 ** 20;
  samples.push(
    `| ${
      ((performance.now() - start) / 1000).toFixed(0)
    } s | ${ok} | ${await delivered()} | ${await metric(
      "sluice_queue_depth",
    )} | ${(await rss()).toFixed(0)} MB | ${heap.toFixed(0)} MB |`,
  );
}, 10_000);
const inflight = new Set<Promise<void>>();
for (let i = 0; i < RATE * SECONDS; i++) {
  const due = start + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const bytes = new TextEncoder().encode(JSON.stringify({ ...body, n: i }));
  const p = (async () => {
    try {
      const res = await fetch(`${sluice.url}/webhooks/stream`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": "bench-key",
          "x-signature": await signStreamBody(bytes, "bench-secret"),
          "x-webhook-id": `e2e-${i}`,
        },
        body: bytes,
      });
      await res.arrayBuffer();
      if (res.status === 200) ok++;
      else failed++;
    } catch {
      failed++;
    }
  })();
  inflight.add(p);
  p.finally(() => inflight.delete(p));
}
await Promise.all(inflight);
const sendSeconds = (performance.now() - start) / 1000;
const expected = Math.ceil((RATE * SECONDS) / 10);
while ((await delivered()) < expected && performance.now() - start < (SECONDS + 60) * 1000) {
  await new Promise((r) => setTimeout(r, 200));
}
const drainSeconds = (performance.now() - start) / 1000;
clearInterval(sampler);
console.log(
  `target ${RATE} events/s for ${SECONDS} s; 50 rules, 10% of events match one http rule\n`,
);
console.log(
  "| time | events accepted | deliveries at sink | queue depth | sluice RSS | V8 heap used |",
);
console.log("| --- | --- | --- | --- | --- | --- |");
for (const s of samples) console.log(s);
console.log(
  `\naccepted ${ok} (${failed} failed) in ${sendSeconds.toFixed(1)} s = ${
    (ok / sendSeconds).toFixed(0)
  } events/s; ` +
    `${await delivered()} of ${expected} deliveries done after ${drainSeconds.toFixed(1)} s; RSS ${
      (await rss()).toFixed(0)
    } MB`,
);
sluice.child.kill("SIGTERM");
await sluice.child.status;
sink.child.kill("SIGTERM");
await sink.child.status;
await Deno.remove(dir, { recursive: true });
