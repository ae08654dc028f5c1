import { assertEquals } from "../../test/support/assert.ts";
import { escapeRefs, isSecretName, keepRefs, resolveRefs } from "./env_refs.ts";

const env = (name: string) =>
  ({ A: "alpha", SECRET_TOKEN: "s3cr3t" } as Record<string, string>)[name];

Deno.test("the author's text keeps references; other dollars read back as written", () => {
  const stored = keepRefs("${A}/x $5 $${A} ${B:-dflt} $");
  assertEquals(stored, "${A}/x $$5 $${A} ${B:-dflt} $$");
  assertEquals(resolveRefs(stored, env).value, "alpha/x $5 ${A} dflt $");
  assertEquals(resolveRefs(stored, env, "show").value, "${A}/x $5 ${A} ${B:-dflt} $");
});

Deno.test("an event value never becomes a reference", () => {
  for (const value of ["${A}", "$${A}", "$", "$$", "a$", "${SECRET_TOKEN:-x}"]) {
    assertEquals(resolveRefs(escapeRefs(value), env).value, value);
    assertEquals(resolveRefs("x" + escapeRefs(value) + "{A}", env).value, `x${value}{A}`);
  }
});

Deno.test("display keeps secret-looking references; send names a variable not set", () => {
  assertEquals(resolveRefs("${A} ${SECRET_TOKEN}", env, "display").value, "alpha ${SECRET_TOKEN}");
  assertEquals(resolveRefs("${GONE}", env).missing, "GONE");
  const refused = Object.assign(env, { refusal: (n: string) => n === "A" ? "no" : undefined });
  assertEquals(resolveRefs("${A}", refused).missing, "A", "a refused variable is never read");
});

Deno.test("names that look like secrets", () => {
  for (const name of ["PARTNER_SIG", "DB_PWD", "GPG_PASSPHRASE", "SLACK_WEBHOOK", "API_KEY"]) {
    assertEquals(isSecretName(name), true, name);
  }
  for (const name of ["SINK", "REVIEW_API_URL", "SMTP_HOST"]) {
    assertEquals(isSecretName(name), false);
  }
});
