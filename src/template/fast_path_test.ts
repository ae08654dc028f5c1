import { assertEquals, assertOk } from "../../test/support/assert.ts";
import jsonata from "jsonata";
import { compileFastPath, DEFER } from "./fast_path.ts";
import { compileExpression } from "./template.ts";

const INPUTS: Record<string, unknown>[] = [
  { type: "feeds.activity.added", n: 10, s: "abc", b: true, z: null, o: { x: 1, y: { z: "q" } } },
  { type: "x", n: "10", s: "", b: false, o: { x: "1", y: [1, 2] }, arr: [{ x: 1 }, { x: 2 }] },
  { n: 0, s: "10", o: null, arr: [] },
  { n: -3.5, b: 1, o: { x: 0, y: { z: 3 } } },
  {},
];
const BINDINGS = { event: { type: "feeds.activity.added", attempt: 1, id: "e1" } };

const PATHS = [
  "n",
  "s",
  "b",
  "z",
  "o",
  "o.x",
  "o.y.z",
  "o.y",
  "arr",
  "arr.x",
  "missing",
  "missing.x",
  "type",
  "constructor",
  "o.constructor",
  "$event.type",
  "$event.attempt",
  "$nope",
  "$",
];
const LITERALS = ["0", "1", "-3", "2.5", "10", '"a"', '""', '"10"', "true", "false", "null"];
const OPERATORS = ["=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%", "and", "or"];

/** A seeded generator, so a failure names a case that can be rerun. */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function expression(next: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  if (depth === 0 || next() < 0.3) return next() < 0.6 ? pick(PATHS) : pick(LITERALS);
  return `(${expression(next, depth - 1)} ${pick(OPERATORS)} ${expression(next, depth - 1)})`;
}

async function jsonataResult(source: string, input: unknown) {
  try {
    return { value: await jsonata(source).evaluate(input, BINDINGS) };
  } catch (e) {
    return { error: e };
  }
}

Deno.test("the fast path answers exactly what JSONata answers, or defers", async () => {
  const next = random(7);
  let answered = 0;
  let cases = 0;
  let compiled = 0;
  const boundaries = [
    "n >= 10",
    "n <= 10",
    "o.x > 0",
    "o.x < 1",
    "(n / 0) + 1",
    "(n % 0) = 1",
    "s < 'abd'",
    "$event.attempt >= 1",
    "o.y.z != null",
  ];
  const generated = 4000;
  for (let i = 0; i < generated; i++) {
    const source = boundaries[i] ?? expression(next, 3);
    const fast = compileFastPath(jsonata(source).ast());
    if (!fast) continue;
    compiled++;
    for (const input of INPUTS) {
      cases++;
      const value = fast(input, BINDINGS);
      if (value === DEFER) continue;
      answered++;
      const expected = await jsonataResult(source, input);
      assertOk(!("error" in expected), `${source} on ${JSON.stringify(input)}: JSONata raised`);
      assertEquals(value, expected.value, `${source} on ${JSON.stringify(input)}`);
    }
  }
  // Every generated expression is in the subset, and most cases are decided by the fast path,
  // so the comparison above means something.
  assertEquals(compiled, generated);
  assertOk(answered > cases / 3, `only ${answered} of ${cases} cases answered`);
});

Deno.test("expressions outside the simple subset are left to JSONata", () => {
  for (
    const source of [
      "x.y[0]",
      "$count(arr)",
      'a & "b"',
      "arr[x > 1]",
      '"SCAM" in labels',
      "a ? b : c",
      "-n",
      "{ 'a': 1 }",
    ]
  ) {
    assertEquals(compileFastPath(jsonata(source).ast()), undefined, source);
  }
});

Deno.test("compiled expressions give JSONata's answer and errors either way", async () => {
  const compiled = compileExpression("n % 10 = 0 and $event.type = 'feeds.activity.added'");
  assertOk("expr" in compiled);
  assertEquals(await compiled.expr.evaluate({ n: 20 }, BINDINGS), true);
  assertEquals(await compiled.expr.evaluate({ n: 21 }, BINDINGS), false);
  // An array on the path is JSONata's to map over.
  const listed = compileExpression("o.x = 20");
  assertOk("expr" in listed);
  const input = { o: [{ x: 10 }, { x: 20 }] };
  assertEquals(await listed.expr.evaluate(input), await jsonata("o.x = 20").evaluate(input));
  const mixed = compileExpression("n > 3");
  assertOk("expr" in mixed);
  let raised: unknown;
  await mixed.expr.evaluate({ n: "4" }).catch((e: unknown) => raised = e);
  assertEquals((raised as { code?: string }).code, "T2009");
});
