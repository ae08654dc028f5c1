/** The README's first Quick start command works: the demo ends by itself with every delivery made. */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";

Deno.test("deno task demo shows rules firing into the Slack, API and SMTP stand-ins, a digest and a thread reply", async () => {
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
  assertIncludes(text, "3 new flag(s) on activity 6f1c2b7e-5d4a-4c3b-9e21-6a7f0d9b3c12");
  assertIncludes(
    text,
    'newest by flagger-5: "Shipped the new onboarding flow today — feedback welcome!" (C0MODERATION)',
  );
  assertIncludes(text, "2 new flag(s) on activity");
  assertIncludes(text, "(C0MODERATION, reply in thread 1767000000.000001)");
  assertIncludes(text, "Why flagged-activity-to-slack did not fire for the like");
  assertIncludes(text, 'reaction.type = "flag"  →  false');
  assertIncludes(text, "6 deliveries reached the stand-ins");
});
