import { assertEquals, assertOk } from "../../test/support/assert.ts";
import { maskSecretShapes } from "./secret_shapes.ts";

/** The regexes redactText used to run: the reference for what is masked (fine on short text). */
function reference(text: string): string {
  const R = "[redacted]";
  return text
    .replace(/(\w+:\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${R}@`)
    .replace(/https:\/\/hooks\.slack\.com\/[^\s"']+/g, `https://hooks.slack.com/${R}`)
    .replace(/\bxox[abposr]-[A-Za-z0-9-]+/g, R)
    .replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${R}`);
}

Deno.test("maskSecretShapes masks what the old regexes masked", () => {
  const cases = [
    "smtp://user:pw@mail.example:587 failed",
    "https://hooks.slack.com/services/T1/B2/s3 and 'https://hooks.slack.com/x'",
    "token xoxb-123-abc, axoxb-1 (not at a word start), xoxq-1, xoxp-",
    "Authorization: Bearer eyJ.abc Basic dXNlcjpwdw== bearer\tlow BEARER  UP",
    "postgres://a:b:c@db/x http://:p@h http://u:@h ://u:p@h x://u:p@h",
    "https://u:p@hooks.slack.com/services/a https://hooks.slack.com/",
    "İBearer x — Bearer\u00a0nbsp, Basic\u2028sep",
  ];
  for (const text of cases) assertEquals(maskSecretShapes(text), reference(text), text);
});

Deno.test("maskSecretShapes agrees with the old regexes on random text", () => {
  const alphabet = [..."ab:/@ \t\"'xo-_.=+B", "xox", "xoxb-", "://", "Bearer ", "basic ", "s3"];
  alphabet.push("https://hooks.slack.com/", "http://u:p@", "İ");
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 3000; n++) {
    let text = "";
    const parts = 1 + Math.floor(random() * 12);
    for (let k = 0; k < parts; k++) text += alphabet[Math.floor(random() * alphabet.length)];
    assertEquals(maskSecretShapes(text), reference(text), JSON.stringify(text));
  }
});

Deno.test("maskSecretShapes is linear: a megabyte of each worst case takes well under a second", () => {
  const inputs = {
    "word characters": "a".repeat(1 << 20),
    "schemes without userinfo": "a://".repeat(1 << 18),
    "users without passwords": "a://u:".repeat(1 << 17),
    "hook prefixes": "https://hooks.slack.com/ ".repeat(1 << 15),
    "xox starts": "xoxb".repeat(1 << 18),
    "scheme words": "basic".repeat(1 << 18) + "bearer",
    "spaces after a scheme word": "Bearer" + " ".repeat(1 << 20),
  };
  for (const [name, text] of Object.entries(inputs)) {
    const started = performance.now();
    maskSecretShapes(text);
    const ms = performance.now() - started;
    // Normal is a few milliseconds; the old regexes took minutes on the first of these.
    assertOk(ms < 1000, `${name}: ${ms.toFixed(0)} ms`);
  }
});
