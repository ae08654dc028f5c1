import { assertEquals, assertOk } from "../../test/support/assert.ts";
import { compileTypePattern } from "./type_pattern.ts";

/** What the old anchored regex said, as the reference on short types. */
function reference(pattern: string, type: string): boolean {
  const body = pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`, "s").test(type);
}

Deno.test("type globs match as the anchored regex did", () => {
  const patterns = ["*", "feeds.*", "*.deleted", "feeds.*.deleted", "a*b*c", "**", "a*a*a", "x"];
  patterns.push("feeds.activity.*", "*.*.*", "*ab*ab*", "a*", "*a");
  const types = ["", "a", "aa", "aaa", "ab", "abab", "ababab", "abc", "aXbYc", "acb", "x", "x.y"];
  types.push("feeds.activity.deleted", "feeds.deleted", "feeds..deleted", "user.banned", "a.b.c");
  types.push("feeds.", ".deleted", "a\nb");
  for (const p of patterns) {
    const matches = compileTypePattern(p);
    for (const t of types) {
      assertEquals(matches(t), reference(p, t), `${p} on ${JSON.stringify(t)}`);
    }
  }
});

Deno.test("a megabyte-long type is matched in linear time", () => {
  const type = "feeds." + ".".repeat(1 << 20);
  for (const pattern of ["*.*.x", "feeds.*.*.deleted", "*a*b*c*d", "*.*.*.*.*"]) {
    const matches = compileTypePattern(pattern);
    const started = performance.now();
    matches(type);
    const ms = performance.now() - started;
    // A few ms; the regex `^.*\..*\.x$` took minutes here.
    assertOk(ms < 1000, `${pattern}: ${ms.toFixed(0)} ms`);
  }
});
