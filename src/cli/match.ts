/** `sluice match --event FILE|-`: a dry run of one event against the rules, as JSON. */
import { type Envelope, isStreamEvent } from "../event/envelope.ts";
import { redactParams } from "../observe/redact.ts";
import { evaluateEvent } from "../rules/evaluate.ts";
import { loadRules } from "../rules/load.ts";
import { formatProblem, hasErrors } from "../rules/problem.ts";
import { RuleSet } from "../rules/rule_set.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";

/** The `match` command. */
export const matchCommand: Command = {
  name: "match",
  summary: "Dry run: which rules an event matches and what their actions would send",
  help: `Usage: sluice match --event FILE|- [--rules DIR]

Evaluates one event (a JSON file, or - for standard input) against the rules in DIR
(default ./rules) exactly as "run" would, and prints as JSON the rules that fire and each
action with its rendered parameters. Sends nothing. Secret parameters are shown as [redacted].

Exit status: 0 evaluated (even if nothing matched), 1 invalid rules or event, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      event: { type: "string" },
      rules: { type: "string" },
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
    const envelope: Envelope = {
      id: "dry-run",
      type: event.type,
      source: "cli",
      received_at: new Date().toISOString(),
      attempt: 1,
    };
    const { matches, errors } = await evaluateEvent(new RuleSet(loaded.rules), event, envelope);
    const report = {
      event: { type: event.type },
      matches: matches.map((m) => ({
        rule: m.rule.name,
        file: m.rule.file,
        mode: m.rule.mode,
        ...(m.throttleKey === undefined ? {} : { throttle_key: m.throttleKey }),
        actions: m.actions.map((a) => ({
          index: a.action.index,
          type: a.action.type,
          ...("params" in a
            ? { params: redactParams(a.params, a.action.spec.secretKeys ?? []) }
            : { error: a.error.message }),
        })),
      })),
      errors: errors.map((e) => e.message),
    };
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
