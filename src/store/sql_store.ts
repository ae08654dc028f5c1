/**
 * The store: every role of `roles.ts`, written once over a {@link Driver}. The behaviour lives in
 * `events.ts`, `dispatch.ts`, `queue.ts`, `history.ts` and `maintenance.ts`, each statement in one
 * copy; the driver brings the connection, its group commit and the dialect's few spellings.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import type {
  DeadLetterFilter,
  DeliveryResult,
  DeliveryStatus,
  Replay,
  RulePlan,
} from "../delivery/model.ts";
import type { EventFilter, EventLease, NewEvent, QuarantineEntry } from "../inbox/model.ts";
import { discardDeadLetters, listDeadLetters, replayDeadLetters } from "./dead_letters.ts";
import { SameTurnBatch } from "./batch.ts";
import { decisionText } from "./decision_text.ts";
import { createDispatched, dispatchMany, type DispatchRequest, eventOutcome } from "./dispatch.ts";
import type { Driver, Tx } from "./driver.ts";
import { claimEvents, putEvent, quarantine } from "./events.ts";
import {
  eventsPerMinute,
  getEvent,
  listDeliveries,
  listEvents,
  listQuarantine,
  ruleCounts,
  scanEvents,
} from "./history.ts";
import { prune, reclaimLeases, stats } from "./maintenance.ts";
import {
  claimDueGroups,
  closeGroup,
  completeGroupSend,
  type GroupSend,
  listGroups,
} from "./groups.ts";
import { redispatchEvent } from "./redispatch.ts";
import {
  addSilence,
  expireSilence,
  getThread,
  listSilences,
  listThrottles,
  resetThrottle,
  setThread,
  type Silence,
} from "./silences.ts";
import { type KeptRuleFile, lastRuleSet, saveRuleSet } from "./rule_sets.ts";
import {
  claimDeliveries,
  finishMany,
  type FinishRequest,
  nextDueAt,
  releaseDeliveries,
} from "./queue.ts";
import { SEVEN_DAYS_MS, type Store, type StoreOptions } from "./roles.ts";
import { DELIVERIES_CHANNEL, migrationsFor } from "./schema.ts";

/** Store options beyond time: a hook for counting failed store operations (metrics). */
export interface SqlStoreOptions extends StoreOptions {
  onError?: (error: unknown) => void;
}

/** The {@link Store} over one database. */
export class SqlStore implements Store {
  readonly exclusive: boolean;
  private readonly now: () => number;
  private readonly windowMs: number;
  private readonly retentionMs: number;
  private readonly dispatches = new SameTurnBatch<DispatchRequest, { throttled: string[] }>(
    (batch) => this.write((tx) => dispatchMany(tx, this.driver.dialect, batch, this.now())),
  );
  private readonly finishes = new SameTurnBatch<FinishRequest, void>(
    (batch) => this.write((tx) => finishMany(tx, this.driver.dialect, batch, this.now())),
  );

  private constructor(private readonly driver: Driver, private readonly options: SqlStoreOptions) {
    this.exclusive = driver.exclusive;
    this.now = options.now ?? Date.now;
    this.windowMs = options.dedupeWindowMs ?? SEVEN_DAYS_MS;
    this.retentionMs = options.retentionMs ?? SEVEN_DAYS_MS;
  }

  /** Applies pending migrations, then serves the store on `driver`. */
  static async open(driver: Driver, options: SqlStoreOptions = {}): Promise<SqlStore> {
    try {
      await driver.migrate(migrationsFor(driver.dialect));
    } catch (e) {
      await driver.close();
      throw e;
    }
    return new SqlStore(driver, options);
  }

  private write<T>(fn: (tx: Tx) => Promise<T>, ordered = false): Promise<T> {
    return this.counted(this.driver.write(fn, { ordered }));
  }

  private read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.counted(this.driver.read(fn));
  }

  private counted<T>(p: Promise<T>): Promise<T> {
    if (!this.options.onError) return p;
    return p.catch((e) => {
      this.options.onError!(e);
      throw e;
    });
  }

  putEvent(event: NewEvent, lease?: EventLease) {
    const now = this.now();
    return this.write((tx) => putEvent(tx, event, lease, now, this.windowMs));
  }

  putDispatchedEvent(event: NewEvent, plans: RulePlan[], decision?: DecisionRecord) {
    const now = this.now();
    return this.write(async (tx) => {
      const put = await putEvent(tx, event, undefined, now, this.windowMs, {
        decision: decisionText(decision, []),
        outcome: eventOutcome({ plans, decision }),
      });
      if (put.duplicate) return { ...put, throttled: [] };
      const [{ throttled }] = await createDispatched(
        tx,
        this.driver.dialect,
        [{ eventId: put.id, plans, decision }],
        new Set([put.id]),
        now,
      );
      return { ...put, throttled };
    });
  }

  claimEvents(owner: string, limit: number, leaseMs: number) {
    const now = this.now();
    return this.write(
      (tx) => claimEvents(tx, this.driver.dialect, owner, limit, leaseMs, now),
      true,
    );
  }

  completeDispatch(eventId: string, plans: RulePlan[], decision?: DecisionRecord) {
    return this.dispatches.add({ eventId, plans, decision });
  }

  redispatch(eventId: string, plans: RulePlan[], decision: DecisionRecord) {
    const now = this.now();
    return this.write((tx) =>
      redispatchEvent(tx, this.driver.dialect, eventId, plans, decision, now)
    );
  }

  quarantine(entry: QuarantineEntry) {
    const now = this.now();
    return this.write((tx) => quarantine(tx, entry, now));
  }

  claimDeliveries(owner: string, limit: number, leaseMs: number) {
    const now = this.now();
    return this.write(
      (tx) => claimDeliveries(tx, this.driver.dialect, owner, limit, leaseMs, now),
      true,
    );
  }

  finishDelivery(id: string, owner: string, result: DeliveryResult) {
    return this.finishes.add({ id, owner, result });
  }

  releaseDeliveries(ids: string[], owner: string) {
    return this.write((tx) => releaseDeliveries(tx, this.driver.dialect, ids, owner));
  }

  nextDueAt() {
    return this.read(nextDueAt);
  }

  subscribe(fn: () => void) {
    return this.driver.listen(DELIVERIES_CHANNEL, fn);
  }

  listDeadLetters(filter: DeadLetterFilter = {}) {
    return this.read((tx) => listDeadLetters(tx, this.driver.dialect, filter));
  }

  replayDeadLetters(replays: readonly Replay[]) {
    const now = this.now();
    return this.write((tx) => replayDeadLetters(tx, replays, now));
  }

  discardDeadLetters(ids: readonly string[], reason: string) {
    const now = this.now();
    return this.write((tx) => discardDeadLetters(tx, ids, reason, now));
  }

  listEvents(filter: EventFilter = {}) {
    return this.read((tx) => listEvents(tx, this.driver.dialect, filter));
  }

  eventsPerMinute(since: number) {
    return this.read((tx) => eventsPerMinute(tx, since));
  }

  scanEvents(since: number, before: string | undefined, limit: number) {
    return this.read((tx) => scanEvents(tx, since, before, limit));
  }

  ruleCounts() {
    return this.read(ruleCounts);
  }

  getEvent(id: string) {
    return this.read((tx) => getEvent(tx, this.driver.dialect, id));
  }

  listDeliveries(options: { status?: DeliveryStatus; limit?: number; after?: string } = {}) {
    return this.read((tx) => listDeliveries(tx, this.driver.dialect, options));
  }

  listQuarantine(options: { limit?: number; before?: string } = {}) {
    return this.read((tx) => listQuarantine(tx, options));
  }

  saveRuleSet(files: readonly KeptRuleFile[]) {
    const now = this.now();
    return this.write((tx) => saveRuleSet(tx, files, now));
  }

  lastRuleSet() {
    return this.read(lastRuleSet);
  }

  claimDueGroups(owner: string, limit: number, leaseMs: number, maxEvents: number) {
    const now = this.now();
    return this.write(
      (tx) => claimDueGroups(tx, this.driver.dialect, owner, limit, leaseMs, maxEvents, now),
      true,
    );
  }

  completeGroupSend(send: GroupSend) {
    const now = this.now();
    return this.write((tx) => completeGroupSend(tx, this.driver.dialect, send, now));
  }

  closeGroup(id: string) {
    return this.write((tx) => closeGroup(tx, id));
  }

  listGroups(rule?: string) {
    return this.read((tx) => listGroups(tx, rule));
  }

  addSilence(silence: Omit<Silence, "id" | "createdAt">) {
    const now = this.now();
    return this.write((tx) => addSilence(tx, silence, now));
  }

  listSilences(all = false) {
    return this.read((tx) => listSilences(tx, this.now(), all));
  }

  expireSilence(id: string) {
    const now = this.now();
    return this.write((tx) => expireSilence(tx, id, now));
  }

  listThrottles(rule?: string) {
    return this.read((tx) => listThrottles(tx, this.now(), rule));
  }

  resetThrottle(rule: string, key: string) {
    const now = this.now();
    return this.write((tx) => resetThrottle(tx, rule, key, now));
  }

  getThread(key: string) {
    return this.read((tx) => getThread(tx, key));
  }

  setThread(key: string, ts: string) {
    const now = this.now();
    return this.write((tx) => setThread(tx, key, ts, now));
  }

  stats() {
    return this.read(stats);
  }

  prune() {
    const now = this.now();
    return this.write((tx) => prune(tx, now, this.windowMs, this.retentionMs));
  }

  async ping() {
    await this.write((tx) => tx.all("SELECT 1"));
  }

  reclaimLeases() {
    return this.write(reclaimLeases);
  }

  close() {
    return this.driver.close();
  }
}
