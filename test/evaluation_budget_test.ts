/**
 * An event is evaluated before it is written: within the evaluation budget it is stored once,
 * already dispatched, so its decision and deliveries exist when the sender has its answer; an
 * event whose rules overrun the budget is answered first and dispatched after, as before.
 */
import { DatabaseSync } from "node:sqlite";
import { decisionFromText } from "../src/store/decision_text.ts";
import { assertEquals } from "./support/assert.ts";
import { startApp } from "./support/app.ts";
import { postWebhook } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const env = { STREAM_API_KEY: "test-key", STREAM_API_SECRET: "test-secret" };

/** The stored row of an event, read from the database file as it is now. */
function row(dir: string, id: string) {
  const db = new DatabaseSync(`${dir}/data/sluice.db`, { readOnly: true });
  try {
    return db.prepare(
      `SELECT dispatched_at, lease_owner, decision,
         (SELECT COUNT(*) FROM sluice_deliveries WHERE event_id = e.id) AS deliveries
       FROM sluice_events e WHERE id = ?`,
    ).get(id) as {
      dispatched_at: number | null;
      lease_owner: string | null;
      decision: string | null;
      deliveries: number;
    };
  } finally {
    db.close();
  }
}

const rule = (condition: string) =>
  `on: user.banned\nif: ${condition}\ndo:\n  - http: { url: "http://127.0.0.1:9/banned" }\n`;

Deno.test("within the budget, the answer comes after the event is written with its dispatch", async () => {
  await withTree({ "rules/ban.yaml": rule("reason = 'spam'") }, async (dir) => {
    const { app } = await startApp(dir, env, {}, "evaluation_budget: 10s\n");
    try {
      const res = await postWebhook(
        app.url,
        JSON.stringify({ type: "user.banned", reason: "spam" }),
      );
      const { id } = await res.json();
      const stored = row(dir, id);
      assertEquals(stored.dispatched_at !== null, true, "dispatched when answered");
      assertEquals(stored.lease_owner, null, "never leased to a dispatcher");
      assertEquals(decisionFromText(stored.decision!).rules[0].fired, true);
      assertEquals(stored.deliveries, 1);
    } finally {
      await app.stop(100);
    }
  });
});

Deno.test("rules that overrun the budget do not hold the answer; the event is dispatched after", async () => {
  // Counting a range of 300,000 numbers takes JSONata far longer than a millisecond.
  await withTree({ "rules/ban.yaml": rule("$count([1..300000]) > 0") }, async (dir) => {
    const { app } = await startApp(dir, env, {}, "evaluation_budget: 1ms\n");
    try {
      const res = await postWebhook(app.url, JSON.stringify({ type: "user.banned", reason: "x" }));
      assertEquals(res.status, 200);
      const { id } = await res.json();
      assertEquals(row(dir, id).lease_owner !== null, true, "written for the dispatcher");
      await waitUntil(() => row(dir, id).dispatched_at !== null, "dispatched after the answer");
      assertEquals(decisionFromText(row(dir, id).decision!).rules[0].fired, true);
      assertEquals(row(dir, id).deliveries, 1);
    } finally {
      await app.stop(100);
    }
  });
});
