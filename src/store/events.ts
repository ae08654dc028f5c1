/**
 * The inbox's writes, once for every database: accepting an event (deduplicated by the sender's
 * id within the window), claiming undispatched events with a lease, and quarantine. An event whose
 * dispatch keeps failing is claimed at most {@link MAX_DISPATCH_CLAIMS} times, then quarantined.
 */
import { EVENT_SOURCES } from "../event/envelope.ts";
import { newEventId } from "../event/id.ts";
import type {
  EventLease,
  NewEvent,
  PutResult,
  QuarantineEntry,
  StoredEvent,
} from "../inbox/model.ts";
import type { Tx } from "./driver.ts";
import type { Dialect } from "./driver.ts";
import { eventFromRow } from "./rows.ts";

/** Claims of one event after which it is taken out of dispatch and quarantined. */
export const MAX_DISPATCH_CLAIMS = 5;

/** An event evaluated before it was stored under an id another event already has. */
export class EventIdTakenError extends Error {
  constructor(readonly id: string) {
    super(`putEvent: event id ${id} is taken`);
    this.name = "EventIdTakenError";
  }
}

/** A put whose dedupe key kept changing hands under concurrent writes; not expected to happen. */
export class DedupeKeyContendedError extends Error {
  constructor(readonly key: string) {
    super(`putEvent: dedupe key ${key} kept changing under concurrent writes`);
    this.name = "DedupeKeyContendedError";
  }
}

/**
 * The key an event is deduplicated by: its source and the sender's id for it. The unique index on
 * it also serves searches by sender id (see {@link senderIdIs}), so no index of its own is written
 * per event.
 */
export function dedupeKey(source: string, senderId: string): string {
  return `${source}:${senderId}`;
}

/**
 * SQL true for the events whose sender's id is the value of `idParam` (`keysParam` binds
 * {@link senderKeys} of it): through the dedupe key while the event holds it; once the key is
 * forgotten (past the window), through the small partial index of forgotten senders' ids.
 */
export function senderIdIs(d: Dialect, idParam: string, keysParam: string): string {
  return `(${d.inList("dedupe_key", keysParam, "text")}
    OR (dedupe_key IS NULL AND sender_id = ${idParam}))`;
}

/** The dedupe keys a sender's id can have, one per source. */
export function senderKeys(senderId: string): string[] {
  return EVENT_SOURCES.map((s) => dedupeKey(s, senderId));
}

const INSERT_EVENT = `
  INSERT INTO sluice_events
    (id, source, dedupe_key, body_key, type, body, meta, received_at, lease_owner, lease_until,
     sender_id, dispatched_at, decision, outcome)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
  ON CONFLICT DO NOTHING RETURNING id`;

/** An event stored already dispatched: its decision record (JSON) and its outcome. */
export interface Dispatched {
  decision: string | null;
  outcome: string;
}

/**
 * Stores `event`, or answers the copy already stored under its dedupe id or body key within
 * `windowMs`. A key older than the window is forgotten and the event stored anew. With
 * `dispatched`, a new event is stored dispatched at `now` (one write: no mark afterwards).
 */
export async function putEvent(
  tx: Tx,
  event: NewEvent,
  lease: EventLease | undefined,
  now: number,
  windowMs: number,
  dispatched?: Dispatched,
): Promise<PutResult> {
  const key = event.dedupeId === undefined ? null : dedupeKey(event.source, event.dedupeId);
  const bodyKey = event.bodyKey ?? null;
  const meta = event.meta ? JSON.stringify(event.meta) : null;
  const receivedAt = event.receivedAt ?? now;
  // Other puts of the same transaction may run interleaved with this one (PostgreSQL pipelines
  // them), so the row holding a key may change between statements: look until one answer holds.
  for (let tries = 0; tries < 5; tries++) {
    const id = event.id ?? newEventId(now);
    const inserted = await tx.all(INSERT_EVENT, [
      id,
      event.source,
      key,
      bodyKey,
      event.type,
      event.body,
      meta,
      receivedAt,
      lease?.owner ?? null,
      lease ? now + lease.ms : 0,
      event.dedupeId ?? null,
      dispatched ? now : null,
      dispatched?.decision ?? null,
      dispatched?.outcome ?? null,
    ]);
    if (inserted.length) return { id, duplicate: false, receivedAt };
    if (key === null && bodyKey === null) {
      // An id collision: draw another, unless the id was chosen (and used) before the put.
      if (event.id !== undefined) throw new EventIdTakenError(event.id);
      continue;
    }
    const seen = await tx.all(
      "SELECT id, received_at FROM sluice_events WHERE dedupe_key = $1 OR body_key = $2",
      [key, bodyKey],
    );
    const recent = seen.find((r) => (r.received_at as number) >= now - windowMs);
    if (recent) {
      return { id: recent.id as string, duplicate: true, receivedAt: recent.received_at as number };
    }
    // Keys seen before the window: forget them on the old events, then insert again.
    for (const old of seen) {
      await tx.run(
        "UPDATE sluice_events SET dedupe_key = NULL, body_key = NULL WHERE id = $1",
        [old.id],
      );
    }
  }
  throw new DedupeKeyContendedError(key ?? bodyKey ?? "(none)");
}

/**
 * Leases up to `limit` undispatched events whose lease has expired, oldest first. Events claimed
 * {@link MAX_DISPATCH_CLAIMS} times already are quarantined instead (their dispatch kept failing).
 */
export async function claimEvents(
  tx: Tx,
  d: Dialect,
  owner: string,
  limit: number,
  leaseMs: number,
  now: number,
): Promise<StoredEvent[]> {
  const rows = await tx.all(
    `UPDATE sluice_events SET lease_owner = $1, lease_until = $2, claims = claims + 1
     WHERE id IN (
       SELECT id FROM sluice_events WHERE dispatched_at IS NULL AND lease_until <= $3
       ORDER BY received_at LIMIT $4 ${d.skipLocked})
     RETURNING *`,
    [owner, now + leaseMs, now, limit],
  );
  const poisoned = rows.filter((r) => (r.claims as number) > MAX_DISPATCH_CLAIMS);
  for (const r of poisoned) {
    const reason =
      `dispatch failed ${MAX_DISPATCH_CLAIMS} times (see the error log lines for event ${r.id})`;
    await quarantine(tx, {
      source: r.source as StoredEvent["source"],
      reason,
      body: r.body as string,
    }, now);
    await tx.run(
      `UPDATE sluice_events SET dispatched_at = $1, lease_until = 0, decision = $2,
         outcome = 'error' WHERE id = $3`,
      [now, JSON.stringify({ rules: [], errors: [reason], throttled: [] }), r.id],
    );
  }
  return rows.filter((r) => (r.claims as number) <= MAX_DISPATCH_CLAIMS).map(eventFromRow)
    .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
}

/** Keeps a body that was signed but not understood; returns its id. */
export async function quarantine(tx: Tx, entry: QuarantineEntry, now: number): Promise<string> {
  const id = newEventId(now);
  await tx.run(
    "INSERT INTO sluice_quarantine (id, source, reason, body, received_at) VALUES ($1, $2, $3, $4, $5)",
    [id, entry.source, entry.reason, entry.body, now],
  );
  return id;
}
