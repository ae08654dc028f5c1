/** `sluice validate [PATH…]`: every problem in every rule file, then a summary. */
import { formatProblem, hasErrors } from "../rules/problem.ts";
import { loadRules } from "../rules/load.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags } from "./command.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "Validate rule files (default ./rules)",
  help: `Usage: sluice validate [PATH…]

Validates every rule file (*.yaml, *.yml; not *.test.yaml) under each PATH (default ./rules):
YAML syntax, the rule schema (sluice schema), JSONata in "if" and in every {{ }} template,
\${VAR} references, action parameters and duplicate rule names.

Each problem is printed as PATH:LINE:COL: message, then a summary.
Exit status: 0 valid (warnings allowed), 1 a problem was found, 2 bad usage.`,
  async run(args) {
    const { positionals } = parseFlags(args, {});
    const paths = positionals.length ? positionals : ["rules"];
    const { rules, problems, files } = await loadRules(paths);
    for (const p of problems) console.log(formatProblem(p));
    const errors = problems.filter((p) => p.severity === "error").length;
    const warnings = problems.length - errors;
    const summary = `${files.length} file(s), ${rules.length} valid rule(s), ${errors} error(s)` +
      (warnings ? `, ${warnings} warning(s)` : "");
    if (hasErrors(problems)) {
      console.log(`invalid: ${summary}`);
      return EXIT_FAILED;
    }
    console.log(`ok: ${summary}`);
    return EXIT_OK;
  },
};
