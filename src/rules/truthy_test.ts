import { assertEquals } from "../../test/support/assert.ts";
import { isTruthy } from "./truthy.ts";

Deno.test("isTruthy follows JSONata's $boolean", () => {
  const cases: [unknown, boolean][] = [
    [undefined, false],
    [null, false],
    [false, false],
    [true, true],
    ["", false],
    ["false", true],
    [0, false],
    [-1, true],
    [[], false],
    [[0, ""], false],
    [[0, 1], true],
    [{}, false],
    [{ a: 0 }, true],
  ];
  for (const [value, expected] of cases) {
    assertEquals(isTruthy(value), expected, JSON.stringify(value));
  }
});
