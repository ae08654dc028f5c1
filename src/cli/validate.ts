/** `sluice validate [--strict] [PATH…]`: every problem in every rule file, then a summary. */
import { formatProblem, hasErrors, type Problem } from "../rules/problem.ts";
import { loadRules } from "../rules/load.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags } from "./command.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Validate rule files (default ./rules)",
  help: `Usage: sluice validate [--strict] [PATH…]

Validates every rule file (*.yaml, *.yml; not *.test.yaml) under each PATH (default ./rules):
YAML syntax, the rule schema (sluice schema), JSONata in "if" and in every {{ }} template,
\${VAR} references, action parameters and duplicate rule names.

Field paths in "if", "throttle.key" and every {{ }} template are checked against the Stream
event catalogue (sluice events) for the rule's "on" types: a path no known event of those types
has is a warning with the closest known path. Rules on "*" alone, or on types without a known
shape, are not path-checked. An "on" pattern that matches no known type is a warning too.

  --strict   treat warnings as errors (exit 1 on any)

Each problem is printed as PATH:LINE:COL: message, then a summary.
Exit status: 0 valid (warnings allowed without --strict), 1 a problem was found, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, { strict: { type: "boolean" } });
    const paths = positionals.length ? positionals : ["rules"];
    const loaded = await loadRules(paths);
    const problems: Problem[] = values.strict
      ? loaded.problems.map((p) => ({ ...p, severity: "error" }))
      : loaded.problems;
    for (const p of problems) console.log(formatProblem(p));
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    const valid = values.strict
      ? loaded.rules.filter((r) => !problems.some((p) => p.file === r.file)).length
      : loaded.rules.length;
    const summary = `${loaded.files.length} file(s), ${valid} valid rule(s), ${errors} error(s)` +
      (warnings ? `, ${warnings} warning(s)` : "");
    if (hasErrors(problems)) {
      console.log(`invalid: ${summary}`);
      return EXIT_FAILED;
    }
    console.log(`ok: ${summary}`);
    return EXIT_OK;
  },
};
