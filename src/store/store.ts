/**
 * The durable state of sluice behind one small interface: the inbox of accepted events, the
 * deliveries they produce, attempts, dead letters, throttle windows and quarantine. Work is
 * claimed with leases that expire, so work held by a crashed process comes back.
 * Implementations: `sqlite.ts` (embedded, one process) and `postgres.ts` (several replicas).
 */
import type { EventSource } from "../event/envelope.ts";

/** An event to accept into the inbox. */
export interface NewEvent {
  source: EventSource;
  /** The sender's id for this delivery (webhook id, SQS or SNS message id); dedupes retries. */
  dedupeId?: string;
  type: string;
  /** The event JSON exactly as received (decompressed). */
  body: string;
  /** Extra metadata kept with the event (e.g. the webhook attempt). */
  meta?: Record<string, unknown>;
}

/** The inbox's answer: the event's id, and whether it was already there. */
export interface PutResult {
  id: string;
  duplicate: boolean;
  receivedAt: number;
}

/**
 * A lease taken on an event as it is stored, by the process that will dispatch it from memory;
 * if that process dies, the lease expires and any dispatcher claims the event.
 */
export interface EventLease {
  owner: string;
  ms: number;
}

/** An accepted event, as the dispatcher claims it. */
export interface StoredEvent {
  id: string;
  source: EventSource;
  type: string;
  body: string;
  receivedAt: number;
}

/** Retry settings of one delivery, resolved from the defaults and the action's overrides. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  maxDurationMs: number;
}

/** A delivery to create: one per (event, rule, action). */
export interface NewDelivery {
  rule: string;
  actionIndex: number;
  actionType: string;
  /** Stable across retries and replays; sent as `Idempotency-Key` to HTTP targets. */
  idempotencyKey: string;
  mode: "live" | "shadow";
  /** Rendered parameters, or null when the template failed (`renderError`). */
  params: Record<string, unknown> | null;
  renderError?: string;
  retry: RetryPolicy;
  timeoutMs: number;
  /**
   * Deliveries sharing a rate key share one rate limit (a Slack channel, an HTTP host): at most one
   * is started per `intervalMs`; the others wait in the store.
   */
  rate?: { key: string; intervalMs: number };
}

/** The deliveries one rule produced for an event, and its throttle window if it has one. */
export interface RulePlan {
  rule: string;
  throttle?: { key: string; perMs: number };
  deliveries: NewDelivery[];
}

/** Where a delivery stands. */
export type DeliveryStatus = "pending" | "done" | "dead" | "shadow";

/** A stored delivery. */
export interface Delivery extends NewDelivery {
  id: string;
  eventId: string;
  status: DeliveryStatus;
  /** Attempts made since it was created or last replayed. */
  attempts: number;
  nextAt: number;
  /** When the current retry window started (creation or replay). */
  firstAt: number;
  lastError?: string;
}

/** One attempt at a delivery; `error` is short and never holds secrets. */
export interface AttemptRecord {
  at: number;
  durationMs: number;
  outcome: "ok" | "retry" | "permanent";
  status?: number;
  error?: string;
}

/** What the executor decided after an attempt. */
export type DeliveryResult =
  | { kind: "done"; attempt: AttemptRecord }
  | { kind: "retry"; attempt: AttemptRecord; nextAt: number }
  | { kind: "dead"; attempt: AttemptRecord };

/** A dead-lettered delivery with its whole attempt history. */
export interface DeadLetter extends Delivery {
  eventType: string;
  history: AttemptRecord[];
}

/** A stored event with what became of it, for the admin API. */
export interface EventRecord extends StoredEvent {
  dispatchedAt?: number;
  /** Why rules fired or not, as the dispatcher recorded it, with `throttled` added by the store. */
  decision?: Record<string, unknown>;
  deliveries: (Delivery & { history: AttemptRecord[] })[];
}

/** A kept body that could not be understood. */
export interface QuarantinedBody extends QuarantineEntry {
  id: string;
  receivedAt: number;
}

/** A request body that was signed but could not be understood, kept for inspection. */
export interface QuarantineEntry {
  source: EventSource;
  reason: string;
  body: string;
}

/** Counts for metrics and readiness. */
export interface StoreStats {
  pendingEvents: number;
  pendingDeliveries: number;
  deadLetters: number;
}

/** The durable store. Every method is safe to call concurrently. */
export interface Store {
  /**
   * Accepts an event durably, or reports the earlier copy when `dedupeId` was seen in the window.
   * With `lease`, the new event is held for its owner's dispatcher.
   */
  putEvent(event: NewEvent, lease?: EventLease): Promise<PutResult>;
  /** Leases up to `limit` events not yet dispatched. */
  claimEvents(owner: string, limit: number, leaseMs: number): Promise<StoredEvent[]>;
  /**
   * In one transaction: applies throttle windows, creates the deliveries of the rules not
   * throttled (once per idempotency key, ever) and marks the event dispatched. Returns the rules
   * that were throttled.
   */
  completeDispatch(
    eventId: string,
    plans: RulePlan[],
    decision?: Record<string, unknown>,
  ): Promise<{ throttled: string[] }>;
  /** Leases up to `limit` due live deliveries. */
  claimDeliveries(owner: string, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** Records an attempt and the delivery's next state; ignored if `owner` lost the lease. */
  finishDelivery(id: string, owner: string, result: DeliveryResult): Promise<void>;
  /** Gives leased deliveries back without counting an attempt (shutdown). */
  releaseDeliveries(ids: string[], owner: string): Promise<void>;
  /** Dead letters, oldest first, after the id `after`. */
  listDeadLetters(options?: { limit?: number; after?: string }): Promise<DeadLetter[]>;
  /** Deliveries oldest first, optionally in one status, after the id `after`, with their attempts. */
  listDeliveries(
    options?: { status?: DeliveryStatus; limit?: number; after?: string },
  ): Promise<DeadLetter[]>;
  /** Re-queues dead letters with a fresh retry window; returns how many were re-queued. */
  replayDeadLetters(ids: string[] | "all"): Promise<number>;
  /** Keeps a body that was signed but not understood. */
  quarantine(entry: QuarantineEntry): Promise<string>;
  /** Quarantined bodies, newest first, older than the id `before`. */
  listQuarantine(options?: { limit?: number; before?: string }): Promise<QuarantinedBody[]>;
  /** Events newest first, optionally of one type, received before `before` (ms). */
  listEvents(options?: { type?: string; before?: number; limit?: number }): Promise<StoredEvent[]>;
  /** One event with its deliveries and their attempts. */
  getEvent(id: string): Promise<EventRecord | undefined>;
  /** The earliest time a pending delivery can be claimed (due and not leased), for the executor's sleep. */
  nextDueAt(): Promise<number | undefined>;
  stats(): Promise<StoreStats>;
  /** Deletes finished work older than the retention and dedupe ids older than the window. */
  prune(): Promise<void>;
  /**
   * Calls `fn` when deliveries may have become due, also those made by other processes sharing
   * the store; resolves to an unsubscribe. Stores without cross-process notification omit it.
   */
  subscribe?(fn: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Options every store takes. */
export interface StoreOptions {
  /** Milliseconds since the epoch; injected so tests control time. */
  now?: () => number;
  /** How long a dedupe id is remembered; default 7 days. */
  dedupeWindowMs?: number;
  /** How long finished events and deliveries are kept; default 7 days. */
  retentionMs?: number;
}

/** Seven days, the default dedupe window and retention. */
export const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;
