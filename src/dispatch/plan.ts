/**
 * An evaluation turned into what the store records: one delivery per (rule, action) with its
 * rendered parameters, resolved retry policy and stable idempotency key, grouped by rule with the
 * rule's throttle window.
 */
import { redactText } from "../observe/redact.ts";
import type { Evaluation, RenderedAction } from "../rules/evaluate.ts";
import { DEFAULT_TIMEOUT_MS, resolveRetryPolicy } from "../executor/retry_policy.ts";
import type { NewDelivery, RulePlan } from "../delivery/model.ts";

/**
 * `<event id>-<action index>-<16 hex of SHA-256(rule name)>`: the same for every attempt and
 * replay of a delivery, different for every other, and safe in an HTTP header whatever the rule
 * is called.
 */
export async function idempotencyKey(
  eventId: string,
  rule: string,
  index: number,
): Promise<string> {
  return `${eventId}-${index}-${await ruleHash(rule)}`;
}

/** Rule names seen, with their hash: computed once per name, not once per delivery. */
const ruleHashes = new Map<string, string>();

async function ruleHash(rule: string): Promise<string> {
  let hex = ruleHashes.get(rule);
  if (hex === undefined) {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(rule));
    hex = Array.from(new Uint8Array(digest).subarray(0, 8), (b) => b.toString(16).padStart(2, "0"))
      .join("");
    // Bounded: a process that reloads rules under ever new names starts over.
    if (ruleHashes.size >= 10_000) ruleHashes.clear();
    ruleHashes.set(rule, hex);
  }
  return hex;
}

/** Milliseconds between deliveries sharing a rate key, by action type (e.g. 1000 for slack). */
export type RateIntervals = Readonly<Record<string, number | undefined>>;

/** Why rules that matched send nothing: the silence that holds each, by rule name. */
export type Held = ReadonlyMap<string, { id: string; reason: string }>;

/** The store's plan for one evaluated event. */
export async function planDeliveries(
  eventId: string,
  evaluation: Evaluation,
  rateIntervals: RateIntervals = {},
  silenced: Held = new Map(),
): Promise<RulePlan[]> {
  const plans: RulePlan[] = [];
  for (const match of evaluation.matches) {
    const rule = match.rule;
    const silence = silenced.get(rule.name);
    plans.push({
      rule: rule.name,
      throttle: rule.throttle && match.throttleKey !== undefined
        ? { key: match.throttleKey, perMs: rule.throttle.perMs }
        : undefined,
      group: rule.group && match.groupKey !== undefined
        ? { key: match.groupKey, waitMs: rule.group.waitMs }
        : undefined,
      ...(silence ? { silenced: silence } : {}),
      deliveries: silence ? [] : await deliveriesOf(eventId, rule, match.actions, rateIntervals),
    });
  }
  return plans;
}

/**
 * One delivery per rendered action of a rule. `keyBase` makes the idempotency keys: the event's
 * id for an event's deliveries, the group and send number for a group's.
 */
export async function deliveriesOf(
  keyBase: string,
  rule: { name: string; mode: "live" | "shadow" },
  actions: readonly RenderedAction[],
  rateIntervals: RateIntervals,
): Promise<NewDelivery[]> {
  const deliveries: NewDelivery[] = [];
  for (const rendered of actions) {
    const action = rendered.action;
    const params = "params" in rendered ? rendered.params : null;
    const rateKey = "sendable" in rendered ? action.spec.rateKey?.(rendered.sendable) : undefined;
    const interval = rateIntervals[action.type];
    deliveries.push({
      rule: rule.name,
      actionIndex: action.index,
      actionType: action.type,
      idempotencyKey: await idempotencyKey(keyBase, rule.name, action.index),
      mode: rule.mode,
      params,
      ...(params && action.envRefs ? { envRefs: true } : {}),
      renderError: "error" in rendered ? redactText(rendered.error.message) : undefined,
      ...("notes" in rendered && rendered.notes ? { notes: rendered.notes } : {}),
      retry: resolveRetryPolicy(action.retry),
      timeoutMs: action.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      rate: rateKey && interval ? { key: rateKey, intervalMs: interval } : undefined,
    });
  }
  return deliveries;
}
