/**
 * An evaluation turned into what the store records: one delivery per (rule, action) with its
 * rendered parameters, resolved retry policy and stable idempotency key, grouped by rule with the
 * rule's throttle window.
 */
import { redactText } from "../observe/redact.ts";
import type { Evaluation } from "../rules/evaluate.ts";
import { DEFAULT_TIMEOUT_MS, resolveRetryPolicy } from "../executor/retry_policy.ts";
import type { RulePlan } from "../delivery/model.ts";

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

/** The store's plan for one evaluated event. */
export async function planDeliveries(
  eventId: string,
  evaluation: Evaluation,
  rateIntervals: RateIntervals = {},
): Promise<RulePlan[]> {
  const plans: RulePlan[] = [];
  for (const match of evaluation.matches) {
    const rule = match.rule;
    const deliveries = [];
    for (const rendered of match.actions) {
      const action = rendered.action;
      const params = "params" in rendered ? rendered.params : null;
      const rateKey = params && action.spec.rateKey?.(params);
      const interval = rateIntervals[action.type];
      deliveries.push({
        rule: rule.name,
        actionIndex: action.index,
        actionType: action.type,
        idempotencyKey: await idempotencyKey(eventId, rule.name, action.index),
        mode: rule.mode,
        params,
        renderError: "error" in rendered ? redactText(rendered.error.message) : undefined,
        retry: resolveRetryPolicy(action.retry),
        timeoutMs: action.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        rate: rateKey && interval ? { key: rateKey, intervalMs: interval } : undefined,
      });
    }
    plans.push({
      rule: rule.name,
      throttle: rule.throttle && match.throttleKey !== undefined
        ? { key: match.throttleKey, perMs: rule.throttle.perMs }
        : undefined,
      deliveries,
    });
  }
  return plans;
}
