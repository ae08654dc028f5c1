/**
 * The contract between the executor and an action. An action sends once and classifies the result;
 * only the executor retries, waits and dead-letters.
 */

/** How one attempt went. `retryAfterMs` is the destination's own `Retry-After`, if it sent one. */
export type ActionOutcome =
  | { kind: "ok"; status?: number }
  | { kind: "retry"; status?: number; error: string; retryAfterMs?: number }
  | { kind: "permanent"; status?: number; error: string };

/** What an attempt knows besides its parameters. */
export interface ActionContext {
  /** Aborted at the attempt's timeout or at shutdown. */
  signal: AbortSignal;
  /** Stable across every attempt and replay of this delivery. */
  idempotencyKey: string;
  /** 1 for the first attempt. */
  attempt: number;
  timeoutMs: number;
}

/** One action implementation (`http`, `slack`, `email`). */
export interface Action {
  readonly name: string;
  execute(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}
