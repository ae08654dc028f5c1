/**
 * Crash safety: sluice under load is killed with SIGKILL at random moments and restarted. Every
 * event it answered 200, and every SQS message, must reach the sink for every action (counted by
 * distinct idempotency keys), however often a delivery was repeated. The webhook sender behaves
 * like Stream: it retries an event with the same X-Webhook-Id until it gets an answer.
 *
 * Defaults are the short form run by `deno task test`; CRASH_EVENTS and CRASH_KILLS make it longer
 * (`deno task chaos` runs 10,000 events and 20 kills).
 */
import { assertEquals, assertOk } from "./support/assert.ts";
import { FakeSqs, sdkTestEnv } from "./support/fake_sqs.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, type SluiceProcess, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const EVENTS = Number(Deno.env.get("CRASH_EVENTS") ?? 500);
const KILLS = Number(Deno.env.get("CRASH_KILLS") ?? 3);
const SENDERS = 8;

const rule = `
on: "*"
do:
  - http: { url: "\${SINK}/a", json: { event: "{{ $event.id }}", n: "{{ n }}" }, retry: { initial_delay: 50ms, max_delay: 500ms } }
  - http: { url: "\${SINK}/b", json: { event: "{{ $event.id }}", n: "{{ n }}" }, retry: { initial_delay: 50ms, max_delay: 500ms } }
`;

Deno.test({
  name: `SIGKILL ${KILLS} times during ${EVENTS} events loses no accepted delivery`,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const sink = startSink();
  await withTree({ "rules/forward.yaml": rule }, async (dir) => {
    const env = { SINK: sink.url };
    let sluice: SluiceProcess = await startSluice(dir, env);
    const accepted = new Map<number, string>();
    let next = 0;
    let restarting: Promise<void> | undefined;

    const sendOne = async (n: number) => {
      const body = JSON.stringify({ type: "feeds.activity.added", n });
      for (;;) {
        await restarting;
        try {
          const res = await postWebhook(sluice.url, body, { webhookId: `crash-${n}` });
          const answer = await res.json();
          if (res.status === 200) {
            accepted.set(n, answer.id);
            return;
          }
        } catch {
          // Connection refused or reset while sluice is down: retry, as Stream does.
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const senders = Array.from({ length: SENDERS }, async () => {
      while (next < EVENTS) await sendOne(next++);
    });

    const moments: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const target = Math.floor(((k + Math.random()) / (KILLS + 1)) * EVENTS);
      await waitUntil(() => accepted.size >= target || next >= EVENTS, "load to progress", 60_000);
      moments.push(accepted.size);
      const done = Promise.withResolvers<void>();
      restarting = done.promise;
      await sluice.kill();
      sluice = await startSluice(dir, env);
      done.resolve();
      restarting = undefined;
    }
    await Promise.all(senders);
    try {
      assertEquals(accepted.size, EVENTS);
      const keys = () => new Set(sink.requests.map((r) => r.headers.get("idempotency-key")));
      await waitUntil(() => keys().size >= EVENTS * 2, `${EVENTS * 2} distinct deliveries`, 60_000);
      const seen = { a: new Set<string>(), b: new Set<string>() };
      for (const r of sink.requests) {
        seen[r.path === "/a" ? "a" : "b"].add(JSON.parse(r.body).event);
      }
      for (const id of accepted.values()) {
        assertOk(seen.a.has(id) && seen.b.has(id), `event ${id} was not delivered to both actions`);
      }
      assertEquals(keys().size, EVENTS * 2);
      console.log(
        `kills after ${moments.join(", ")} accepted events; ${sink.requests.length} requests for ` +
          `${keys().size} deliveries (${
            sink.requests.length - keys().size
          } repeats, all with a known key)`,
      );
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});

Deno.test({
  name: `SIGKILL ${KILLS} times while polling SQS for ${
    Math.floor(EVENTS / 2)
  } messages loses none`,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const messages = Math.floor(EVENTS / 2);
  const fake = new FakeSqs().start();
  const queue = fake.createQueue("events", { visibilityTimeout: 2 });
  const sink = startSink();
  await withTree({
    "rules/forward.yaml": rule,
    "sluice.yaml": "sqs: { wait_seconds: 1, visibility_timeout: 2, pollers: 2 }\n",
  }, async (dir) => {
    const env = {
      SINK: sink.url,
      SLUICE_SQS_QUEUES: queue,
      ...sdkTestEnv,
    };
    let sluice = await startSluice(dir, env);
    try {
      for (let n = 0; n < messages; n++) {
        fake.send("events", JSON.stringify({ type: "user.banned", n }));
      }
      for (let k = 0; k < KILLS; k++) {
        const target = Math.floor(((k + Math.random()) / (KILLS + 1)) * messages);
        await waitUntil(
          () => messages - fake.depth("events") >= target,
          "messages to be taken",
          60_000,
        );
        await sluice.kill();
        sluice = await startSluice(dir, env);
      }
      const delivered = (path: string) =>
        new Set(sink.requests.filter((r) => r.path === path).map((r) => JSON.parse(r.body).n));
      await waitUntil(
        () =>
          fake.depth("events") === 0 && delivered("/a").size === messages &&
          delivered("/b").size === messages,
        "every message stored, deleted and delivered to both actions",
        90_000,
      );
      const keys = new Set(sink.requests.map((r) => r.headers.get("idempotency-key")));
      assertEquals(
        keys.size,
        messages * 2,
        "one delivery per (message, action), however often repeated",
      );
    } finally {
      await sluice.stop();
      await sink.close();
      await fake.close();
    }
  });
});
