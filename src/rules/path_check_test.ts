import { assertEquals, assertOk } from "../../test/support/assert.ts";
import { checkExpression, checkTemplate } from "./path_check.ts";
import { pathScope } from "./path_scope.ts";

const scopeOf = (...on: string[]) => {
  const scope = pathScope(on);
  assertOk(scope, `no shapes for ${on}`);
  return scope;
};
const warnings = (src: string, ...on: string[]) =>
  checkExpression(src, scopeOf(...on)).map((w) => `${w.index}: ${w.message}`);

Deno.test("an unknown path is named with the closest known one", () => {
  assertEquals(warnings("comment.txt", "feeds.comment.added"), [
    "0: comment.txt is not a field of feeds.comment.added (did you mean comment.text?)",
  ]);
  assertEquals(warnings('user.id = "a" and coment.text', "feeds.comment.added"), [
    "18: coment.text is not a field of feeds.comment.added (did you mean comment.text?)",
  ]);
  assertEquals(warnings("reasn", "user.banned"), [
    "0: reasn is not a field of user.banned (did you mean reason?)",
  ]);
  assertEquals(warnings("creted_by.id", "user.banned"), [
    "0: creted_by.id is not a field of user.banned (did you mean created_by.id?)",
  ]);
  assertEquals(warnings("zzzz", "user.banned"), ["0: zzzz is not a field of user.banned"]);
});

Deno.test("known paths pass: nested, through arrays, keyed objects and free-form data", () => {
  const on = "feeds.activity.reaction.added";
  for (
    const ok of [
      'reaction.type = "flag" and activity.reaction_groups.flag.count >= 3',
      '$count(activity.latest_reactions[type = "flag"])',
      "activity.latest_reactions.user.id",
      "activity.user.custom.plan.anything.below",
      "activity.attachments.url",
      "$event.type & $event.known & $event.attempt",
      "$.fid & $$.type",
      "($n := activity.reaction_count; $n.whatever)",
      "activity.*.nonsense",
    ]
  ) assertEquals(warnings(ok, on), [], ok);
});

Deno.test("inside arrays, keyed objects and predicates, the faulty name is reported", () => {
  const on = "feeds.activity.reaction.added";
  assertEquals(warnings("activity.latest_reactions.typ", on), [
    "0: activity.latest_reactions.typ is not a field of feeds.activity.reaction.added" +
    " (did you mean activity.latest_reactions.type?)",
  ]);
  assertEquals(warnings("activity.reaction_groups.flag.cuont", on), [
    "0: activity.reaction_groups.flag.cuont is not a field of feeds.activity.reaction.added" +
    " (did you mean activity.reaction_groups.flag.count?)",
  ]);
  assertEquals(warnings('activity.latest_reactions[tpye = "flag"]', on), [
    "26: activity.latest_reactions.tpye is not a field of feeds.activity.reaction.added" +
    " (did you mean activity.latest_reactions.type?)",
  ]);
  // A fault in the step before a predicate is reported once, there.
  assertEquals(warnings('activty.latest_reactions[type = "flag"]', on).length, 1);
  assertEquals(warnings("reaction.type.name", on), [
    "0: reaction.type.name is not a field of feeds.activity.reaction.added",
  ]);
});

Deno.test("$event is checked against the envelope", () => {
  assertEquals(warnings("$event.typ", "user.banned"), [
    "0: $event.typ is not a field of $event (id, type, source, received_at, attempt, known)" +
    " (did you mean $event.type?)",
  ]);
});

Deno.test("several on types: a path any of them has is known", () => {
  assertEquals(warnings("reason & comment.text", "user.banned", "feeds.comment.added"), []);
  assertEquals(warnings("resaon", "user.banned", "feeds.comment.added"), [
    "0: resaon is not a field of user.banned or feeds.comment.added (did you mean reason?)",
  ]);
  assertEquals(warnings("comment.txt", "feeds.comment.*"), [
    "0: comment.txt is not a field of any of the 7 event types of feeds.comment.*" +
    " (did you mean comment.text?)",
  ]);
});

Deno.test("rules on *, on unknown types or on types without a fixture are not path-checked", () => {
  assertEquals(pathScope(["*"]), undefined);
  assertEquals(pathScope(["user.banned", "*"]), undefined);
  assertEquals(pathScope(["appeal.accepted"]), undefined);
  assertEquals(pathScope(["custom.thing"]), undefined);
  assertEquals(pathScope(["moderation.*_analysis.*"]), undefined);
  assertEquals(pathScope(["appeal.*"])?.shapes.map((s) => s.type), ["appeal.created"]);
});

Deno.test("templates: each {{ }} is checked at its offset in the string", () => {
  const scope = scopeOf("user.banned");
  assertEquals(checkTemplate("User {{ user.id }} by {{ creted_by.id }}", scope), [{
    index: 25,
    message: "creted_by.id is not a field of user.banned (did you mean created_by.id?)",
  }]);
  assertEquals(checkTemplate("no templates, {{ broken", scope), []);
});

Deno.test("attack: huge, deep and repeated expressions cost bounded time and warnings", () => {
  const scope = scopeOf("feeds.*");
  const started = performance.now();
  assertEquals(checkExpression("a".repeat(1 << 20), scope).length, 1);
  assertEquals(checkExpression(Array(1000).fill("activity").join("."), scope).length, 1);
  assertEquals(checkExpression("(".repeat(5000) + "a" + ")".repeat(5000), scope), []);
  assertEquals(checkExpression(Array(5000).fill("activty.id").join(" + "), scope).length, 20);
  assertEquals(checkTemplate("{{ nope }}".repeat(50000), scope).length, 20);
  assertEquals(checkExpression("activity.\u0000x", scope).length, 1);
  // About 150 ms here; the bound is 20 times that.
  const ms = performance.now() - started;
  assertOk(ms < 3000, `took ${ms} ms`);
});
