/** `sluice test [PATH…]`: run rule test files, one line per case, then `N passed, N failed`. */
import { PathNotFoundError } from "../rules/files.ts";
import { findFiles, isTestFile } from "../rules/files.ts";
import { loadRules } from "../rules/load.ts";
import { formatProblem, hasErrors } from "../rules/problem.ts";
import { RuleSet } from "../rules/rule_set.ts";
import { ruleEnv } from "../rules/rule_env.ts";
import { readTestFile } from "../ruletest/test_file.ts";
import { runTestCase } from "../ruletest/run_case.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags } from "./command.ts";

/** The `test` command. */
export const testCommand: Command = {
  name: "test",
  summary: "Run rule test files (*.test.yaml)",
  help: `Usage: sluice test [PATH…] [--rules DIR]

For each PATH (default ./rules): a folder loads the rules under it and runs every *.test.yaml
under it; a test file runs against the rules of --rules DIR (default: the file's folder).
Rules are evaluated exactly as "run" would; nothing is sent.

A case sends one event and expects the rules that fire (matches) and a subset of their rendered
actions; or it runs timed "steps" (events and silences at offsets, on a simulated clock against a
fresh store, so throttle windows, groups and silences are tested) and expects, per rule, the
deliveries made ("deliveries"). "env:" at the top of a test file gives placeholder values for the
variables the rules read, so CI needs no real tokens.

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
      // The rules, loaded once per placeholder env a test file gives (`env:` at its top).
      const sets = new Map<string, Promise<RuleSet | undefined>>();
      const rulesFor = (env: Record<string, string>) => {
        const key = JSON.stringify(env);
        let set = sets.get(key);
        if (!set) {
          const base = ruleEnv();
          const lookup = Object.assign((name: string) => env[name] ?? base(name), {
            refusal: base.refusal,
          });
          set = loadRules([rulesDir], { env: lookup }).then((loaded) => {
            if (!hasErrors(loaded.problems)) return new RuleSet(loaded.rules);
            for (const p of loaded.problems) console.log(formatProblem(p));
            console.log(`FAIL ${rulesDir}: the rules do not load`);
            return undefined;
          });
          sets.set(key, set);
        }
        return set;
      };
      const files = await findFiles([path], isTestFile);
      if (files.length === 0 && !(await rulesFor({}))) failed++;
      for (const file of files) {
        const { cases, problems, env } = await readTestFile(file);
        for (const p of problems) console.log(formatProblem(p));
        if (problems.length) {
          console.log(`FAIL ${file}: invalid test file`);
          failed++;
        }
        const rules = await rulesFor(env);
        if (!rules) {
          failed += Math.max(1, cases.length);
          continue;
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
