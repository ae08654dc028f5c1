/**
 * `sluice validate` checks field paths against the event catalogue, through the real CLI: typos
 * are warned about at their line and column with the closest known path, `--strict` fails on
 * them, and the rules this repository ships or tests with raise no false alarms.
 */
import { loadRules } from "../src/rules/load.ts";
import { formatProblem } from "../src/rules/problem.ts";
import { assertEquals } from "./support/assert.ts";
import { projectRoot, runSluice } from "./support/cli.ts";
import { inlineRules } from "./support/inline_rules.ts";
import { withTree } from "./support/tmp.ts";

const typos = {
  "rules/comment.yaml": [
    "name: comment-typo", //                                            1
    "on: feeds.comment.added", //                                       2
    "if: |", //                                                         3
    '  comment.user.id != "bot"', //                                    4
    '    and coment.text != ""', //                                     5
    "do:", //                                                           6
    "  - slack:", //                                                    7
    "      webhook_url: http://127.0.0.1:9/hook", //                    8
    "      text: >-", //                                                9
    "        New comment on {{ comment.object_id }}:", //               10
    "        {{ comment.txt }}", //                                     11
  ].join("\n") + "\n",
  "rules/ban.yaml": [
    "name: ban-typo", //                                                1
    "on: user.banned", //                                               2
    "throttle: { key: creted_by.id, per: 1h }", //                      3
    "do:", //                                                           4
    "  - http:", //                                                     5
    "      url: ${API:-http://127.0.0.1:9}/bans", //                    6
    "      json:", //                                                   7
    '        reason: "{{ reasn }}"', //                                 8
    '        by: "${PREFIX:-moderator} {{ creted_by.id }}"', //         9
  ].join("\n") + "\n",
  "rules/on.yaml": "on: [user.baned, feeds.coment.*]\ndo:\n  - http: { url: http://x.example }\n",
};

const expected = [
  "rules/ban.yaml:3:18: warning: throttle.key: creted_by.id is not a field of user.banned" +
  " (did you mean created_by.id?)",
  "rules/ban.yaml:8:21: warning: do[0].http.json.reason: reasn is not a field of user.banned" +
  " (did you mean reason?)",
  "rules/ban.yaml:9:38: warning: do[0].http.json.by: creted_by.id is not a field of user.banned" +
  " (did you mean created_by.id?)",
  "rules/comment.yaml:5:9: warning: if: coment.text is not a field of feeds.comment.added" +
  " (did you mean comment.text?)",
  "rules/comment.yaml:11:12: warning: do[0].slack.text: comment.txt is not a field of" +
  " feeds.comment.added (did you mean comment.text?)",
  'rules/on.yaml:1:6: warning: on: "user.baned" matches no known Stream event type' +
  " (did you mean user.banned? see sluice events)",
  'rules/on.yaml:1:18: warning: on: "feeds.coment.*" matches no known Stream event type' +
  " (did you mean feeds.comment.*? see sluice events)",
];

Deno.test("validate warns about misspelt field paths at their line and column", async () => {
  await withTree(typos, async (dir) => {
    const r = await runSluice(["validate", "rules"], { cwd: dir });
    assertEquals(r.code, 0, r.stdout + r.stderr);
    assertEquals(r.stdout.trim().split("\n"), [
      ...expected,
      "ok: 3 file(s), 3 valid rule(s), 0 error(s), 7 warning(s)",
    ]);
  });
});

Deno.test("validate --strict turns the warnings into errors", async () => {
  await withTree(typos, async (dir) => {
    const r = await runSluice(["validate", "--strict", "rules"], { cwd: dir });
    assertEquals(r.code, 1, r.stdout + r.stderr);
    assertEquals(r.stdout.trim().split("\n"), [
      ...expected.map((line) => line.replace(": warning: ", ": ")),
      "invalid: 3 file(s), 0 valid rule(s), 7 error(s)",
    ]);
  });
});

Deno.test("a JSONata error inside a | block points at its own line", async () => {
  const rule = [
    "on: user.banned", //                  1
    "if: |", //                            2
    '  user.id = "a"', //                  3
    "    and (reason = ", //               4
    "do:", //                              5
    "  - http:", //                        6
    "      url: http://127.0.0.1:9/x", //  7
    "      json:", //                      8
    "        a: >-", //                    9
    "          {{ user.id }} and", //      10
    "          {{ user.id +* 2 }}", //     11
  ].join("\n") + "\n";
  await withTree({ "rules/r.yaml": rule }, async (dir) => {
    const r = await runSluice(["validate", "rules"], { cwd: dir });
    assertEquals(r.code, 1);
    const lines = r.stdout.trim().split("\n");
    assertEquals(lines.map((l) => l.split(": ")[0]), [
      "rules/r.yaml:4:19",
      "rules/r.yaml:11:25",
      "invalid",
    ]);
  });
});

Deno.test("the shipped rules pass validate --strict: no false alarms", async () => {
  const r = await runSluice(["validate", "--strict", "rules"], { cwd: projectRoot });
  assertEquals([r.code, r.stdout.trim()], [0, "ok: 4 file(s), 4 valid rule(s), 0 error(s)"]);
});

/** Rules in the repository's tests and benches that send made-up fields on real event types. */
const SYNTHETIC = [
  "bench/load/e2e_load.ts: do[0].http.json.n: n is not a field of feeds.activity.added",
  "bench/load/e2e_load.ts: if: n is not a field of feeds.activity.added",
  "src/rules/load_test.ts: do[2].http.url: host is not a field of feeds.activity.reaction.added",
  "test/dlq_test.ts: do[0].http.json.n: n is not a field of user.banned",
  // Its `if` is filled in by the test (`\${condition}`), which the scan reads as a field `x`.
  "test/evaluation_budget_test.ts: if: x is not a field of user.banned",
  // A typo on purpose: the test shows what a template that finds nothing looks like.
  "test/missing_values_test.ts: do[0].http.json.banned_by: creted_by.id is not a field of user.banned (did you mean created_by.id?)",
];

Deno.test("every rule written in the repository's tests and examples: no false alarms", async () => {
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of Deno.readDirSync(`${projectRoot}/${rel}`)) {
      if (e.isDirectory) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith(".ts")) files.push(`${rel}/${e.name}`);
    }
  };
  for (const dir of ["src", "test", "bench", "examples", "scripts"]) walk(dir);
  // This file's own rules hold deliberate typos.
  const corpus = files.filter((f) => f !== "test/validate_paths_test.ts").sort();
  const found: string[] = [];
  let count = 0;
  await withTree({}, async (dir) => {
    for (const file of corpus) {
      for (const rule of inlineRules(file, await Deno.readTextFile(`${projectRoot}/${file}`))) {
        const path = `${dir}/r${count++}.yaml`;
        await Deno.writeTextFile(path, rule.yaml);
        const { problems } = await loadRules([path], { env: () => "x" });
        for (const p of problems.filter((p) => p.message.includes(" is not a field of "))) {
          found.push(`${file}: ${p.message}`);
        }
      }
    }
  });
  assertEquals(found.toSorted(), SYNTHETIC, "rules found: " + count);
  const shipped = await loadRules([`${projectRoot}/rules`]);
  assertEquals(shipped.problems.map(formatProblem), []);
});

Deno.test("events TYPE prints the fields validate checks against", async () => {
  const r = await runSluice(["events", "user.banned"]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").map((l) => l.split(/\s+/).join(" "));
  assertEquals(
    ["created_by.id string", "reason string", "user.custom map<any>", "expiration string?"]
      .filter((l) => !lines.includes(l)),
    [],
  );
  const none = await runSluice(["events", "appeal.accepted"]);
  assertEquals([none.code, none.stderr.trim()], [
    1,
    "appeal.accepted has no fixture in examples/events/, so its fields are not known",
  ]);
  assertEquals((await runSluice(["events", "no.such.type"])).code, 2);
});
