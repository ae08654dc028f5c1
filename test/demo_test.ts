/** The README's first Quick start command works: the demo ends by itself with every delivery made. */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";

Deno.test("deno task demo shows rules firing into the Slack, API and SMTP stand-ins", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "demo"],
    cwd: projectRoot,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assertEquals(out.code, 0, text + new TextDecoder().decode(out.stderr));
  assertIncludes(text, "user.banned → user-banned-to-trust-safety");
  assertIncludes(text, "Slack  ← :no_entry: *Mallory Spam* was banned by Carol Nguyen");
  assertIncludes(text, "API    ← POST /api/review");
  assertIncludes(text, 'Email  ← to trust-safety@example.com: "User mallory banned by carol"');
  assertIncludes(text, "4 deliveries reached the stand-ins");
});
