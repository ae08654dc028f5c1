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

/** A stored event with what became of it, for the admin API. */
export interface EventRecord extends StoredEvent {
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
