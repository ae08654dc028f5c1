import { assertEquals } from "../../test/support/assert.ts";
import { backoffDelay, decideAfterAttempt } from "./backoff.ts";
import { DEFAULT_RETRY } from "./retry_policy.ts";

const policy = { maxAttempts: 4, initialDelayMs: 1000, maxDelayMs: 5000, maxDurationMs: 60_000 };

Deno.test("backoffDelay: full jitter under an exponential ceiling capped at max_delay", () => {
  assertEquals([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, 0.999999)), [
    999,
    1999,
    3999,
    4999,
    4999,
  ]);
  assertEquals(backoffDelay(policy, 3, 0), 0);
  assertEquals(backoffDelay(DEFAULT_RETRY, 20, 0.5), 150_000);
});

const delivery = { attempts: 0, firstAt: 0, retry: policy };
const retry = { kind: "retry" as const, status: 503, error: "503 Service Unavailable" };

Deno.test("decideAfterAttempt: ok is done, permanent is dead at once", () => {
  assertEquals(decideAfterAttempt(delivery, { kind: "ok", status: 200 }, 10, 15, 0.5), {
    kind: "done",
    attempt: { at: 10, durationMs: 5, outcome: "ok", status: 200 },
  });
  assertEquals(
    decideAfterAttempt(delivery, { kind: "permanent", status: 404, error: "404" }, 0, 0, 0).kind,
    "dead",
  );
});

Deno.test("decideAfterAttempt: retries with backoff, Retry-After clamped to max_delay", () => {
  assertEquals(decideAfterAttempt(delivery, retry, 0, 100, 0.5), {
    kind: "retry",
    attempt: {
      at: 0,
      durationMs: 100,
      outcome: "retry",
      status: 503,
      error: "503 Service Unavailable",
    },
    nextAt: 600,
  });
  const after = (ms: number) =>
    decideAfterAttempt(delivery, { ...retry, retryAfterMs: ms }, 0, 100, 0.5);
  assertEquals((after(2000) as { nextAt: number }).nextAt, 2100);
  assertEquals((after(3_600_000) as { nextAt: number }).nextAt, 5100);
});

Deno.test("decideAfterAttempt: the last attempt, or a retry past the window, is dead", () => {
  const last = decideAfterAttempt({ ...delivery, attempts: 3 }, retry, 0, 0, 0.5);
  assertEquals([last.kind, last.attempt.error], [
    "dead",
    "503 Service Unavailable; gave up after 4 attempts",
  ]);
  const late = decideAfterAttempt(delivery, { ...retry, retryAfterMs: 5000 }, 58_000, 58_000, 0);
  assertEquals([late.kind, late.attempt.error], [
    "dead",
    "503 Service Unavailable; retry window of 60s used up",
  ]);
});
