/** End-to-end runs of the CLI as a subprocess, on rule folders made for each test. */
import { assertEquals, assertIncludes, assertMatch } from "./support/assert.ts";
import { projectRoot, runSluice } from "./support/cli.ts";
import { withTree } from "./support/tmp.ts";

const slackRule = (name: string, on: string, cond = "", text = "hi {{ user.id }}") =>
  [
    `name: ${name}`,
    `on: ${on}`,
    cond ? `if: ${cond}` : "",
    "do:",
    "  - slack:",
    "      webhook_url: ${HOOK:-https://hooks.slack.com/services/T0/B0/secret}",
    `      text: ${JSON.stringify(text)}`,
  ].filter(Boolean).join("\n") + "\n";

Deno.test("every command has --help, and bad usage exits 2", async () => {
  for (const command of ["validate", "test", "match", "schema", "events"]) {
    const r = await runSluice([command, "--help"]);
    assertEquals(r.code, 0, command);
    assertMatch(r.stdout, new RegExp(`^Usage: sluice ${command}`), command);
  }
  assertEquals((await runSluice(["--help"])).code, 0);
  assertEquals((await runSluice([])).code, 2);
  assertEquals((await runSluice(["nope"])).code, 2);
  assertEquals((await runSluice(["validate", "--nope"])).code, 2);
  assertEquals((await runSluice(["match"])).code, 2);
  assertEquals((await runSluice(["validate", "/no/such/dir"])).code, 2);
});

Deno.test("validate: a valid folder with subfolders exits 0", async () => {
  await withTree({
    "a.yaml": slackRule("a", "user.banned"),
    "team/b.yml": slackRule("b", "'feeds.*'", 'reaction.type = "flag"'),
  }, async (dir) => {
    const r = await runSluice(["validate", dir]);
    assertEquals(r.code, 0, r.stdout + r.stderr);
    assertEquals(r.stdout.trim(), "ok: 2 file(s), 2 valid rule(s), 0 error(s)");
  });
});

Deno.test("validate: every problem as PATH:LINE:COL, exit 1", async () => {
  await withTree({
    "bad.yaml": "name: bad\non: user.banned\nif: user.id = \ndo:\n  - slak: {}\n",
    "dup.yaml": slackRule("bad", "user.banned"),
  }, async (dir) => {
    const r = await runSluice(["validate", dir], { cwd: dir });
    assertEquals(r.code, 1);
    assertEquals(r.stdout.replaceAll(`${dir}/`, "").split("\n").filter(Boolean), [
      "bad.yaml:3:13: if: invalid JSONata: Unexpected end of expression (S0207)",
      'bad.yaml:5:5: do[0]: unknown action "slak" (did you mean "slack"?)',
      'dup.yaml:1:7: duplicate rule name "bad" (first defined at bad.yaml:1:7)',
      "invalid: 2 file(s), 0 valid rule(s), 3 error(s)",
    ]);
  });
});

Deno.test("validate names a missing environment variable", async () => {
  await withTree({
    "r.yaml": "on: user.banned\ndo:\n  - slack: { webhook_url: '${SLACK_HOOK}', text: x }\n",
  }, async (dir) => {
    const r = await runSluice(["validate", dir]);
    assertEquals(r.code, 1);
    assertIncludes(r.stdout, "r.yaml:3:28: environment variable SLACK_HOOK is not set");
    assertIncludes(r.stdout, "0 valid rule(s)");
    assertEquals((await runSluice(["validate", dir], { env: { SLACK_HOOK: "h" } })).code, 0);
  });
});

Deno.test("test: passing and failing cases, a readable diff, and the summary line", async () => {
  await withTree({
    "rules/flag.yaml": slackRule("flag", "feeds.activity.reaction.added", 'reaction.type = "flag"'),
    "rules/flag.test.yaml": [
      "cases:",
      "  - name: a flag fires",
      "    event: { type: feeds.activity.reaction.added, reaction: { type: flag }, user: { id: zoë } }",
      "    expect: { matches: [flag], actions: [{ slack: { text: hi zoë } }] }",
      "  - name: wrong text",
      "    event: { type: feeds.activity.reaction.added, reaction: { type: flag }, user: { id: u1 } }",
      "    expect: { matches: [flag], actions: [{ slack: { text: hello u1, webhook_url: x } }] }",
      "  - name: a like fires nothing",
      "    event_file: like.json",
      "    expect: { matches: [flag] }",
    ].join("\n"),
    "rules/like.json": JSON.stringify({
      type: "feeds.activity.reaction.added",
      reaction: { type: "like" },
    }),
  }, async (dir) => {
    const r = await runSluice(["test", "rules"], { cwd: dir });
    assertEquals(r.code, 1);
    assertEquals(r.stdout.split("\n").filter(Boolean), [
      "ok   rules/flag.test.yaml › a flag fires",
      "FAIL rules/flag.test.yaml › wrong text",
      '       actions[0].slack.text: expected "hello u1", got "hi u1"',
      "       actions[0].slack.webhook_url: expected [redacted], got [redacted]",
      "FAIL rules/flag.test.yaml › a like fires nothing",
      "       matches: expected [flag], got []; did not fire: flag",
      "1 passed, 2 failed",
    ]);
  });
});

Deno.test("test: the shipped rules pass their own tests", async () => {
  const r = await runSluice(["test"], { cwd: projectRoot });
  assertEquals(r.code, 0, r.stdout);
  assertMatch(r.stdout, /^\d+ passed, 0 failed$/m);
});

Deno.test("match: stdin event, JSON report, secrets masked, nothing sent", async () => {
  await withTree({
    "r.yaml": slackRule(
      "greet",
      "'user.*'",
      "",
      "{{ user.name }} has {{ $count(user.teams) }} teams",
    ),
  }, async (dir) => {
    const event = { type: "user.banned", user: { id: "u1", name: "Ünïcode", teams: ["a", "b"] } };
    const r = await runSluice(["match", "--event", "-", "--rules", dir], {
      stdin: JSON.stringify(event),
    });
    assertEquals(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assertEquals(report.matches[0].rule, "greet");
    assertEquals(report.matches[0].actions[0].params, {
      webhook_url: "[redacted]",
      text: "Ünïcode has 2 teams",
    });
    assertEquals(r.stdout.includes("secret"), false);
  });
});

Deno.test("match: an event without a type is refused with exit 1", async () => {
  const r = await runSluice(["match", "--event", "-"], { stdin: '{"id": 1}' });
  assertEquals(r.code, 1);
  assertIncludes(r.stderr, 'stdin: an event is a JSON object with a string "type"');
});

Deno.test("schema prints the schema kept in schema/rule.schema.json", async () => {
  const r = await runSluice(["schema"]);
  assertEquals(r.code, 0);
  const committed = await Deno.readTextFile(`${projectRoot}/schema/rule.schema.json`);
  assertEquals(
    JSON.parse(r.stdout),
    JSON.parse(committed),
    "run: deno task sluice schema > schema/rule.schema.json",
  );
});

Deno.test("events lists the catalogue", async () => {
  const r = await runSluice(["events"]);
  assertEquals(r.code, 0);
  assertMatch(r.stdout, /^review_queue_item\.new\s+an item entered the moderation review queue$/m);
});
