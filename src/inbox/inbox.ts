/**
 * The inbox owns accepting an event: ingress verifies and decodes, then calls {@link Inbox.accept},
 * which has the event evaluated (within a budget), writes it durably (deduplicated by the sender's
 * id) already dispatched, in one write, and reports the outcome once for every source. An event
 * whose evaluation overruns the budget is written for the dispatcher instead, which takes it from
 * memory. The answer to the sender (or the SQS delete) comes after this write and never waits for
 * an action.
 */
import { createHash } from "node:crypto";
import type { DecisionRecord } from "../delivery/decision.ts";
import type { RulePlan } from "../delivery/model.ts";
import type { EventSource, StreamEvent } from "../event/envelope.ts";
import { newEventId } from "../event/id.ts";
import type { InboxStore } from "../store/roles.ts";
import type { EventLease, NewEvent, PutResult, StoredEvent } from "./model.ts";

/** What the store records for an event evaluated before it was written. */
export interface PlannedDispatch {
  plans: RulePlan[];
  decision?: DecisionRecord;
}

/** Evaluates events before they are stored (the dispatcher). */
export interface Planner<P extends PlannedDispatch = PlannedDispatch> {
  /** Undefined when the evaluation overran its budget or failed: store it for later dispatch. */
  planBeforeStore(stored: StoredEvent, event: StreamEvent): Promise<P | undefined>;
  /** The event was stored with the planned dispatch (not a duplicate). */
  dispatchedBeforeStore(planned: P, throttled: string[]): void;
}

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
  store: Pick<InboxStore, "putEvent" | "putDispatchedEvent" | "quarantine">;
  handoff?: Handoff;
  /** Evaluates events before they are stored; without it every event is dispatched later. */
  planner?: Planner;
  /** The time stored as an evaluated event's `received_at`; `Date.now` by default. */
  now?: () => number;
  observer?: InboxObserver;
  /** Whether the catalogue knows an event type. */
  isKnownType?: (type: string) => boolean;
}

/** Accepts events from every source. */
export class Inbox {
  constructor(private readonly deps: InboxDeps) {}

  /** Stores the event durably (or finds its earlier copy) and hands it on; then answer the sender. */
  async accept(incoming: IncomingEvent): Promise<PutResult> {
    const { observer } = this.deps;
    const { source, event, json } = incoming;
    const bodyKey = incoming.signedBy === undefined
      ? undefined
      : `${source}:${incoming.signedBy}:${sha256Hex(json)}`;
    const written: NewEvent = {
      source,
      dedupeId: incoming.dedupeId,
      bodyKey,
      type: event.type,
      body: json,
      meta: incoming.meta,
    };
    const put = await this.putDispatched(written, event) ?? await this.putForLater(written, event);
    if (!put.duplicate && this.deps.isKnownType && !this.deps.isKnownType(event.type)) {
      observer?.unknownType?.(event.type);
    }
    observer?.outcome(source, put.duplicate ? "duplicate" : "accepted", event.type);
    return put;
  }

  /** Evaluates, then writes the event with its dispatch; undefined if evaluation overran. */
  private async putDispatched(written: NewEvent, event: StreamEvent) {
    const planner = this.deps.planner;
    if (!planner) return undefined;
    const receivedAt = (this.deps.now ?? Date.now)();
    const id = newEventId(receivedAt);
    const stored = {
      id,
      source: written.source,
      type: written.type,
      body: written.body,
      receivedAt,
    };
    const planned = await planner.planBeforeStore(stored, event);
    if (!planned) return undefined;
    const put = await this.deps.store.putDispatchedEvent(
      { ...written, id, receivedAt },
      planned.plans,
      planned.decision,
    );
    if (!put.duplicate) planner.dispatchedBeforeStore(planned, put.throttled);
    return put;
  }

  /** Writes the event undispatched and hands it to the dispatcher (or leaves it to be claimed). */
  private async putForLater(written: NewEvent, event: StreamEvent): Promise<PutResult> {
    const { store, handoff, observer } = this.deps;
    const lease = handoff?.hasRoom() ? handoff.lease : undefined;
    const put = await store.putEvent(written, lease);
    const { source } = written;
    if (!put.duplicate) {
      if (lease) {
        handoff!.submit(
          { id: put.id, source, type: event.type, body: written.body, receivedAt: put.receivedAt },
          event,
        );
      } else if (handoff) {
        observer?.handoffFull?.(put.id);
      }
    }
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

/** SHA-256 in hex, synchronously in native code (Web Crypto's digest costs 10× the CPU here). */
function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
