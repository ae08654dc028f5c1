/**
 * The inbox's records: an event to accept, what accepting it answered, the stored event as the
 * dispatcher and the admin API read it, and bodies kept in quarantine.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import type { AttemptRecord, Delivery } from "../delivery/model.ts";
import type { EventSource } from "../event/envelope.ts";

/** An event to accept into the inbox. */
export interface NewEvent {
  source: EventSource;
  /** The sender's id for this delivery (webhook id, SQS or SNS message id); dedupes retries. */
  dedupeId?: string;
  /**
   * A second dedupe key the sender cannot change: for signed webhooks, the app and a hash of the
   * body (`X-Webhook-Id` is not signed, so a captured body re-sent under a new id is a replay).
   */
  bodyKey?: string;
  type: string;
  /** The event JSON exactly as received (decompressed). */
  body: string;
  /** Extra metadata kept with the event (e.g. the webhook attempt). */
  meta?: Record<string, unknown>;
  /**
   * Set when the event was evaluated before it was stored: its id (its deliveries' idempotency
   * keys carry it) and the time its rules saw as `received_at`.
   */
  id?: string;
  receivedAt?: number;
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

/** How an event ended: a rule fired, none did, a rule failed, or a delivery died. */
export type EventOutcome = "matched" | "unmatched" | "error" | "dead";

/** Every outcome, for parsing filters. */
export const EVENT_OUTCOMES: readonly EventOutcome[] = ["matched", "unmatched", "error", "dead"];

/** What an event search matches on; all given parts must hold. */
export interface EventFilter {
  /** An event type, or a pattern with `*` (any run of characters). */
  type?: string;
  /** The sender's id: `X-Webhook-Id`, the SQS or SNS message id. */
  senderId?: string;
  /** Events for which this rule fired, was throttled, silenced or failed. */
  rule?: string;
  outcome?: EventOutcome;
  /** Received at or after (epoch ms). */
  since?: number;
  /** Page cursor: events with an id before this one (ids sort by time). */
  before?: string;
  limit?: number;
}

/** An event in a list: where it came from, how it ended, the rules that fired. */
export interface EventSummary extends StoredEvent {
  senderId?: string;
  dispatchedAt?: number;
  /** Unset until dispatched; `dead` when one of its deliveries died. */
  outcome?: EventOutcome;
  /** Rules that fired for it. */
  rules: string[];
}

/** A stored event with what became of it, for the admin API. */
export interface EventRecord extends StoredEvent {
  senderId?: string;
  outcome?: EventOutcome;
  dispatchedAt?: number;
  /** Why rules fired or not, as the dispatcher recorded it, with `throttled` added by the store. */
  decision?: DecisionRecord;
  deliveries: (Delivery & { history: AttemptRecord[] })[];
}

/** A request body that was signed but could not be understood, kept for inspection. */
export interface QuarantineEntry {
  source: EventSource;
  reason: string;
  body: string;
}

/** A kept body that could not be understood. */
export interface QuarantinedBody extends QuarantineEntry {
  id: string;
  receivedAt: number;
}
