/**
 * One event against a rule set: which rules fire, and each action's rendered parameters. This is
 * exactly what `run` dispatches and what `match` and `test` show; nothing is sent here.
 */
import type { Envelope, StreamEvent } from "../event/envelope.ts";
import { formatFieldPath } from "../template/field_path.ts";
import { renderTemplate, TemplateRenderError } from "../template/template.ts";
import type { CompiledAction, CompiledRule } from "./rule.ts";
import type { RuleSet } from "./rule_set.ts";
import { isTruthy } from "./truthy.ts";

/**
 * An action of a rule that could not be rendered for this event (a template failed, or the
 * result breaks the destination's limits): that delivery fails permanently.
 */
export class ActionRenderError extends Error {
  constructor(
    readonly rule: string,
    readonly action: CompiledAction,
    detail: string,
    cause?: unknown,
  ) {
    super(`rule "${rule}", do[${action.index}] (${action.type}): ${detail}`, { cause });
    this.name = "ActionRenderError";
  }
}

/**
 * A rule expression (`if` or `throttle.key`) that failed for this event. A failed `if` does not
 * fire; a failed `throttle.key` throttles the event in one shared bucket rather than not at all.
 */
export class RuleExpressionError extends Error {
  constructor(readonly rule: string, readonly field: "if" | "throttle.key", cause: unknown) {
    super(
      `rule "${rule}": ${field} failed: ${cause instanceof Error ? cause.message : cause}`,
      { cause },
    );
    this.name = "RuleExpressionError";
  }
}

/** One action of a firing rule, rendered or failed. */
export type RenderedAction =
  | { action: CompiledAction; params: Record<string, unknown> }
  | { action: CompiledAction; error: ActionRenderError };

/** A rule that fired, with its actions and, if it has one, its throttle key. */
export interface RuleMatch {
  rule: CompiledRule;
  actions: RenderedAction[];
  throttleKey?: string;
}

/** The outcome for one event: rules that fired, rules whose `if` was false, expressions that failed. */
export interface Evaluation {
  matches: RuleMatch[];
  errors: RuleExpressionError[];
  /** Rules listening to the type whose `if` was false. */
  notFired: string[];
}

/** Evaluates `event` against every rule that can match its type. */
export async function evaluateEvent(
  rules: RuleSet,
  event: StreamEvent,
  envelope: Envelope,
): Promise<Evaluation> {
  const bindings = { event: envelope };
  const matches: RuleMatch[] = [];
  const errors: RuleExpressionError[] = [];
  const notFired: string[] = [];
  for (const rule of rules.candidates(event.type)) {
    if (rule.condition) {
      try {
        if (!isTruthy(await rule.condition.expr.evaluate(event, bindings))) {
          notFired.push(rule.name);
          continue;
        }
      } catch (e) {
        errors.push(new RuleExpressionError(rule.name, "if", e));
        continue;
      }
    }
    const actions: RenderedAction[] = [];
    for (const action of rule.actions) {
      actions.push(await renderAction(rule, action, event, bindings));
    }
    let key: string | undefined;
    try {
      key = await throttleKey(rule, event, bindings);
    } catch (e) {
      errors.push(new RuleExpressionError(rule.name, "throttle.key", e));
      key = "";
    }
    matches.push({ rule, actions, throttleKey: key });
  }
  return { matches, errors, notFired };
}

/** Renders one action of a rule for an event: its templates, then its checks on the result. */
export async function renderAction(
  rule: CompiledRule,
  action: CompiledAction,
  event: StreamEvent,
  bindings: Record<string, unknown>,
): Promise<RenderedAction> {
  const where = ["do", action.index, action.type];
  const escape = action.spec.escape?.bind(action.spec);
  try {
    const params = await renderTemplate(action.params, event, {
      bindings,
      escape: escape && ((value, path) => escape(value, path.slice(where.length))),
    }, where) as Record<string, unknown>;
    const problem = action.spec.checkRendered?.(params);
    return problem
      ? {
        action,
        error: new ActionRenderError(rule.name, action, `${formatFieldPath(where)}: ${problem}`),
      }
      : { action, params };
  } catch (e) {
    if (!(e instanceof TemplateRenderError)) throw e;
    return { action, error: new ActionRenderError(rule.name, action, e.message, e) };
  }
}

async function throttleKey(
  rule: CompiledRule,
  event: StreamEvent,
  bindings: Record<string, unknown>,
): Promise<string | undefined> {
  if (!rule.throttle) return undefined;
  if (!rule.throttle.key) return "";
  const v = await rule.throttle.key.expr.evaluate(event, bindings);
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}
