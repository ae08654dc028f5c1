/**
 * The delivery state machine, as pure functions of the delivery and the clock: the status a new
 * delivery starts in, what an attempt's result moves it to, and what a replay resets. The store
 * writes exactly these values; nothing else decides a status.
 *
 * ```
 *   new ──▶ pending ──attempt──▶ pending (retry at nextAt) ──▶ … ──▶ done | dead
 *     │                                                                  │
 *     ├──▶ shadow (recorded, never sent)                replay ◀─────────┘
 *     └──▶ dead   (its template failed: one permanent attempt recorded)
 * ```
 */
import type { AttemptRecord, DeliveryResult, DeliveryStatus, NewDelivery } from "./model.ts";

/** The columns a new delivery starts with. */
export interface InitialState {
  status: DeliveryStatus;
  attempts: number;
  nextAt: number;
  firstAt: number;
  lastError: string | null;
  /** The attempt recorded at creation: a render failure is dead with its reason. */
  attempt?: AttemptRecord;
}

/** Where a delivery starts: shadow, dead (render error, with its attempt) or pending. */
export function initialState(d: NewDelivery, now: number): InitialState {
  const base = { attempts: 0, nextAt: now, firstAt: now };
  if (d.mode === "shadow") return { ...base, status: "shadow", lastError: null };
  if (d.renderError !== undefined) {
    return {
      ...base,
      status: "dead",
      lastError: d.renderError,
      attempt: { at: now, durationMs: 0, outcome: "permanent", error: d.renderError },
    };
  }
  return { ...base, status: "pending", lastError: null };
}

/** The columns an attempt's result writes (attempts is incremented by one). */
export interface AfterAttempt {
  status: DeliveryStatus;
  nextAt: number;
  lastError: string | null;
}

/** Where a delivery goes after an attempt: pending again (retry), done or dead. */
export function afterAttempt(result: DeliveryResult, now: number): AfterAttempt {
  return {
    status: result.kind === "retry" ? "pending" : result.kind,
    nextAt: result.kind === "retry" ? result.nextAt : now,
    lastError: result.attempt.error ?? null,
  };
}

/** The columns a replay resets: pending now, no attempts, a fresh retry window. */
export function replayState(
  now: number,
): { status: DeliveryStatus; attempts: number; nextAt: number; firstAt: number } {
  return { status: "pending", attempts: 0, nextAt: now, firstAt: now };
}
