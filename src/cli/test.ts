/** `sluice test [PATH…]`: run rule test files, one line per case, then `N passed, N failed`. */
import { PathNotFoundError } from "../rules/files.ts";
import { findFiles, isTestFile } from "../rules/files.ts";
import { loadRules } from "../rules/load.ts";
import { formatProblem, hasErrors } from "../rules/problem.ts";
import { RuleSet } from "../rules/rule_set.ts";
import { readTestFile } from "../rules/test_file.ts";
import { runTestCase } from "../rules/test_runner.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags } from "./command.ts";

/** The `test` command. */
export const testCommand: Command = {
  name: "test",
  summary: "Run rule test files (*.test.yaml)",
  help: `Usage: sluice test [PATH…] [--rules DIR]

For each PATH (default ./rules): a folder loads the rules under it and runs every *.test.yaml
under it; a test file runs against the rules of --rules DIR (default: the file's folder).
Rules are evaluated exactly as "run" would; nothing is sent.

Prints one line per case, the differences of a failing case, then "N passed, N failed".
Exit status: 0 all passed, 1 a case failed or a file is invalid, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, { rules: { type: "string" } });
    let passed = 0;
    let failed = 0;
    for (const path of positionals.length ? positionals : ["rules"]) {
      const info = await Deno.stat(path).catch(() => {
        throw new PathNotFoundError(path);
      });
      const rulesDir = values.rules ??
        (info.isFile ? (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".") : path);
      const loaded = await loadRules([rulesDir]);
      if (hasErrors(loaded.problems)) {
        for (const p of loaded.problems) console.log(formatProblem(p));
        console.log(`FAIL ${rulesDir}: the rules do not load`);
        failed++;
        continue;
      }
      const rules = new RuleSet(loaded.rules);
      for (const file of await findFiles([path], isTestFile)) {
        const { cases, problems } = await readTestFile(file);
        for (const p of problems) console.log(formatProblem(p));
        if (problems.length) {
          console.log(`FAIL ${file}: invalid test file`);
          failed++;
        }
        for (const c of cases) {
          const { failures } = await runTestCase(rules, c);
          console.log(`${failures.length ? "FAIL" : "ok  "} ${file} › ${c.name}`);
          for (const f of failures) console.log(`       ${f}`);
          if (failures.length) failed++;
          else passed++;
        }
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};
