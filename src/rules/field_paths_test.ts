import jsonata from "jsonata";
import { assertEquals } from "../../test/support/assert.ts";
import { fieldPaths } from "./field_paths.ts";

/** Each path as `segments@start`, `$event.` for the envelope, `^n` for inherited segments. */
function refs(src: string): string[] {
  return fieldPaths(jsonata(src).ast(), src).map((r) =>
    `${r.scope === "envelope" ? "$event." : ""}${r.segments.join(".")}` +
    `${r.inherited ? `^${r.inherited}` : ""}@${r.start}`
  );
}

Deno.test("nested paths, and where each starts", () => {
  assertEquals(refs("comment.text"), ["comment.text@0"]);
  assertEquals(refs('  user.id = "a" and created_by.id != user.id'), [
    "user.id@2",
    "created_by.id@20",
    "user.id@37",
  ]);
});

Deno.test("predicates read names relative to the filtered element", () => {
  assertEquals(refs('$count(activity.latest_reactions[type = "flag"]) >= 3'), [
    "activity.latest_reactions.type^2@33",
    "activity.latest_reactions@7",
  ]);
  assertEquals(refs("a[b = 1][c = 2].d"), ["a.b^1@2", "a.c^1@9", "a.d@0"]);
});

Deno.test("array indexes are not names", () => {
  assertEquals(refs("a.b[0].c"), ["a.b.c@0"]);
  assertEquals(refs("a[-1]"), ["a@0"]);
  assertEquals(refs("$count(a.b)[0]"), ["a.b@7"]);
});

Deno.test("$event is the envelope; $ is the current context and $$ the event", () => {
  assertEquals(refs("$event.type"), ["$event.type@0"]);
  assertEquals(refs("$not($event.known)"), ["$event.known@5"]);
  assertEquals(refs("$.user.id"), ["user.id@0"]);
  assertEquals(refs("$$.user.id"), ["user.id@0"]);
  assertEquals(refs("flags[$.type = $$.kind]"), ["flags.type^1@6", "kind@15", "flags@0"]);
  assertEquals(refs("$event"), []);
});

Deno.test("variables bound with := and lambda parameters are not event paths", () => {
  assertEquals(refs("($x := user.name; $x.first)"), ["user.name@7"]);
  assertEquals(refs("$map(flags, function($f) { $f.reason & nme })"), ["flags@5"]);
});

Deno.test("function arguments, object and array constructors, conditions", () => {
  assertEquals(refs('$join(review_queue_item.flags.reason, ", ")'), [
    "review_queue_item.flags.reason@6",
  ]);
  assertEquals(refs('{"id": user.id, "by": created_by.id}'), ["user.id@7", "created_by.id@22"]);
  assertEquals(refs("[user.id, reason]"), ["user.id@1", "reason@10"]);
  assertEquals(refs('reason ? reason : "none"'), ["reason@0", "reason@9"]);
  assertEquals(refs("user.name ~> $uppercase()"), ["user.name@0"]);
});

Deno.test("mapping steps and blocks read relative to the step before", () => {
  assertEquals(refs("review_queue_item.flags.(user_id & type)"), [
    "review_queue_item.flags@0",
    "review_queue_item.flags.user_id^2@25",
    "review_queue_item.flags.type^2@35",
  ]);
  assertEquals(refs('flags.{"u": user_id}'), ["flags@0", "flags.user_id^1@12"]);
  assertEquals(refs("a.(b).c"), ["a@0", "a.b^1@3", "a.b.c^2@6"]);
  assertEquals(refs("flags^(created_at).reason"), [
    "flags@0",
    "flags.created_at^1@7",
    "flags.reason^1@19",
  ]);
  assertEquals(refs("flags{type: $count(user_id)}"), [
    "flags@0",
    "flags.type^1@6",
    "flags.user_id^1@19",
  ]);
});

Deno.test("wildcards, descendants, parents and focus stop the path where they stand", () => {
  assertEquals(refs("a.*.b"), ["a@0"]);
  assertEquals(refs("a.**.b"), ["a@0"]);
  assertEquals(refs("a.b.%.c"), ["a.b@0"]);
  assertEquals(refs("a@$v.b"), ["a@0"]);
  assertEquals(refs("*.b"), []);
});

Deno.test("quoted names start at their quote", () => {
  assertEquals(refs("`weird name`.x"), ["weird name.x@0"]);
  assertEquals(refs("user.`display name`"), ["user.display name@0"]);
  assertEquals(refs('x = 1 and "a\\"b".c'), ["x@0", 'a"b.c@10']);
});

Deno.test("deep nesting and long paths are bounded", () => {
  const deep = "(".repeat(500) + "a" + ")".repeat(500);
  assertEquals(refs(deep), []);
  const long = Array(100).fill("a").join(".");
  assertEquals(refs(long).length, 1);
  assertEquals(refs(long)[0].split(".").length, 64);
});
