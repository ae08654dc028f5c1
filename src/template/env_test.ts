import { assertEquals } from "../../test/support/assert.ts";
import { interpolateEnv } from "./env.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

Deno.test("interpolateEnv replaces variables and applies defaults", () => {
  const r = interpolateEnv("a=${A} b=${B:-fallback} c=${C:-}", env({ A: "1" }));
  assertEquals(r, { value: "a=1 b=fallback c=", changed: true, problems: [] });
});

Deno.test("interpolateEnv uses the default for an empty variable, as a shell does", () => {
  assertEquals(interpolateEnv("${A:-x}", env({ A: "" })).value, "x");
});

Deno.test("interpolateEnv names a missing variable and where it is", () => {
  const r = interpolateEnv("Bearer ${TOKEN}", env({}));
  assertEquals(r.problems, [{ index: 7, message: "environment variable TOKEN is not set" }]);
});

Deno.test("interpolateEnv keeps $$ escapes and JSONata variables", () => {
  const r = interpolateEnv("$${HOME} ${HOME} $count(x) $", env({ HOME: "/h" }));
  assertEquals(r.value, "${HOME} /h $count(x) $");
  assertEquals(r.problems, []);
});

Deno.test("interpolateEnv reports a malformed reference instead of passing it on", () => {
  const r = interpolateEnv("${TOKEN-x}", env({ TOKEN: "t" }));
  assertEquals(r.problems.length, 1);
  assertEquals(r.problems[0].index, 0);
});

Deno.test("interpolateEnv leaves text without references untouched", () => {
  assertEquals(interpolateEnv("plain", env({})), { value: "plain", changed: false, problems: [] });
});
