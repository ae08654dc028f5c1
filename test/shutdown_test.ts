/**
 * SIGTERM drains: sluice stops taking requests, lets the delivery in flight finish, leaves the
 * rest queued, and a restart delivers the rest without repeating the finished one.
 */
import { assertEquals } from "./support/assert.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";

Deno.test("SIGTERM finishes the delivery in flight and leaves the rest queued", async () => {
  let slow = true;
  const sink = startSink(async () => {
    if (slow) await new Promise((r) => setTimeout(r, 1500));
    return new Response("ok");
  });
  const rule = `
on: user.banned
do:
  - http: { url: "\${SINK}/first", json: { id: "{{ $event.id }}" } }
  - http: { url: "\${SINK}/second", json: { id: "{{ $event.id }}" } }
`;
  const env = { SINK: sink.url, SLUICE_LOG: "debug" };
  try {
    await withTree(
      { "rules/r.yaml": rule, "sluice.yaml": "executor: { concurrency: 1 }\n" },
      async (dir) => {
        const sluice = await startSluice(dir, env);
        const res = await postWebhook(sluice.url, JSON.stringify({ type: "user.banned" }));
        assertEquals(res.status, 200);
        await sink.waitFor(1);
        const stopping = sluice.stop();
        assertEquals(await stopping, 0);
        assertEquals(
          sink.requests.length,
          1,
          "the queued delivery was not started during the drain",
        );
        assertEquals(
          sluice.logs.filter((l) => l.msg === "delivery done").length,
          1,
          "the one in flight finished",
        );

        slow = false;
        const again = await startSluice(dir, env);
        try {
          await sink.waitFor(2);
          await new Promise((r) => setTimeout(r, 300));
          assertEquals(sink.requests.map((r) => r.path), ["/first", "/second"]);
        } finally {
          await again.stop();
        }
      },
    );
  } finally {
    await sink.close();
  }
});
