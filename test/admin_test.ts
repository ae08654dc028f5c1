/** The admin API of a running sluice: auth, events with their deliveries, dead letters, quarantine, rules. */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const TOKEN = "admin-token-0123456789";
const rules = {
  "rules/ban.yaml":
    'on: user.banned\ndo:\n  - slack: { webhook_url: "${SINK}/services/T/B/SECRET", text: "{{ user.id }}" }\n',
  "rules/quiet.yaml":
    'on: "user.*"\nif: user.id = "nobody"\ndo:\n  - http: { url: "${SINK}/never" }\n',
};

Deno.test("admin API: bearer auth, events and their deliveries, dead letters and replay, quarantine, rules", async () => {
  let status = 404;
  const sink = startSink(() => new Response("channel_not_found", { status }));
  try {
    await withTree(rules, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url, SLUICE_ADMIN_TOKEN: TOKEN });
      const get = (path: string, token = TOKEN) =>
        fetch(`${sluice.url}/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
      const post = (path: string, body?: unknown) =>
        fetch(`${sluice.url}/admin${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      try {
        assertEquals((await fetch(`${sluice.url}/admin/rules`)).status, 401);
        assertEquals((await get("/rules", "wrong-token-0123456789")).status, 401);

        const res = await postWebhook(
          sluice.url,
          JSON.stringify({ type: "user.banned", user: { id: "u1" } }),
        );
        const { id } = await res.json();
        await postWebhook(sluice.url, "{broken");
        await waitUntil(
          async () => (await (await get("/dead-letters")).json()).items.length === 1,
          "dead letter",
        );

        const events = await (await get("/events?type=user.banned&limit=10")).json();
        assertEquals(events.items.map((e: { id: string }) => e.id), [id]);
        const record = await (await get(`/events/${id}`)).json();
        assertEquals(record.event, { type: "user.banned", user: { id: "u1" } });
        assertEquals(record.decision, {
          rules: [{ rule: "ban", fired: true, mode: "live" }, {
            rule: "quiet",
            fired: false,
            reason: "if was false",
            trace: { source: 'user.id = "nobody"', value: false },
          }],
          errors: [],
          throttled: [],
        });
        assertEquals(record.deliveries[0].status, "dead");
        assertEquals(record.deliveries[0].params.webhook_url, "[redacted]");
        assertEquals(
          record.deliveries[0].history[0].error,
          "Slack webhook answered 404 channel_not_found",
        );
        assertEquals((await get("/events/nope")).status, 404);

        const dead = await (await get("/dead-letters")).json();
        assertEquals(JSON.stringify(dead).includes("SECRET"), false);
        assertEquals((await post("/dead-letters/replay", { nope: 1 })).status, 400);
        status = 200;
        assertEquals(
          await (await post("/dead-letters/replay", { ids: [dead.items[0].id] })).json(),
          { replayed: 1, items: [{ id: dead.items[0].id, rerendered: true }], failed: [] },
        );
        await sink.waitFor(2);
        await waitUntil(
          async () => (await (await get("/deliveries?status=done")).json()).items.length === 1,
          "done",
        );
        assertEquals((await get("/deliveries?status=nope")).status, 400);

        const quarantine = await (await get("/quarantine")).json();
        assertEquals([quarantine.items.length, quarantine.items[0].body], [1, "{broken"]);

        const loaded = await (await get("/rules")).json();
        assertEquals(loaded.rules.map((r: { name: string }) => r.name), ["ban", "quiet"]);
        const reload = await post("/reload");
        assertEquals([reload.status, (await reload.json()).ok], [200, true]);
      } finally {
        await sluice.stop();
      }
    });
  } finally {
    await sink.close();
  }
});

Deno.test("admin API is off without SLUICE_ADMIN_TOKEN", async () => {
  await withTree(rules, async (dir) => {
    const sluice = await startSluice(dir, { SINK: "http://127.0.0.1:9" });
    try {
      const res = await fetch(`${sluice.url}/admin/rules`, {
        headers: { authorization: "Bearer x" },
      });
      assertEquals(res.status, 404);
      assertIncludes((await res.json()).error, "set SLUICE_ADMIN_TOKEN");
    } finally {
      await sluice.stop();
    }
  });
});
