/**
 * Attack: validly signed bodies that are costly to route (a signer's key leaked, or a bug
 * upstream). Nesting 5,000–9,000 deep used to be accepted and then throw in JSONata, far from any
 * guard; a megabyte-long `type` ran polynomial backtracking in the `on` glob regexes, freezing
 * dispatch. Now nesting past 64 levels is quarantined with a 400, and globs match in linear time.
 */
import { DatabaseSync } from "node:sqlite";
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { startSink } from "../support/sink.ts";
import { postWebhook, startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { health, timed } from "./support.ts";

const RULES = {
  "rules/all.yaml": 'on: "*"\ndo:\n  - http: { url: "${SINK}/all" }\n',
  "rules/deleted.yaml": 'on: "*.*.deleted"\ndo:\n  - http: { url: "${SINK}/deleted" }\n',
  "rules/feeds.yaml": 'on: "feeds.*.*.x"\ndo:\n  - http: { url: "${SINK}/feeds" }\n',
};

Deno.test({
  name: "attack: signed bodies nested past 64 levels are quarantined, not dispatched",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url });
      try {
        for (const levels of [65, 9_000, 400_000]) {
          const body = `{"type":"user.banned","a":${"[".repeat(levels)}${"]".repeat(levels)}}`;
          const res = await postWebhook(sluice.url, body, { webhookId: `deep-${levels}` });
          assertEquals(res.status, 400, `${levels} levels`);
          assertIncludes(
            (await res.json()).error,
            "nested deeper than 64 levels; kept in quarantine",
          );
        }
        const ok = `{"type":"user.banned","a":${"[".repeat(63)}${"]".repeat(63)}}`;
        assertEquals((await postWebhook(sluice.url, ok, { webhookId: "ok" })).status, 200);
        await sink.waitFor(1);
        await new Promise((r) => setTimeout(r, 300));
        assertEquals(sink.requests.length, 1, "only the 64-level event was dispatched");
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
      const db = new DatabaseSync(`${dir}/data/sluice.db`);
      const reasons = db.prepare("SELECT reason FROM sluice_quarantine").all().map((r) => r.reason);
      db.close();
      assertEquals(reasons, Array(3).fill("nested deeper than 64 levels"));
    });
  },
});

Deno.test({
  name: "attack: a signed event with a 900 KB type is routed in linear time",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url });
      try {
        const type = "feeds." + ".".repeat(900_000);
        const res = await postWebhook(sluice.url, JSON.stringify({ type }), { webhookId: "long" });
        assertEquals(res.status, 200);
        // Normal: routed and delivered within ~100 ms. Before: `^.*\..*\.deleted$` and
        // `^feeds\..*\..*\.x$` backtracked over 900 KB for many minutes, the process frozen.
        const { ms } = await timed(() => sink.waitFor(1, 60_000));
        assertOk(ms < 5_000, `delivered after ${ms.toFixed(0)} ms`);
        assertEquals(sink.requests.map((r) => r.path), ["/all"]);
        assertEquals(await health(sluice.url, 2_000), 200);
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
    });
  },
});
