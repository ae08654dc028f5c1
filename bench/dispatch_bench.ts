/**
 * Dispatch cost per event: find candidate rules, evaluate their conditions, render the actions of
 * the rule that fires. With 10 and with 1,000 rules of which one matches; the goal is that 1,000
 * rules cost at most 2x the 10. The baseline is the same condition and template evaluated
 * directly with JSONata, without sluice's index or renderer.
 *
 *   deno task bench bench/dispatch_bench.ts
 */
import jsonata from "jsonata";
import type { Envelope, StreamEvent } from "../src/event/envelope.ts";
import { evaluateEvent } from "../src/rules/evaluate.ts";
import { ruleSetFrom } from "../test/support/rules.ts";

const event = JSON.parse(
  await Deno.readTextFile(
    new URL("../examples/events/review_queue_item.new.json", import.meta.url),
  ),
) as StreamEvent;
const envelope: Envelope = {
  id: "bench",
  type: event.type,
  source: "test",
  received_at: new Date().toISOString(),
  attempt: 1,
};

const CONDITION = 'review_queue_item.severity >= 3 and "SCAM" in review_queue_item.flags.labels';
const TEXT = "{{ review_queue_item.entity_creator_id }} needs review: " +
  "{{ $join(review_queue_item.flags.reason, ', ') }} (severity {{ review_queue_item.severity }})";

const matching = [
  `on: ${event.type}`,
  `if: '${CONDITION.replaceAll("'", "''")}'`,
  "do:",
  "  - slack:",
  "      webhook_url: https://hooks.slack.com/services/T/B/x",
  `      text: "${TEXT}"`,
  "  - http:",
  "      url: https://api.example/review/{{ review_queue_item.id }}",
  '      json: { id: "{{ review_queue_item.id }}", user: "{{ review_queue_item.entity_creator_id }}" }',
].join("\n");

/** `count` rules: one that fires, the rest on other exact types and globs that do not match. */
async function rules(count: number) {
  const files: Record<string, string> = { "match.yaml": matching };
  for (let i = 1; i < count; i++) {
    const on = i % 4 === 0 ? `"custom.${i}.*"` : i % 4 === 1 ? `feeds.activity.added` : `t.${i}`;
    files[`r${i}.yaml`] = [
      `on: ${on}`,
      `if: review_queue_item.severity > ${i}`,
      "do:",
      "  - http: { url: 'https://api.example/x', json: { n: '{{ review_queue_item.id }}' } }",
    ].join("\n");
  }
  return await ruleSetFrom(files);
}

const ten = await rules(10);
const thousand = await rules(1000);
const condition = jsonata(CONDITION);
const pieces = TEXT.split(/\{\{|\}\}/).map((p, i) => (i % 2 ? jsonata(p) : p));
const id = jsonata("review_queue_item.id");
const creator = jsonata("review_queue_item.entity_creator_id");

Deno.bench(
  "baseline: the same JSONata, evaluated directly",
  { group: "dispatch", baseline: true, warmup: 2_000, n: 40_000 },
  async () => {
    if (await condition.evaluate(event, { event: envelope })) {
      let text = "";
      for (const p of pieces) text += typeof p === "string" ? p : String(await p.evaluate(event));
      const url = `https://api.example/review/${await id.evaluate(event)}`;
      const json = { id: await id.evaluate(event), user: await creator.evaluate(event) };
      if (!text || !url || !json.id) throw new Error("nothing rendered");
    }
  },
);

Deno.bench(
  "dispatch, 10 rules (1 matches)",
  { group: "dispatch", warmup: 2_000, n: 40_000 },
  async () => {
    const { matches } = await evaluateEvent(ten, event, envelope);
    if (matches.length !== 1) throw new Error(`expected 1 match, got ${matches.length}`);
  },
);

Deno.bench(
  "dispatch, 1,000 rules (1 matches)",
  { group: "dispatch", warmup: 2_000, n: 40_000 },
  async () => {
    const { matches } = await evaluateEvent(thousand, event, envelope);
    if (matches.length !== 1) throw new Error(`expected 1 match, got ${matches.length}`);
  },
);
