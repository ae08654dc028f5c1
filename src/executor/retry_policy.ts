/** Retry policies: the defaults of product.md §6, overridden per action by its `retry` key. */
import type { RetryOverrides } from "../rules/rule.ts";
import type { RetryPolicy } from "../delivery/model.ts";

/** 6 attempts, 1 s to 5 min apart, within 1 h. */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 6,
  initialDelayMs: 1_000,
  maxDelayMs: 300_000,
  maxDurationMs: 3_600_000,
};

/** An action's timeout when its rule sets none. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The defaults with an action's overrides applied. */
export function resolveRetryPolicy(overrides: RetryOverrides = {}): RetryPolicy {
  return {
    maxAttempts: overrides.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    initialDelayMs: overrides.initialDelayMs ?? DEFAULT_RETRY.initialDelayMs,
    maxDelayMs: overrides.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    maxDurationMs: overrides.maxDurationMs ?? DEFAULT_RETRY.maxDurationMs,
  };
}
