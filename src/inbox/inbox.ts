/**
 * The inbox owns accepting an event: ingress verifies and decodes, then calls {@link Inbox.accept},
 * which writes the event durably (deduplicated by the sender's id), hands it to the dispatcher
 * already parsed, and reports the outcome once for every source. The answer to the sender (or
 * the SQS delete) comes after this write and never waits for an action.
 */
import type { EventSource, StreamEvent } from "../event/envelope.ts";
import type { InboxStore } from "../store/roles.ts";
import type { EventLease, PutResult, StoredEvent } from "./model.ts";

/** Where accepted events go next: the dispatcher, which takes them from memory under a lease. */
export interface Handoff {
  /** The lease an event handed over is stored under; if its holder dies, the lease expires. */
  readonly lease: EventLease;
  /** Whether one more event fits in memory; if not, the event is left for the dispatcher to claim. */
  hasRoom(): boolean;
  submit(stored: StoredEvent, event: StreamEvent): void;
}

/** An event ingress has verified and decoded. */
export interface IncomingEvent {
  source: EventSource;
  /** The sender's id (webhook id, SQS or SNS message id): a retry with it is a duplicate. */
  dedupeId?: string;
  /**
   * For signed bodies (webhooks): who signed it, e.g. the app's API key. The same body accepted
   * for the same signer within the dedupe window is then a duplicate whatever its `dedupeId`.
   */
  signedBy?: string;
  event: StreamEvent;
  /** The event's JSON text exactly as received (decompressed). */
  json: string;
  meta?: Record<string, unknown>;
}

/** How an offered event ended, for `sluice_events_total{source,type,outcome}`. */
export type IntakeOutcome =
  | "accepted"
  | "duplicate"
  | "quarantined"
  | "unauthorized"
  | "forbidden"
  | "too_large"
  | "bad_request"
  | "timeout"
  | "stale"
  | "error"
  | "confirmed"
  | "unsubscribed";

/** What the inbox reports; the app turns these into metrics and log lines. */
export interface InboxObserver {
  /** Every offered event or refused request, once. */
  outcome(source: EventSource, outcome: IntakeOutcome, type?: string): void;
  /** An accepted event of a type the catalogue does not know (logged at most hourly per type). */
  unknownType?(type: string): void;
  /** The hand-off to the dispatcher was full: the event waits in the store to be claimed. */
  handoffFull?(eventId: string): void;
  /** A body was kept in quarantine. */
  quarantined?(source: EventSource, id: string, reason: string): void;
}

/** What the inbox needs. */
export interface InboxDeps {
  store: Pick<InboxStore, "putEvent" | "quarantine">;
  handoff?: Handoff;
  observer?: InboxObserver;
  /** Whether the catalogue knows an event type. */
  isKnownType?: (type: string) => boolean;
}

/** Accepts events from every source. */
export class Inbox {
  constructor(private readonly deps: InboxDeps) {}

  /** Stores the event durably (or finds its earlier copy) and hands it on; then answer the sender. */
  async accept(incoming: IncomingEvent): Promise<PutResult> {
    const { store, handoff, observer } = this.deps;
    const { source, event, json } = incoming;
    const lease = handoff?.hasRoom() ? handoff.lease : undefined;
    const bodyKey = incoming.signedBy === undefined
      ? undefined
      : `${source}:${incoming.signedBy}:${await sha256Hex(json)}`;
    const put = await store.putEvent({
      source,
      dedupeId: incoming.dedupeId,
      bodyKey,
      type: event.type,
      body: json,
      meta: incoming.meta,
    }, lease);
    if (!put.duplicate) {
      if (lease) {
        handoff!.submit(
          { id: put.id, source, type: event.type, body: json, receivedAt: put.receivedAt },
          event,
        );
      } else if (handoff) {
        observer?.handoffFull?.(put.id);
      }
      if (this.deps.isKnownType && !this.deps.isKnownType(event.type)) {
        observer?.unknownType?.(event.type);
      }
    }
    observer?.outcome(source, put.duplicate ? "duplicate" : "accepted", event.type);
    return put;
  }

  /** Keeps a signed body that holds no routable event; returns the quarantine id. */
  async quarantine(source: EventSource, reason: string, body: string): Promise<string> {
    const id = await this.deps.store.quarantine({ source, reason, body });
    this.deps.observer?.quarantined?.(source, id, reason);
    this.deps.observer?.outcome(source, "quarantined");
    return id;
  }

  /** Counts a request refused before anything was stored (bad signature, too large, …). */
  refused(source: EventSource, outcome: IntakeOutcome, type?: string): void {
    this.deps.observer?.outcome(source, outcome, type);
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  let out = "";
  for (const b of digest) out += HEX[b];
  return out;
}
