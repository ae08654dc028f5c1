/**
 * The delivery domain: what a rule's action becomes once an event fires it, how it is retried and
 * what each attempt left behind. The store persists these shapes; it does not define them.
 */

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
  /**
   * Whether `params` keep `${VAR}` references (resolved when sent; see `template/env_refs.ts`).
   * Deliveries stored before references were kept have the values themselves.
   */
  envRefs?: boolean;
  renderError?: string;
  /** What was changed to fit the destination (e.g. a field cut with `…`), said to the operator. */
  notes?: string[];
  retry: RetryPolicy;
  timeoutMs: number;
  /**
   * Deliveries sharing a rate key share one rate limit (a Slack channel, an HTTP host): at most one
   * is started per `intervalMs`; the others wait in the store.
   */
  rate?: { key: string; intervalMs: number };
}

/**
 * What one rule does for an event: deliveries now, unless its throttle window for the key is open,
 * the event joins the rule's group (deliveries come with the group's send), or a silence holds it.
 */
export interface RulePlan {
  rule: string;
  throttle?: { key: string; perMs: number };
  /** The rule groups events: this one joins the open group for `key`, or opens one (`waitMs`). */
  group?: { key: string; waitMs: number };
  /** A silence matched: nothing is sent. */
  silenced?: { id: string; reason: string };
  deliveries: NewDelivery[];
}

/** Where a delivery stands; `discarded` is a dead letter an operator removed, kept in history. */
export type DeliveryStatus = "pending" | "done" | "dead" | "shadow" | "discarded";

/** Every status, for parsing filters. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  "pending",
  "done",
  "dead",
  "shadow",
  "discarded",
];

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
  /** Why an operator discarded it (status `discarded`). */
  discardReason?: string;
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

/** A delivery with its whole attempt history (dead letters, the admin API). */
export interface DeliveryRecord extends Delivery {
  eventType: string;
  history: AttemptRecord[];
}

/** A dead-lettered delivery with its whole attempt history. */
export type DeadLetter = DeliveryRecord;

/** Which dead letters a list, replay or discard takes. */
export interface DeadLetterFilter {
  /** Only these ids. */
  ids?: readonly string[];
  rule?: string;
  /** Dead since (epoch ms of the delivery's last change). */
  since?: number;
  /** Text the last error contains (case-insensitive). */
  error?: string;
  /** Page cursor: dead letters with an id after this one, oldest first. */
  after?: string;
  limit?: number;
}

/** A dead letter to re-queue, with the parameters it was rendered with again, if it was. */
export interface Replay {
  id: string;
  /** New parameters from the rule's current template; the stored ones when absent. */
  params?: Record<string, unknown>;
  /** What fitting the new parameters changed. */
  notes?: string[];
  /** Whether the new parameters keep `${VAR}` references. */
  envRefs?: boolean;
}

/** What a replay or discard did, by id; `missing` names the ids that are not dead letters. */
export interface DeadLetterChange {
  changed: string[];
  missing: string[];
}
