/** `sluice match --event FILE|-`: a dry run of one event against the rules, as JSON. */
import { isStreamEvent } from "../event/envelope.ts";
import { dryRun } from "../rules/dry_run.ts";
import { loadRules } from "../rules/load.ts";
import { formatProblem, hasErrors } from "../rules/problem.ts";
import { RuleSet } from "../rules/rule_set.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";

/** The `match` command. */
export const matchCommand: Command = {
  name: "match",
  summary: "Dry run: which rules an event matches and what their actions would send",
  help: `Usage: sluice match --event FILE|- [--rules DIR] [--explain]

Evaluates one event (a JSON file, or - for standard input) against the rules in DIR
(default ./rules) exactly as "run" would, and prints as JSON the rules that fire and each
action with its rendered parameters. Sends nothing. Secret parameters are shown as [redacted].

--explain adds "explain": every rule whose "on" covers the event's type, enabled or not, with
"fired", or why not: "disabled", "if was false" with "trace" (each operand of the if's
and/or, recursively, with its source text and value), or "if failed" with JSONata's message
and code.

Exit status: 0 evaluated (even if nothing matched), 1 invalid rules or event, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      event: { type: "string" },
      rules: { type: "string" },
      explain: { type: "boolean" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.event) throw new UsageError("--event FILE is required (use - for stdin)");
    const event = await readEvent(values.event);
    if (typeof event === "string") {
      console.error(event);
      return EXIT_FAILED;
    }
    const loaded = await loadRules([values.rules ?? "rules"]);
    if (hasErrors(loaded.problems)) {
      for (const p of loaded.problems) console.error(formatProblem(p));
      return EXIT_FAILED;
    }
    const report = await dryRun(new RuleSet(loaded.rules), event, { explain: values.explain });
    console.log(JSON.stringify(report, null, 2));
    return EXIT_OK;
  },
};

async function readEvent(path: string) {
  let text: string;
  try {
    text = path === "-"
      ? await new Response(Deno.stdin.readable).text()
      : await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new UsageError(`${path}: no such file`);
    throw e;
  }
  const name = path === "-" ? "stdin" : path;
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (e) {
    return `${name}: not valid JSON: ${e instanceof Error ? e.message : e}`;
  }
  return isStreamEvent(event) ? event : `${name}: an event is a JSON object with a string "type"`;
}
