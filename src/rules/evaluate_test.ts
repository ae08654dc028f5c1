import { assertEquals, assertIncludes, assertOk } from "../../test/support/assert.ts";
import { ruleSetFrom } from "../../test/support/rules.ts";
import type { Envelope, StreamEvent } from "../event/envelope.ts";
import { ActionRenderError, evaluateEvent } from "./evaluate.ts";

const envelope = (type: string): Envelope => ({
  id: "evt-1",
  type,
  source: "test",
  received_at: "2026-08-24T10:00:00.000Z",
  attempt: 1,
});

async function evaluate(files: Record<string, string>, event: StreamEvent) {
  return await evaluateEvent(await ruleSetFrom(files), event, envelope(event.type));
}

const slack = (text: string) =>
  `do:\n  - slack:\n      webhook_url: https://hooks.example/x\n      text: ${
    JSON.stringify(text)
  }\n`;

Deno.test("if sees the event as root and the envelope as $event; numbers are not strings", async () => {
  const files = {
    "num.yaml": `on: t\nif: count = 3\n${slack("n")}`,
    "str.yaml": `on: t\nif: count = "3"\n${slack("s")}`,
    "env.yaml": `on: t\nif: $event.source = "test" and $event.id = "evt-1"\n${slack("e")}`,
  };
  const { matches } = await evaluate(files, { type: "t", count: 3 });
  assertEquals(matches.map((m) => m.rule.name), ["env", "num"]);
});

Deno.test("deep, missing and array paths in conditions and templates", async () => {
  const { matches, errors } = await evaluate({
    "r.yaml": [
      "on: feeds.comment.added",
      'if: $count(comment.mentions[id = "zoë"]) > 0 and "flag" in comment.flags.type',
      slack("{{ comment.user.name }} ✓ {{ comment.missing.deep }}|{{ comment.mentions.id }}"),
    ].join("\n"),
  }, {
    type: "feeds.comment.added",
    comment: {
      user: { name: "Zoë 🌍" },
      mentions: [{ id: "zoë" }, { id: "ann" }],
      flags: [{ type: "spam" }, { type: "flag" }],
    },
  });
  assertEquals(errors, []);
  assertEquals(matches.length, 1);
  const first = matches[0].actions[0];
  assertOk("params" in first);
  assertEquals(first.params.text, 'Zoë 🌍 ✓ |["zoë","ann"]');
});

Deno.test("a failing template is a typed error naming the rule, action and field", async () => {
  const { matches } = await evaluate({
    "broken.yaml": `on: t\n${slack("{{ $number(text) }}")}`,
  }, { type: "t", text: "abc" });
  const action = matches[0].actions[0];
  assertOk("error" in action);
  assertOk(action.error instanceof ActionRenderError);
  assertIncludes(action.error.message, 'rule "broken", do[0] (slack): do[0].slack.text:');
});

Deno.test("a failing condition does not fire and is reported", async () => {
  const { matches, errors } = await evaluate({
    "bad-if.yaml": `on: t\nif: $number(text) > 1\n${slack("x")}`,
  }, { type: "t", text: "abc" });
  assertEquals(matches, []);
  assertEquals(errors.length, 1);
  assertIncludes(errors[0].message, 'rule "bad-if": if failed');
});

Deno.test("throttle keys render; disabled and other-type rules never fire", async () => {
  const { matches } = await evaluate({
    "th.yaml": `on: t\nthrottle: { key: activity.id, per: 10m }\n${slack("x")}`,
    "off.yaml": `on: t\nenabled: false\n${slack("x")}`,
    "other.yaml": `on: u\n${slack("x")}`,
  }, { type: "t", activity: { id: "a-1" } });
  assertEquals(matches.map((m) => [m.rule.name, m.throttleKey]), [["th", "a-1"]]);
});
