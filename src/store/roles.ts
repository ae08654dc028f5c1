/**
 * What the store does, split by who uses it: each consumer is typed on the role it needs (the
 * SQS poller on an inbox and a backlog, the executor on the delivery queue, the admin API on
 * history and dead letters). One store implements them all; {@link Store} is their union.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import type { RedispatchResult } from "./redispatch.ts";
import type { DueGroup, GroupSend } from "./groups.ts";
import type { KeptRuleFile, KeptRuleSet } from "./rule_sets.ts";
import type { Silence, ThrottleWindow } from "./silences.ts";
import type {
  DeadLetter,
  DeadLetterChange,
  DeadLetterFilter,
  Delivery,
  DeliveryRecord,
  DeliveryResult,
  DeliveryStatus,
  Replay,
  RulePlan,
} from "../delivery/model.ts";
import type {
  EventFilter,
  EventLease,
  EventRecord,
  EventSummary,
  NewEvent,
  PutResult,
  QuarantinedBody,
  QuarantineEntry,
  StoredEvent,
} from "../inbox/model.ts";

/** Accepted events: durable writes with dedupe, claims, dispatch, quarantine. */
export interface InboxStore {
  /**
   * Accepts an event durably, or reports the earlier copy when `dedupeId` was seen in the window.
   * With `lease`, the new event is held for its owner's dispatcher.
   */
  putEvent(event: NewEvent, lease?: EventLease): Promise<PutResult>;
  /**
   * Accepts an event evaluated before it was stored (`event.id` set): in one transaction, the
   * event (deduplicated as by `putEvent`) and, unless it is a duplicate, its dispatch as by
   * `completeDispatch`. One write per event; no claim, no second transaction.
   */
  putDispatchedEvent(
    event: NewEvent,
    plans: RulePlan[],
    decision?: DecisionRecord,
  ): Promise<PutResult & { throttled: string[] }>;
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
    decision?: DecisionRecord,
  ): Promise<{ throttled: string[] }>;
  /**
   * Evaluated again under the current rules: done deliveries stay, dead ones are rendered again
   * and re-queued, missing ones are created, under the same idempotency keys. Undefined if the
   * event is not stored.
   */
  redispatch(
    eventId: string,
    plans: RulePlan[],
    decision: DecisionRecord,
  ): Promise<RedispatchResult | undefined>;
  /** Keeps a body that was signed but not understood; returns its id. */
  quarantine(entry: QuarantineEntry): Promise<string>;
}

/** Deliveries waiting to run: claims with leases, results, release at shutdown. */
export interface DeliveryQueue {
  /** Leases up to `limit` due live deliveries. */
  claimDeliveries(owner: string, limit: number, leaseMs: number): Promise<Delivery[]>;
  /** Records an attempt and the delivery's next state; ignored if `owner` lost the lease. */
  finishDelivery(id: string, owner: string, result: DeliveryResult): Promise<void>;
  /** Gives leased deliveries back without counting an attempt (shutdown). */
  releaseDeliveries(ids: string[], owner: string): Promise<void>;
  /** The earliest time a pending delivery can be claimed (due and not leased). */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Calls `fn` when deliveries may have become due, also those made by other processes sharing
   * the store; resolves to an unsubscribe.
   */
  subscribe(fn: () => void): Promise<() => Promise<void>>;
}

/** Dead letters: list, replay, discard. */
export interface DeadLetters {
  /** Dead letters oldest first matching `filter` (rule, since, error text), after `filter.after`. */
  listDeadLetters(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  /**
   * Re-queues the given dead letters with a fresh retry window and the same idempotency key,
   * with the new parameters given (a fixed template) or the stored ones.
   */
  replayDeadLetters(replays: readonly Replay[]): Promise<DeadLetterChange>;
  /** Takes dead letters off the queue, keeping them in history as `discarded` with the reason. */
  discardDeadLetters(ids: readonly string[], reason: string): Promise<DeadLetterChange>;
}

/** What one rule did over the kept history. */
export interface RuleCounts {
  rule: string;
  fired: number;
  errors: number;
  throttled: number;
  silenced: number;
  grouped: number;
  /** When it last fired (epoch ms). */
  lastFiredAt?: number;
}

/** What happened: events, deliveries with their attempts, quarantine, rule counts. */
export interface History {
  /** Events newest first matching `filter` (paged by id with `before`). */
  listEvents(filter?: EventFilter): Promise<EventSummary[]>;
  /** Events received since `since` (epoch ms) per minute and outcome, for charts. */
  eventsPerMinute(since: number): Promise<{ minute: number; outcome: string; count: number }[]>;
  /** Events received since `since` (epoch ms), newest first, before the id `before`. */
  scanEvents(since: number, before: string | undefined, limit: number): Promise<StoredEvent[]>;
  /** One event, by sluice's id or the sender's id, with its deliveries and their attempts. */
  getEvent(id: string): Promise<EventRecord | undefined>;
  /** Deliveries oldest first, optionally in one status, after the id `after`, with attempts. */
  listDeliveries(
    options?: { status?: DeliveryStatus; limit?: number; after?: string },
  ): Promise<DeliveryRecord[]>;
  /** Quarantined bodies, newest first, older than the id `before`. */
  listQuarantine(options?: { limit?: number; before?: string }): Promise<QuarantinedBody[]>;
  /** Per rule: fired, errors, throttled, silenced, grouped, and when it last fired. */
  ruleCounts(): Promise<RuleCounts[]>;
}

/** The last rule set that loaded, kept so a broken file on restart is not an outage. */
export interface RuleSets {
  /** Keeps these files (paths and texts, `${VAR}` unresolved) as the last good set. */
  saveRuleSet(files: readonly KeptRuleFile[]): Promise<void>;
  lastRuleSet(): Promise<KeptRuleSet | undefined>;
}

/** Groups of events sent together (digests). */
export interface GroupQueue {
  /** Leases groups due to send (closing those due with nothing new), with their newest events. */
  claimDueGroups(
    owner: string,
    limit: number,
    leaseMs: number,
    maxEvents: number,
  ): Promise<DueGroup[]>;
  /** Records a send: its deliveries, the events it took, the next due time; false if the lease was lost. */
  completeGroupSend(send: GroupSend): Promise<boolean>;
  /** Closes a group (its rule is gone or no longer groups). */
  closeGroup(id: string): Promise<void>;
  /** The open groups, optionally of one rule. */
  listGroups(rule?: string): Promise<OpenGroup[]>;
}

/** An open group as the admin API shows it. */
export interface OpenGroup {
  id: string;
  rule: string;
  key: string;
  openedAt: number;
  nextSendAt: number;
  sends: number;
  pending: number;
}

/** Silences made by operators. */
export interface Silences {
  addSilence(silence: Omit<Silence, "id" | "createdAt">): Promise<Silence>;
  /** In force now; with `all`, also those ended in the last day. */
  listSilences(all?: boolean): Promise<Silence[]>;
  /** Ends one now; false if there is no such silence in force. */
  expireSilence(id: string): Promise<boolean>;
}

/** Throttle windows rules have open. */
export interface Throttles {
  listThrottles(rule?: string): Promise<ThrottleWindow[]>;
  /** Closes the rule's window for `key`; false if none was open. */
  resetThrottle(rule: string, key: string): Promise<boolean>;
}

/** Which Slack message started each thread key. */
export interface ThreadStore {
  getThread(key: string): Promise<string | undefined>;
  setThread(key: string, ts: string): Promise<void>;
}

/** Counts for metrics, readiness and back-pressure. */
export interface StoreStats {
  pendingEvents: number;
  pendingDeliveries: number;
  deadLetters: number;
}

/** Upkeep: counts, pruning, leases after a crash, closing. */
export interface Maintenance {
  stats(): Promise<StoreStats>;
  /** Deletes finished work older than the retention and dedupe ids older than the window. */
  prune(): Promise<void>;
  /**
   * Makes every leased event and delivery claimable now: for the one process that owns an
   * embedded store, at start, after a crash. Never on a shared store.
   */
  reclaimLeases(): Promise<void>;
  /** A write transaction that does nothing: resolves once the store takes writes (readiness). */
  ping(): Promise<void>;
  /** Whether one process owns the store (SQLite), so leases left behind are its own. */
  readonly exclusive: boolean;
  close(): Promise<void>;
}

/** The durable store: every role. Every method is safe to call concurrently. */
export interface Store
  extends
    InboxStore,
    DeliveryQueue,
    DeadLetters,
    History,
    RuleSets,
    GroupQueue,
    Silences,
    Throttles,
    ThreadStore,
    Maintenance {}

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
