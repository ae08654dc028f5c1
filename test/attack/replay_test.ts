/**
 * Attack: replaying a captured, validly signed webhook. `X-Webhook-Id` is unsigned, but
 * `created_at` is inside the signed body: one older than `SLUICE_MAX_EVENT_AGE` (default 1 h) is
 * quarantined, with a reason, and answered 400 (Stream never sends an event that old: it stops
 * retrying within seconds). Ages are relative to the clock of the machine running the test, so
 * the test does not depend on today's date; the fixtures' fixed 2026 dates are sent with --fresh.
 */
import { DatabaseSync } from "node:sqlite";
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { projectRoot, runSluice } from "../support/cli.ts";
import { startSink } from "../support/sink.ts";
import { postWebhook, startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";

const HOUR_MS = 3_600_000;
/** Stale events posted: three by hand and one sample file sent without --fresh. */
const STALE_SENT = 4;

Deno.test({
  name: "attack: a signed event older than the maximum age is quarantined, fresh ones pass",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree({
      "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "${SINK}/{{ type }}" }\n',
    }, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url });
      const now = Date.now();
      const event = (createdAt?: string | number) =>
        JSON.stringify({ type: "user.banned", created_at: createdAt, user: { id: "u" } });
      try {
        const stale = [
          event(new Date(now - 2 * HOUR_MS).toISOString()),
          event((now - 2 * HOUR_MS) * 1e6), // integer nanoseconds
          event("2025-01-01T00:00:00Z"),
        ];
        for (const body of stale) {
          const res = await postWebhook(sluice.url, body, { webhookId: crypto.randomUUID() });
          const answer = await res.json();
          assertEquals(res.status, 400, body);
          assertIncludes(answer.error, "old, older than the maximum event age of 60 min");
          assertIncludes(answer.error, "kept in quarantine as");
        }
        const fresh = [
          event(new Date(now).toISOString()),
          event(now * 1e6),
          event(new Date(now + 60_000).toISOString()), // a clock a little ahead
          JSON.stringify({ type: "user.banned" }), // no created_at
        ];
        for (const body of fresh) {
          const res = await postWebhook(sluice.url, body, { webhookId: crypto.randomUUID() });
          assertEquals(res.status, 200, `${body}: ${await res.text()}`);
        }
        await sink.waitFor(fresh.length);

        // The CLI: sample files carry fixed 2026-08 dates; --fresh stamps them now.
        const file = `${projectRoot}/examples/events/user.banned.json`;
        const send = (...flags: string[]) =>
          runSluice(["send", "--url", sluice.url, "--api-key", "test-key", ...flags, file], {
            env: { STREAM_API_SECRET: "test-secret" },
          });
        const old = await send();
        assertEquals(old.code, 1, old.stdout + old.stderr);
        assertIncludes(old.stdout, ": 400 ");
        const stamped = await send("--fresh");
        assertEquals(stamped.code, 0, stamped.stdout + stamped.stderr);
        assertIncludes(stamped.stdout, ": 200 ");
        await sink.waitFor(fresh.length + 1);
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
      const db = new DatabaseSync(`${dir}/data/sluice.db`);
      const kept = db.prepare("SELECT reason FROM sluice_quarantine").all() as { reason: string }[];
      db.close();
      assertEquals(kept.length, STALE_SENT);
      for (const { reason } of kept) assertOk(reason.startsWith("created_at is "), reason);
      const quarantined = sluice.logs.filter((l) =>
        l.msg === "body quarantined" && l.source === "webhook"
      );
      assertEquals(quarantined.length, STALE_SENT);
    });
  },
});

Deno.test("SLUICE_MAX_EVENT_AGE must be a duration or off", async () => {
  await withTree(
    { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9" }\n' },
    async (dir) => {
      const r = await runSluice(["run"], {
        cwd: dir,
        env: { SLUICE_MAX_EVENT_AGE: "soon", SLUICE_LISTEN: "127.0.0.1:0" },
      });
      assertEquals(r.code, 2, r.stdout + r.stderr);
      assertIncludes(
        r.stderr + r.stdout,
        "SLUICE_MAX_EVENT_AGE: expected a duration such as 1h, or off",
      );
    },
  );
});
