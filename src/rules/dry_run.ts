/**
 * A dry run of one event against a rule set, as `sluice match` prints it and `POST /admin/explain`
 * answers: the rules that fire with each action's rendered parameters (secrets masked), and with
 * `explain`, every rule listening to the type with why it fired or not. Sends nothing.
 */
import type { RuleDecision } from "../delivery/decision.ts";
import type { Envelope, StreamEvent } from "../event/envelope.ts";
import { redactParams } from "../observe/redact.ts";
import { resolveParams } from "../template/env_refs.ts";
import { evaluateEvent } from "./evaluate.ts";
import type { RuleSet } from "./rule_set.ts";

/** The envelope of an event evaluated outside the pipeline. */
export function dryRunEnvelope(event: StreamEvent, source: Envelope["source"]): Envelope {
  return {
    id: "dry-run",
    type: event.type,
    source,
    received_at: new Date().toISOString(),
    attempt: 1,
  };
}

/** The report of a dry run; `explain` adds every listening rule's decision. */
export async function dryRun(
  rules: RuleSet,
  event: StreamEvent,
  options: { explain?: boolean; source?: Envelope["source"] } = {},
) {
  const { matches, errors, decisions } = await evaluateEvent(
    rules,
    event,
    dryRunEnvelope(event, options.source ?? "cli"),
  );
  const files = new Map(rules.rules.map((r) => [r.name, r.file]));
  return {
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
          ? {
            params: redactParams(
              a.action.envRefs ? resolveParams(a.params, a.action.env, "display").params : a.params,
              a.action.spec.secretKeys,
            ),
            ...(a.missing ? { missing: a.missing } : {}),
          }
          : { error: a.error.message }),
      })),
    })),
    errors: errors.map((e) => e.message),
    ...(options.explain
      ? {
        explain: decisions.map((d: RuleDecision) => ({ ...d, file: files.get(d.rule) })),
      }
      : {}),
  };
}
