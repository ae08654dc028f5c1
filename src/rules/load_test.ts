import { assertEquals, assertRejects } from "../../test/support/assert.ts";
import { withTree } from "../../test/support/tmp.ts";
import { loadRules, loadRuleSet } from "./load.ts";
import { formatProblem, RuleLoadError } from "./problem.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];

async function problemsOf(files: Record<string, string>, vars: Record<string, string> = {}) {
  return await withTree(files, async (dir) => {
    const { problems } = await loadRules([dir], { env: env(vars) });
    return problems.map((p) => formatProblem(p).replaceAll(`${dir}/`, ""));
  });
}

Deno.test("every problem of every file is reported at its key or value", async () => {
  const problems = await problemsOf({
    "a.yaml": [
      "name: flagged", //                                     1
      "on: [feeds.activity.reaction.added]", //               2
      'if: reaction.type = "flag" and (', //                  3
      "throttle: { per: soon }", //                           4
      "colour: red", //                                       5
      "do:", //                                               6
      "  - slak: { text: hi }", //                            7
      "  - slack:", //                                        8
      "      webhook_url: ${HOOK}", //                        9
      '      text: "by {{ user.( }}"', //                     10
      "      chanel: x", //                                   11
      "  - http:", //                                         12
      '      url: "https://{{ host }}/x"', //                 13
      "      timeout: 10", //                                 14
      "      retry: { max_attempts: many }", //               15
    ].join("\n"),
    "sub/b.yml": "name: flagged\non: user.banned\ndo:\n  - http: { url: 'https://x.example' }\n",
    "c.yaml": "on: user.banned\non: user.unbanned\ndo: []\n",
  });
  assertEquals(problems, [
    'a.yaml:3:32: if: invalid JSONata: Expected ")" before end of expression (S0203)',
    "a.yaml:4:18: throttle.per: must be a duration such as 500ms, 10s, 5m or 1h",
    'a.yaml:5:1: unknown key "colour"',
    'a.yaml:7:5: do[0]: unknown action "slak" (did you mean "slack"?)',
    "a.yaml:9:20: environment variable HOOK is not set",
    'a.yaml:10:26: do[1].slack.text: invalid JSONata: Expected ")" before end of expression (S0203)',
    'a.yaml:11:7: do[1].slack: unknown key "chanel" (did you mean "channel"?)',
    "a.yaml:13:12: do[2].http.url: scheme and host must be literal text or ${VAR}, not a {{ }} template",
    "a.yaml:13:24: warning: do[2].http.url: host is not a field of feeds.activity.reaction.added",
    "a.yaml:14:16: do[2].http.timeout: must be a string",
    "a.yaml:15:30: do[2].http.retry.max_attempts: must be an integer",
    'c.yaml:2:1: duplicate key "on": each key may appear once in a mapping',
    "c.yaml:3:5: do: must not be empty",
    'sub/b.yml:1:7: duplicate rule name "flagged" (first defined at a.yaml:1:7)',
  ]);
});

Deno.test("missing required keys and wrong types name the field", async () => {
  const problems = await problemsOf({
    "r.yaml": "name: r\non: 5\nenabled: yes please\ndo:\n  - email: { to: a@b.example }\n",
  });
  assertEquals(problems, [
    "r.yaml:2:5: on: must be a string or a list",
    "r.yaml:3:10: enabled: must be true or false",
    'r.yaml:5:5: do[0].email: missing required key "subject"',
    'r.yaml:5:12: do[0].email: email needs "text", "html" or both',
  ]);
  const missing = await problemsOf({ "m.yaml": "# no do\nname: m\non: user.banned\n" });
  assertEquals(missing, ['m.yaml:2:1: missing required key "do"']);
});

Deno.test("a file that is not a mapping, or not YAML, is reported", async () => {
  const problems = await problemsOf({ "list.yaml": "- a\n- b\n", "bad.yaml": "on: [a\n" });
  assertEquals(problems.length, 2);
  assertEquals(problems[0].startsWith("bad.yaml:"), true);
  assertEquals(
    problems[1],
    "list.yaml:1:1: a rule file must be a YAML mapping (name, on, if, do, …)",
  );
});

Deno.test("environment variables are interpolated at load, with defaults and types", async () => {
  await withTree({
    "nested/deeper/r.yaml": [
      "on: user.banned",
      "do:",
      "  - http:",
      "      url: ${API:-https://api.example}/ban/{{ user.id }}",
      "      headers: { Authorization: 'Bearer ${TOKEN}' }",
      "      retry:",
      "        max_attempts: ${ATTEMPTS}",
    ].join("\n"),
  }, async (dir) => {
    const { rules } = await loadRuleSet([dir], { env: env({ TOKEN: "t0k", ATTEMPTS: "3" }) });
    const rule = rules.rules[0];
    assertEquals(rule.name, "r", "the name defaults to the file name");
    assertEquals(rule.actions[0].retry.maxAttempts, 3);
    assertEquals(rule.actions[0].params.kind, "object");
  });
});

Deno.test("loadRuleSet refuses a folder with errors and lists them all", async () => {
  await withTree({ "a.yaml": "on: x\n", "b.yaml": "do: []\n" }, async (dir) => {
    const e = await assertRejects(loadRuleSet([dir]), RuleLoadError);
    assertEquals(e.problems.filter((p) => p.severity === "error").length, 3);
  });
});

Deno.test("test files are not loaded as rules; unknown types only warn", async () => {
  await withTree({
    "r.yaml":
      "on: [feeds.activty.added, 'custom.*']\ndo:\n  - slack: { webhook_url: x, text: y }\n",
    "r.test.yaml": "cases: nonsense\n",
  }, async (dir) => {
    const { rules, problems, files } = await loadRules([dir]);
    assertEquals(files.map((f) => f.slice(dir.length + 1)), ["r.yaml"]);
    assertEquals(rules.length, 1);
    assertEquals(problems.map((p) => [p.severity, p.line, p.col]), [
      ["warning", 1, 6],
      ["warning", 1, 27],
    ]);
  });
});
