import { assertEquals, assertIncludes, assertRejects } from "../../test/support/assert.ts";
import { compileTemplate, renderTemplate, TemplateRenderError } from "./template.ts";

const event = {
  type: "feeds.activity.reaction.added",
  activity: { id: "act-1", text: "héllo 🌍", reaction_count: 3, tags: ["a", "b"], meta: { x: 1 } },
  user: { id: "u-7", name: "Zoë" },
};

async function render(value: unknown, bindings = {}) {
  const { template, problems } = compileTemplate(value);
  assertEquals(problems, []);
  return await renderTemplate(template, event, { bindings });
}

Deno.test("a string that is exactly one template keeps the value's type", async () => {
  assertEquals(await render("{{ activity.reaction_count }}"), 3);
  assertEquals(await render("{{ activity.tags }}"), ["a", "b"]);
  assertEquals(await render("{{ activity.meta }}"), { x: 1 });
  assertEquals(await render("{{ activity.reaction_count > 2 }}"), true);
});

Deno.test("mixed strings stringify numbers, lists and objects as JSON, missing values as empty", async () => {
  assertEquals(
    await render("n={{ activity.reaction_count }} tags={{ activity.tags }} m={{ activity.meta }}"),
    'n=3 tags=["a","b"] m={"x":1}',
  );
  assertEquals(await render("[{{ activity.missing.deep.path }}]"), "[]");
  assertEquals(await render("{{ user.name }} wrote {{ activity.text }}"), "Zoë wrote héllo 🌍");
});

Deno.test("objects and lists render recursively; a missing exact value drops the key", async () => {
  assertEquals(
    await render({
      id: "{{ activity.id }}",
      nested: [{ n: "{{ activity.reaction_count }}" }, "{{ nope }}", "plain"],
      absent: "{{ nope }}",
      literal: 5,
    }),
    { id: "act-1", nested: [{ n: 3 }, null, "plain"], literal: 5 },
  );
});

Deno.test("$event is bound to the envelope", async () => {
  assertEquals(
    await render("{{ $event.id }}/{{ $event.attempt }}", { event: { id: "e1", attempt: 2 } }),
    "e1/2",
  );
});

Deno.test("templates without expressions compile to literals", () => {
  const { template } = compileTemplate({ a: "x", b: ["y", 1] });
  assertEquals(template.kind, "literal");
});

Deno.test("syntax errors are reported with the field and the offset in the string", () => {
  const { problems } = compileTemplate({ text: "hi {{ activity.( }}" }, ["do", 0, "slack"]);
  assertEquals(problems.length, 1);
  assertEquals(problems[0].path, ["do", 0, "slack", "text"]);
  assertIncludes(problems[0].message, "invalid JSONata");
  assertEquals(problems[0].index >= 5, true);
});

Deno.test("a failing expression is a typed error naming the field", async () => {
  const { template } = compileTemplate({ count: '{{ $number("abc") + $undefinedFn() }}' });
  const e = await assertRejects(renderTemplate(template, event), TemplateRenderError);
  assertEquals(e.path, ["count"]);
  assertIncludes(e.message, "count:");
});

Deno.test("the escaper applies to produced strings only, not to literal text", async () => {
  const { template } = compileTemplate("<!here> {{ user.name }} & {{ '<b>' }}");
  const out = await renderTemplate(template, event, {
    escape: (s) => String(s).replaceAll("<", "&lt;"),
  });
  assertEquals(out, "<!here> Zoë & &lt;b>");
});
