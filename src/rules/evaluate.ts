/**
 * One event against a rule set: which rules fire, and each action's rendered parameters. This is
 * exactly what `run` dispatches and what `match` and `test` show; nothing is sent here.
 */
import { isKnownEventType } from "../event/catalogue.ts";
import type { Envelope, StreamEvent } from "../event/envelope.ts";
import { eventTimeMs } from "../event/event_age.ts";
import { type FieldPath, formatFieldPath } from "../template/field_path.ts";
import type { RuleDecision } from "../delivery/decision.ts";
import { describeJsonataError, renderTemplate, TemplateRenderError } from "../template/template.ts";
import { escapeRefsDeep, resolveParams } from "../template/env_refs.ts";
import { trace } from "./explain.ts";
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
  /** JSONata's message with its code, e.g. `… does not match function signature (T0410)`. */
  readonly detail: string;

  constructor(
    readonly rule: string,
    readonly field: "if" | "throttle.key" | "group.key",
    cause: unknown,
  ) {
    const detail = describeJsonataError(cause);
    super(`rule "${rule}": ${field} failed: ${detail}`, { cause });
    this.name = "RuleExpressionError";
    this.detail = detail;
  }
}

/** One action of a firing rule, rendered or failed. */
export type RenderedAction =
  | {
    action: CompiledAction;
    /** What the store keeps: `${VAR}` references unresolved, values from events escaped. */
    params: Record<string, unknown>;
    /** What would be sent: references resolved (for checks, rate keys, `match` and `test`). */
    sendable: Record<string, unknown>;
    notes?: string[];
    /** Templates whose whole value found nothing: `do[0].http.json.x: {{ a.b }} found nothing`. */
    missing?: string[];
  }
  | { action: CompiledAction; error: ActionRenderError };

/**
 * A rule that fired, with its actions and, if it has one, its throttle key. A grouping rule renders
 * no action now (they render when the group is sent): it has its group key instead.
 */
export interface RuleMatch {
  rule: CompiledRule;
  actions: RenderedAction[];
  throttleKey?: string;
  groupKey?: string;
}

/** The outcome for one event: rules that fired, rules whose `if` was false, expressions that failed. */
export interface Evaluation {
  matches: RuleMatch[];
  errors: RuleExpressionError[];
  /** Rules listening to the type whose `if` was false. */
  notFired: string[];
  /**
   * Every rule whose `on` covers the type, enabled or not, in load order: fired, or why not (with
   * the `if`'s trace when it was false). The decision record and `match --explain` show this.
   */
  decisions: RuleDecision[];
}

/** Evaluates `event` against every rule that can match its type. */
export async function evaluateEvent(
  rules: RuleSet,
  event: StreamEvent,
  envelope: Envelope,
): Promise<Evaluation> {
  const bindings = ruleBindings(envelope);
  const matches: RuleMatch[] = [];
  const errors: RuleExpressionError[] = [];
  const notFired: string[] = [];
  const decisions: RuleDecision[] = [];
  for (const rule of rules.listening(event.type)) {
    if (!rule.enabled) {
      decisions.push({ rule: rule.name, fired: false, reason: "disabled" });
      continue;
    }
    if (rule.condition) {
      let value: unknown;
      try {
        value = await rule.condition.expr.evaluate(event, bindings);
      } catch (e) {
        const error = new RuleExpressionError(rule.name, "if", e);
        errors.push(error);
        decisions.push({ rule: rule.name, fired: false, reason: "if failed", error: error.detail });
        continue;
      }
      if (!isTruthy(value)) {
        notFired.push(rule.name);
        decisions.push({
          rule: rule.name,
          fired: false,
          reason: "if was false",
          trace: await trace(rule.condition.explain, event, bindings, { value }),
        });
        continue;
      }
    }
    if (rule.group) {
      let groupKey: string;
      try {
        groupKey = keyText(await rule.group.key.expr.evaluate(event, bindings));
      } catch (e) {
        errors.push(new RuleExpressionError(rule.name, "group.key", e));
        groupKey = "";
      }
      matches.push({ rule, actions: [], groupKey });
      decisions.push({ rule: rule.name, fired: true, mode: rule.mode });
      continue;
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
    const missing = actions.flatMap((a) => ("missing" in a && a.missing) || []);
    decisions.push({
      rule: rule.name,
      fired: true,
      mode: rule.mode,
      ...(missing.length ? { missing } : {}),
    });
  }
  return { matches, errors, notFired, decisions };
}

/**
 * What conditions and templates see besides the event: `$event` (the envelope, with `known`:
 * whether the catalogue knows the type) and `$epochMillis(ts)` for Stream's two timestamp forms.
 */
export function ruleBindings(
  envelope: Envelope,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { event: { ...envelope, known: isKnownEventType(envelope.type) }, epochMillis, ...extra };
}

/**
 * `$epochMillis(ts)`: a Stream timestamp (RFC 3339, or integer nanoseconds as a number or a string
 * of digits) as epoch milliseconds; nothing for nothing. Anything else fails like a JSONata error.
 */
function epochMillis(ts: unknown): number | undefined {
  if (ts === undefined || ts === null) return undefined;
  const ms = eventTimeMs(ts);
  if (ms === undefined) {
    throw {
      code: "D3141",
      message: `$epochMillis: ${JSON.stringify(ts)?.slice(0, 60)} is not a timestamp`,
    };
  }
  return Math.floor(ms);
}

/**
 * Renders one action of a rule for an event: its templates (event values encoded for where they
 * land, and unable to write a `${VAR}` reference), then fitting to the destination's limits
 * (noted), then its checks on what would be sent.
 */
export async function renderAction(
  rule: CompiledRule,
  action: CompiledAction,
  event: StreamEvent,
  bindings: Record<string, unknown>,
): Promise<RenderedAction> {
  const where = ["do", action.index, action.type];
  const spec = action.spec;
  const escape = (value: unknown, path: FieldPath, before: string) => {
    const escaped = spec.escape
      ? spec.escape(value, path.slice(where.length), action.written, before)
      : value;
    return action.envRefs ? escapeRefsDeep(escaped) : escaped;
  };
  const failed = (message: string, cause?: unknown) => ({
    action,
    error: new ActionRenderError(rule.name, action, message, cause),
  });
  const missing: string[] = [];
  const onMissing = (path: FieldPath, source: string) =>
    missing.push(`${formatFieldPath(path)}: {{${source}}} found nothing`);
  try {
    const params = await renderTemplate(
      action.params,
      event,
      { bindings, escape, onMissing },
      where,
    ) as Record<string, unknown>;
    const notes = spec.fit?.(params) ?? [];
    const sendable = action.envRefs
      ? resolveParams(params, action.env)
      : { params, missing: undefined };
    if (sendable.missing) {
      return failed(
        `${formatFieldPath(where)}: environment variable ${sendable.missing} is not set`,
      );
    }
    const problem = spec.checkRendered?.(sendable.params);
    if (problem) return failed(`${formatFieldPath(where)}: ${problem}`);
    return {
      action,
      params,
      sendable: sendable.params,
      ...(notes.length ? { notes } : {}),
      ...(missing.length ? { missing } : {}),
    };
  } catch (e) {
    if (!(e instanceof TemplateRenderError)) throw e;
    return failed(e.message, e);
  }
}

async function throttleKey(
  rule: CompiledRule,
  event: StreamEvent,
  bindings: Record<string, unknown>,
): Promise<string | undefined> {
  if (!rule.throttle) return undefined;
  if (!rule.throttle.key) return "";
  return keyText(await rule.throttle.key.expr.evaluate(event, bindings));
}

/** A throttle or group key as text: strings as they are, anything else as JSON. */
function keyText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}
