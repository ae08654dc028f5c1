/**
 * What happens after an attempt, as pure functions of the delivery, the outcome, the time and a
 * random number: exponential backoff with full jitter, `Retry-After` honoured but clamped to
 * `max_delay`, and a dead letter once attempts or the retry window run out.
 */
import type { ActionOutcome } from "../actions/action.ts";
import type { Delivery, DeliveryResult, RetryPolicy } from "../delivery/model.ts";

/** Full jitter: uniformly random in [0, min(maxDelay, initial × 2^(attempt−1))]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.floor(random * ceiling);
}

/** The delivery's next state after one attempt that started at `startedAt` and ended at `now`. */
export function decideAfterAttempt(
  delivery: Pick<Delivery, "attempts" | "firstAt" | "retry">,
  outcome: ActionOutcome,
  startedAt: number,
  now: number,
  random: number,
): DeliveryResult {
  const attempt = {
    at: startedAt,
    durationMs: now - startedAt,
    outcome: outcome.kind,
    ...(outcome.status === undefined ? {} : { status: outcome.status }),
    ...(outcome.kind === "ok" ? {} : { error: outcome.error }),
  };
  if (outcome.kind === "ok") return { kind: "done", attempt };
  if (outcome.kind === "permanent") return { kind: "dead", attempt };
  const policy = delivery.retry;
  const made = delivery.attempts + 1;
  if (made >= policy.maxAttempts) {
    return {
      kind: "dead",
      // The attempt that ends a delivery is recorded as final, whatever made it fail.
      attempt: {
        ...attempt,
        outcome: "permanent",
        error: `${outcome.error}; gave up after ${made} attempts`,
      },
    };
  }
  const delay = outcome.retryAfterMs === undefined
    ? backoffDelay(policy, made, random)
    : Math.min(Math.max(0, outcome.retryAfterMs), policy.maxDelayMs);
  const nextAt = now + delay;
  if (nextAt > delivery.firstAt + policy.maxDurationMs) {
    return {
      kind: "dead",
      attempt: {
        ...attempt,
        outcome: "permanent",
        error: `${outcome.error}; retry window of ${policy.maxDurationMs / 1000}s used up`,
      },
    };
  }
  return { kind: "retry", attempt, nextAt };
}
