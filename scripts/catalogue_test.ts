import { assertEquals, assertThrows } from "../test/support/assert.ts";
import { FIXTURES_DIR, generateCatalogue, SHAPES_FILE } from "./catalogue.ts";
import { FixtureError, inferCatalogue } from "./catalogue_infer.ts";

Deno.test("the committed catalogue is what deno task catalogue generates from examples/events", async () => {
  const committed = await Deno.readTextFile(SHAPES_FILE);
  assertEquals(committed, await generateCatalogue(FIXTURES_DIR), "run: deno task catalogue");
});

const fieldsOf = (...events: unknown[]) =>
  inferCatalogue(events.map((event, i) => ({ file: `f${i}.json`, event }))).types.t.fields;

Deno.test("paths through objects and arrays, with their JSON types", () => {
  assertEquals(
    fieldsOf({
      type: "t",
      activity: { id: "a", score: 0.5, hidden: false, tags: ["x"], latest: [{ kind: "like" }] },
    }),
    {
      activity: "object",
      "activity.hidden": "boolean",
      "activity.id": "string",
      "activity.latest": "array<object>",
      "activity.latest.kind": "string",
      "activity.score": "number",
      "activity.tags": "array<string>",
      type: "string",
    },
  );
});

Deno.test("a field is optional when a fixture, an element or a map value lacks it, or it is null", () => {
  const fields = fieldsOf(
    {
      type: "t",
      a: 1,
      list: [{ x: 1, y: 1 }, { x: 2 }],
      reaction_groups: { like: { count: 1, last: "t" }, flag: { count: 2 } },
      maybe: null,
    },
    { type: "t", list: [] },
  );
  assertEquals(fields.a, "number?");
  assertEquals(fields["list.x"], "number");
  assertEquals(fields["list.y"], "number?");
  assertEquals(fields["reaction_groups"], "map<object>?");
  assertEquals(fields["reaction_groups.*.count"], "number");
  assertEquals(fields["reaction_groups.*.last"], "string?");
  assertEquals(fields.maybe, "null?");
});

Deno.test("schema knowledge: free-form objects, names Stream omits when empty", () => {
  const fields = fieldsOf({
    type: "t",
    user: { custom: { plan: "pro" }, image: "https://x" },
    expiration: "2026-08-31T10:22:05Z",
  });
  assertEquals(fields["user.custom"], "map<any>");
  assertEquals(fields["user.custom.plan"], undefined);
  assertEquals(fields["user.image"], "string?");
  assertEquals(fields.expiration, "string?");
});

Deno.test("what was only ever seen empty is open: nothing below it is known", () => {
  const fields = fieldsOf({ type: "t", attachments: [], settings: {}, reaction_groups: {} });
  assertEquals(fields.attachments, "array<any>");
  assertEquals(fields.settings, "map<any>");
  assertEquals(fields.reaction_groups, "map<any>");
});

Deno.test("several fixtures of one type merge; names with dots are quoted", () => {
  const { types } = inferCatalogue([
    { file: "b.json", event: { type: "t", v: "x", "a.b": 1 } },
    { file: "a.json", event: { type: "t", v: 2 } },
    { file: "c.json", event: { type: "u" } },
  ]);
  assertEquals(types.t, {
    fixtures: ["a.json", "b.json"],
    fields: { "`a.b`": "number?", type: "string", v: "number|string" },
  });
  assertEquals(Object.keys(types), ["t", "u"]);
});

Deno.test("a fixture that is not an event is refused, naming the file", () => {
  const array = assertThrows(() => inferCatalogue([{ file: "x.json", event: [1] }]), FixtureError);
  assertEquals(array.message, "x.json: an event fixture must be a JSON object");
  const untyped = assertThrows(
    () => inferCatalogue([{ file: "y.json", event: { type: 3 } }]),
    FixtureError,
  );
  assertEquals(untyped.message, 'y.json: an event fixture needs a non-empty string "type"');
});
