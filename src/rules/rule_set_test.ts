import { assertEquals } from "../../test/support/assert.ts";
import { ruleSetFrom } from "../../test/support/rules.ts";

const rule = (on: string, extra = "") =>
  `on: ${on}\n${extra}do:\n  - slack: { webhook_url: "https://hooks.example/x", text: hi }\n`;

Deno.test("candidates: exact types, globs with dots, * alone, and load order", async () => {
  const rules = await ruleSetFrom({
    "a-exact.yaml": rule("feeds.activity.added"),
    "b-glob.yaml": rule('"feeds.*"'),
    "c-all.yaml": rule('"*"'),
    "d-comment.yaml": rule('"feeds.comment.*"'),
    "e-list.yaml": rule('[user.banned, "feeds.activity.*", "*.added"]'),
    "f-off.yaml": rule("feeds.activity.added", "enabled: false\n"),
  });
  const names = (type: string) => rules.candidates(type).map((r) => r.name);
  assertEquals(names("feeds.activity.added"), ["a-exact", "b-glob", "c-all", "e-list"]);
  assertEquals(names("feeds.comment.reaction.added"), ["b-glob", "c-all", "d-comment", "e-list"]);
  assertEquals(names("user.banned"), ["c-all", "e-list"]);
  assertEquals(names("something.unknown"), ["c-all"]);
  assertEquals(names("feeds.activity.added"), ["a-exact", "b-glob", "c-all", "e-list"], "cached");
});

Deno.test("a glob does not match a type that merely contains its parts", async () => {
  const rules = await ruleSetFrom({ "r.yaml": rule('"feeds.comment.*"') });
  assertEquals(rules.candidates("feeds.comment").length, 0);
  assertEquals(rules.candidates("xfeeds.comment.added").length, 0);
  assertEquals(rules.candidates("feeds.comment.added").length, 1);
});
