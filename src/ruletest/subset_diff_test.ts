import { assertEquals } from "../../test/support/assert.ts";
import { subsetDiff } from "./subset_diff.ts";

Deno.test("subsetDiff ignores keys the expectation leaves out", () => {
  assertEquals(subsetDiff({ a: 1 }, { a: 1, b: 2 }), []);
});

Deno.test("subsetDiff names each difference by path, types included", () => {
  assertEquals(
    subsetDiff({ slack: { text: "3 flags", n: 3, list: [1, 2] } }, {
      slack: { text: "2 flags", n: "3", list: [1] },
    }),
    [
      'slack.text: expected "3 flags", got "2 flags"',
      'slack.n: expected 3, got "3"',
      "slack.list[1]: expected 2, got nothing",
      "slack.list: expected 2 item(s), got 1",
    ],
  );
});
