import { isScalar, parseDocument, visit } from "yaml";
import { assertEquals, assertOk } from "../../test/support/assert.ts";
import { scalarValueOffsets } from "./scalar_offsets.ts";
import { SourceFile } from "./source.ts";

/** `LINE:COL` of the first occurrence of `needle` in the value at `key`, as a problem reports it. */
function located(yaml: string, key: string, needle: string, env: Record<string, string> = {}) {
  const { source } = SourceFile.parse("r.yaml", yaml);
  source.interpolateEnv((name) => env[name]);
  const value = String((source.toData() as Record<string, unknown>)[key]);
  const index = value.indexOf(needle);
  assertOk(index >= 0, `${needle} not in ${JSON.stringify(value)}`);
  const p = source.problemInString([key], index, "x");
  return `${p.line}:${p.col}`;
}

Deno.test("positions inside every scalar style point at the character itself", () => {
  assertEquals(located("a: plain text here\n", "a", "here"), "1:15");
  assertEquals(located('a: "dq \\"esc\\" \\u00e9 x"\n', "a", "x"), "1:23");
  assertEquals(located("a: 'sq ''q'' x'\n", "a", "x"), "1:14");
  assertEquals(located("a: plain\n  continued here\n", "a", "here"), "2:13");
  assertEquals(located('a: "first\n  second here"\n', "a", "here"), "2:10");
  assertEquals(located("a: |\n  one\n    two here\n  three\n", "a", "here"), "3:9");
  assertEquals(located("a: >-\n  one\n  two here\n\n  three\n", "a", "three"), "5:3");
  assertEquals(located("a: |  # note\n  with note\n", "a", "note"), "2:8");
});

Deno.test("positions after ${VAR} interpolation still point into the file", () => {
  const yaml = 'a: "${BASE:-https://example.com/long/default} and {{ here }}"\n';
  assertEquals(located(yaml, "a", "here", {}), "1:54");
  assertEquals(located(yaml, "a", "here", { BASE: "x" }), "1:54");
  assertEquals(located("a: $${LITERAL} {{ here }}\n", "a", "here"), "1:19");
});

Deno.test("a form not followed falls back to the scalar's start, never a wrong place", () => {
  // An explicit indentation indicator is relative to the parent's indentation.
  assertEquals(located("a: |2-\n    two here\n", "a", "here"), "1:4");
});

Deno.test("every character of every style maps back to itself in the file", () => {
  const yaml = [
    "a: plain one",
    "b: |",
    "  line one {{ x }}",
    "    indented",
    "  last",
    "c: >-",
    "  folded one",
    "  folded two",
    "",
    "  para",
    "    more indented",
    "  back",
    'd: "dq \\"esc\\" {{ y }}',
    "  next line\\",
    '  joined \\x41\\U0001F600"',
    "e: 'sq ''x''",
    "",
    "  next'",
    "f: plain",
    "  continued",
    "i: |+",
    "  keep",
    "",
    "j: |-",
    "  strip",
    "",
    "",
  ].join("\n");
  const doc = parseDocument(yaml);
  let checked = 0;
  visit(doc, {
    Scalar(_k, node) {
      if (!isScalar(node) || typeof node.value !== "string" || node.value.length < 2) return;
      const [start, end] = node.range!;
      const offsets = scalarValueOffsets(yaml, start, end, node.type!, node.value);
      assertOk(offsets, `no offsets for ${node.type} ${JSON.stringify(node.value)}`);
      assertEquals(offsets.length, node.value.length + 1);
      for (let i = 0; i < node.value.length; i++) {
        const c = node.value[i];
        // Escapes map to their backslash, folded line breaks to the break.
        const at = yaml[offsets[i]];
        if (/[A-Za-z0-9{}]/.test(c) && at !== "\\") assertEquals(at, c, `${node.value}[${i}]`);
      }
      checked++;
    },
  });
  assertEquals(checked, 8);
});
