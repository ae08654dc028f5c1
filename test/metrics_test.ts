/** `GET /metrics` serves the Prometheus series of product.md §7 from a running sluice. */
import { assertIncludes, assertMatch } from "./support/assert.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

Deno.test("metrics count events, matches and deliveries, and show the queue", async () => {
  const sink = startSink();
  try {
    await withTree(
      { "rules/all.yaml": 'on: "*"\ndo:\n  - http: { url: "${SINK}/x" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir, { SINK: sink.url });
        try {
          const event = JSON.stringify({ type: "user.banned" });
          await postWebhook(sluice.url, event, { webhookId: "m1" });
          await postWebhook(sluice.url, event, { webhookId: "m1" });
          await postWebhook(sluice.url, event, { secret: "wrong" });
          await sink.waitFor(1);
          const scrape = async () => {
            const res = await fetch(`${sluice.url}/metrics`);
            return { type: res.headers.get("content-type"), text: await res.text() };
          };
          const { type, text } = await waitUntil(async () => {
            const s = await scrape();
            // The queue gauges share a store reading for a second (unauthenticated scrapes).
            return s.text.includes('outcome="done"} 1') && s.text.includes("sluice_queue_depth 0\n")
              ? s
              : undefined;
          }, "the delivery counted and the queue read empty");
          assertIncludes(type ?? "", "text/plain");
          for (
            const line of [
              'sluice_events_total{source="webhook",type="user.banned",outcome="accepted"} 1',
              'sluice_events_total{source="webhook",type="user.banned",outcome="duplicate"} 1',
              'sluice_events_total{source="webhook",type="",outcome="unauthorized"} 1',
              'sluice_rule_matches_total{rule="all"} 1',
              'sluice_deliveries_total{rule="all",action="http",outcome="done"} 1',
              'sluice_delivery_duration_seconds_count{action="http"} 1',
              "sluice_queue_depth 0",
              "sluice_pending_events 0",
              "sluice_dead_letters 0",
            ]
          ) assertIncludes(text, `${line}\n`);
          assertMatch(text, /^process_resident_memory_bytes \d+$/m);
        } finally {
          await sluice.stop();
        }
      },
    );
  } finally {
    await sink.close();
  }
});
