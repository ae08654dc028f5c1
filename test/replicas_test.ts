/**
 * Two `sluice run` replicas on one PostgreSQL store: every delivery runs once while both live;
 * when one is killed with SIGKILL, the other takes over its leased work once the leases expire,
 * and nothing is lost.
 */
import { assertEquals, assertOk } from "./support/assert.ts";
import { freshSchema, postgresTest } from "./support/postgres.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, type SluiceProcess, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const rule = `
on: "*"
do:
  - http: { url: "\${SINK}/a", json: { event: "{{ $event.id }}", n: "{{ n }}" } }
  - http: { url: "\${SINK}/b", json: { event: "{{ $event.id }}", n: "{{ n }}" } }
`;

async function send(replica: SluiceProcess, n: number): Promise<string> {
  const res = await postWebhook(replica.url, JSON.stringify({ type: "user.banned", n }), {
    webhookId: `w-${n}`,
  });
  assertEquals(res.status, 200);
  return (await res.json()).id;
}

postgresTest(
  "replicas: each delivery runs once; a killed replica's work is finished by the other",
  async (url) => {
    const { schema, drop } = await freshSchema(url);
    let slow = false;
    const sink = startSink(async () => {
      if (slow) await new Promise((r) => setTimeout(r, 400));
      return new Response("ok");
    });
    const keys = () => sink.requests.map((r) => r.headers.get("idempotency-key")!);
    try {
      await withTree({
        "rules/r.yaml": rule,
        "sluice.yaml": "executor: { lease: 3s, concurrency: 8 }\n",
      }, async (dir) => {
        const env = {
          SINK: sink.url,
          SLUICE_STORE: `${url}?search_path=${schema}`,
          SLUICE_LOG: "warn",
        };
        const a = await startSluice(dir, { ...env, SLUICE_LOG: "info" });
        const b = await startSluice(dir, { ...env, SLUICE_LOG: "info" });
        try {
          const ids: string[] = [];
          for (let n = 0; n < 60; n++) ids.push(await send(n % 2 ? a : b, n));
          await waitUntil(() => new Set(keys()).size === 120, "120 deliveries", 30_000);
          await new Promise((r) => setTimeout(r, 500));
          assertEquals(
            sink.requests.length,
            120,
            "no delivery ran twice while both replicas lived",
          );

          slow = true;
          const more: string[] = [];
          for (let n = 60; n < 100; n++) more.push(await send(a, n));
          await waitUntil(() => sink.requests.length > 125, "a's deliveries under way", 20_000);
          await a.kill();
          await waitUntil(
            () => new Set(keys()).size === 200,
            "every delivery of the killed replica's events",
            40_000,
          );
          const delivered = new Set(sink.requests.map((r) => JSON.parse(r.body).event));
          for (const id of [...ids, ...more]) assertOk(delivered.has(id), `event ${id} lost`);
          const repeats = sink.requests.length - new Set(keys()).size;
          assertOk(
            repeats <= 8 * 2,
            `${repeats} repeats: at most the deliveries in flight at the kill`,
          );
        } finally {
          await a.stop();
          await b.stop();
        }
      });
    } finally {
      await sink.close();
      await drop();
    }
  },
);
