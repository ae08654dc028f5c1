import { assertEquals, assertThrows } from "../../test/support/assert.ts";
import { splitTemplate, TemplateSyntaxError } from "./parse.ts";

Deno.test("splitTemplate separates text and expressions with their offsets", () => {
  assertEquals(splitTemplate("Activity {{ activity.id }} by {{user.id}}"), [
    { kind: "text", text: "Activity " },
    { kind: "expr", source: " activity.id ", offset: 11 },
    { kind: "text", text: " by " },
    { kind: "expr", source: "user.id", offset: 32 },
  ]);
});

Deno.test("splitTemplate reads object constructors and strings containing braces whole", () => {
  assertEquals(splitTemplate('{{ {"a": {"b": "}}"}} }}'), [
    { kind: "expr", source: ' {"a": {"b": "}}"}} ', offset: 2 },
  ]);
});

Deno.test("splitTemplate refuses an unclosed or empty template", () => {
  const e = assertThrows(() => splitTemplate("x {{ a.b"), TemplateSyntaxError);
  assertEquals(e.index, 2);
  assertThrows(() => splitTemplate("{{  }}"), TemplateSyntaxError);
});

Deno.test("splitTemplate keeps plain text as one part", () => {
  assertEquals(splitTemplate("no templates } here"), [{
    kind: "text",
    text: "no templates } here",
  }]);
});
