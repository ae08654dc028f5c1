/**
 * The shared store: PostgreSQL through `npm:postgres`, for several sluice replicas on one
 * database. Claims use `FOR UPDATE SKIP LOCKED` with lease expiry, so no delivery is run by two
 * replicas at once and a dead replica's work comes back; dedupe, throttle windows and rate limits
 * live in tables every replica shares; `LISTEN/NOTIFY` wakes idle executors. Migrations run at
 * start-up under an advisory lock, so replicas starting together do not race.
 */
import postgres from "postgres";
import { PostgresGroupCommit } from "./postgres_group_commit.ts";
import { newEventId } from "../event/id.ts";
import { DELIVERIES_CHANNEL, postgresMigrations } from "./postgres_schema.ts";
import {
  dispatchMany,
  type DispatchRequest,
  finishMany,
  type FinishRequest,
  SameTurnBatch,
} from "./postgres_batches.ts";
import { attemptFromRow, deliveryFromRow, eventFromRow, quarantineFromRow } from "./rows.ts";
import {
  type DeadLetter,
  type Delivery,
  type DeliveryResult,
  type DeliveryStatus,
  type EventLease,
  type EventRecord,
  type NewEvent,
  type PutResult,
  type QuarantinedBody,
  type QuarantineEntry,
  type RulePlan,
  SEVEN_DAYS_MS,
  type Store,
  type StoredEvent,
  type StoreOptions,
  type StoreStats,
} from "./store.ts";

const MIGRATION_LOCK = 7_355_608;

type Sql = ReturnType<typeof postgres>;
type Tx = postgres.TransactionSql;

type Row = Record<string, unknown>;

/** A put whose dedupe key kept changing hands under concurrent writes; not expected to happen. */
export class DedupeKeyContendedError extends Error {
  constructor(readonly key: string) {
    super(`putEvent: dedupe key ${key} kept changing under concurrent writes`);
    this.name = "DedupeKeyContendedError";
  }
}

/** The PostgreSQL {@link Store}. */
export class PostgresStore implements Store {
  private readonly now: () => number;
  private readonly dedupeWindowMs: number;
  private readonly retentionMs: number;

  private readonly writes: PostgresGroupCommit;
  private readonly dispatches = new SameTurnBatch<DispatchRequest, { throttled: string[] }>(
    (batch) => this.write((tx) => dispatchMany(tx, batch, this.now())),
  );
  private readonly finishes = new SameTurnBatch<FinishRequest, void>(
    (batch) => this.write((tx) => finishMany(tx, batch, this.now())),
  );

  private constructor(private readonly sql: Sql, options: StoreOptions) {
    this.now = options.now ?? Date.now;
    this.dedupeWindowMs = options.dedupeWindowMs ?? SEVEN_DAYS_MS;
    this.retentionMs = options.retentionMs ?? SEVEN_DAYS_MS;
    this.writes = new PostgresGroupCommit(sql);
  }

  private write<T>(fn: (tx: Tx) => Promise<T>, options?: { ordered?: boolean }): Promise<T> {
    return this.writes.write(fn, options);
  }

  /** Connects and applies pending migrations; `schema` sets the search path (tests use one each). */
  static async open(
    url: string,
    options: StoreOptions & { schema?: string } = {},
  ): Promise<PostgresStore> {
    const sql = postgres(url, {
      max: 10,
      onnotice: () => {},
      connection: options.schema ? { search_path: options.schema } : {},
      types: {
        bigint: {
          to: 20,
          from: [20],
          serialize: (x: number) => String(x),
          parse: (x: string) => Number(x),
        },
      },
    });
    try {
      await sql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
        await tx`CREATE TABLE IF NOT EXISTS sluice_migrations (version int PRIMARY KEY)`;
        const [{ version }] =
          await tx`SELECT COALESCE(MAX(version), 0)::int AS version FROM sluice_migrations`;
        for (let v = version as number; v < postgresMigrations.length; v++) {
          await tx.unsafe(postgresMigrations[v]);
          await tx`INSERT INTO sluice_migrations (version) VALUES (${v + 1})`;
        }
      });
    } catch (e) {
      await sql.end({ timeout: 1 });
      throw e;
    }
    return new PostgresStore(sql, options);
  }

  putEvent(event: NewEvent, lease?: EventLease): Promise<PutResult> {
    const now = this.now();
    const key = event.dedupeId === undefined ? null : `${event.source}:${event.dedupeId}`;
    return this.write(async (tx) => {
      const insert = async () => {
        const id = newEventId(now);
        const rows = await tx`
          INSERT INTO sluice_events (id, source, dedupe_key, type, body, meta, received_at, lease_owner, lease_until)
          VALUES (${id}, ${event.source}, ${key}, ${event.type}, ${event.body},
                  ${event.meta ? JSON.stringify(event.meta) : null}, ${now}, ${
          lease?.owner ?? null
        },
                  ${lease ? now + lease.ms : 0})
          ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`;
        return rows.length ? id : undefined;
      };
      // Other puts of the same transaction run interleaved with this one (pipelined), so the
      // row holding the key may change between statements: look again until one answer holds.
      for (let tries = 0; tries < 5; tries++) {
        const id = await insert();
        if (id) return { id, duplicate: false, receivedAt: now };
        const [seen] =
          await tx`SELECT id, received_at FROM sluice_events WHERE dedupe_key = ${key}`;
        if (!seen) continue;
        if ((seen.received_at as number) >= now - this.dedupeWindowMs) {
          return { id: seen.id as string, duplicate: true, receivedAt: seen.received_at as number };
        }
        // An id seen before the window: forget that old event's key, then insert again.
        await tx`UPDATE sluice_events SET dedupe_key = NULL WHERE id = ${seen.id as string}`;
      }
      throw new DedupeKeyContendedError(key!);
    });
  }

  async claimEvents(owner: string, limit: number, leaseMs: number): Promise<StoredEvent[]> {
    const now = this.now();
    const rows = await this.sql`
      UPDATE sluice_events SET lease_owner = ${owner}, lease_until = ${now + leaseMs}
      WHERE id IN (
        SELECT id FROM sluice_events WHERE dispatched_at IS NULL AND lease_until <= ${now}
        ORDER BY received_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING *`;
    return rows.map((r) => eventFromRow(r as Row))
      .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * Dispatches arriving together are completed by one set-based write: one UPDATE marks every
   * event, one multi-row INSERT creates every delivery (throttle windows, rare, row by row).
   */
  completeDispatch(
    eventId: string,
    plans: RulePlan[],
    decision?: Record<string, unknown>,
  ): Promise<{ throttled: string[] }> {
    return this.dispatches.add({ eventId, plans, decision });
  }

  claimDeliveries(owner: string, limit: number, leaseMs: number): Promise<Delivery[]> {
    const now = this.now();
    return this.write(async (tx) => {
      const candidates = await tx`
        SELECT * FROM sluice_deliveries
        WHERE status = 'pending' AND next_at <= ${now} AND lease_until <= ${now}
        ORDER BY next_at LIMIT ${limit * 4} FOR UPDATE SKIP LOCKED`;
      const claimed: Delivery[] = [];
      for (const row of candidates as Row[]) {
        if (claimed.length >= limit) break;
        const key = row.rate_key as string | null;
        if (key !== null) {
          const slot = await tx`
            INSERT INTO sluice_rate_limits (key, next_at) VALUES (${key}, ${
            now + (row.rate_interval_ms as number)
          })
            ON CONFLICT (key) DO UPDATE SET next_at = EXCLUDED.next_at WHERE sluice_rate_limits.next_at <= ${now}
            RETURNING key`;
          if (slot.length === 0) {
            // Rate-limited: wait in the store until the key's next slot.
            await tx`UPDATE sluice_deliveries SET next_at = (SELECT next_at FROM sluice_rate_limits WHERE key = ${key})
                     WHERE id = ${row.id as number}`;
            continue;
          }
        }
        claimed.push(deliveryFromRow(row));
      }
      if (claimed.length) {
        const ids = claimed.map((d) => Number(d.id));
        await tx`UPDATE sluice_deliveries SET lease_owner = ${owner}, lease_until = ${now + leaseMs}
                 WHERE id = ANY(${ids}::bigint[])`;
      }
      return claimed;
    }, { ordered: true });
  }

  /** Results arriving together are recorded by one multi-row INSERT and one UPDATE. */
  finishDelivery(id: string, owner: string, result: DeliveryResult): Promise<void> {
    return this.finishes.add({ id, owner, result });
  }

  async releaseDeliveries(ids: string[], owner: string): Promise<void> {
    await this.sql`UPDATE sluice_deliveries SET lease_owner = NULL, lease_until = 0
                   WHERE id = ANY(${ids.map(Number)}::bigint[]) AND lease_owner = ${owner}`;
  }

  listDeadLetters(options: { limit?: number; after?: string } = {}): Promise<DeadLetter[]> {
    return this.listDeliveries({ ...options, status: "dead" });
  }

  async listDeliveries(
    options: { status?: DeliveryStatus; limit?: number; after?: string } = {},
  ): Promise<DeadLetter[]> {
    const status = options.status ?? null;
    const rows = await this.sql`
      SELECT d.*, e.type AS event_type FROM sluice_deliveries d JOIN sluice_events e ON e.id = d.event_id
      WHERE (${status}::text IS NULL OR d.status = ${status}) AND d.id > ${
      Number(options.after ?? 0)
    }
      ORDER BY d.id LIMIT ${options.limit ?? 100}`;
    const ids = rows.map((r) => r.id as number);
    const attempts = ids.length
      ? await this
        .sql`SELECT * FROM sluice_attempts WHERE delivery_id = ANY(${ids}::bigint[]) ORDER BY at, id`
      : [];
    return rows.map((r) => ({
      ...deliveryFromRow(r as Row),
      eventType: r.event_type as string,
      history: attempts.filter((a) => a.delivery_id === r.id).map((a) => attemptFromRow(a as Row)),
    }));
  }

  async replayDeadLetters(ids: string[] | "all"): Promise<number> {
    const now = this.now();
    const rows = ids === "all"
      ? await this.sql`
        UPDATE sluice_deliveries SET status = 'pending', attempts = 0, next_at = ${now}, first_at = ${now},
          lease_owner = NULL, lease_until = 0, updated_at = ${now}
        WHERE status = 'dead' RETURNING id`
      : await this.sql`
        UPDATE sluice_deliveries SET status = 'pending', attempts = 0, next_at = ${now}, first_at = ${now},
          lease_owner = NULL, lease_until = 0, updated_at = ${now}
        WHERE status = 'dead' AND id = ANY(${
        ids.map(Number).filter(Number.isFinite)
      }::bigint[]) RETURNING id`;
    if (rows.length) await this.sql`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`;
    return rows.length;
  }

  async quarantine(entry: QuarantineEntry): Promise<string> {
    const now = this.now();
    const id = newEventId(now);
    await this.sql`INSERT INTO sluice_quarantine (id, source, reason, body, received_at)
                   VALUES (${id}, ${entry.source}, ${entry.reason}, ${entry.body}, ${now})`;
    return id;
  }

  async listQuarantine(
    options: { limit?: number; before?: string } = {},
  ): Promise<QuarantinedBody[]> {
    const rows = await this.sql`SELECT * FROM sluice_quarantine WHERE id < ${options.before ?? "~"}
                                ORDER BY id DESC LIMIT ${options.limit ?? 100}`;
    return rows.map((r) => quarantineFromRow(r as Row));
  }

  async listEvents(
    options: { type?: string; before?: number; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows = await this.sql`
      SELECT * FROM sluice_events WHERE received_at < ${before}
        ${options.type === undefined ? this.sql`` : this.sql`AND type = ${options.type}`}
      ORDER BY received_at DESC, id DESC LIMIT ${options.limit ?? 100}`;
    return rows.map((r) => eventFromRow(r as Row));
  }

  async getEvent(id: string): Promise<EventRecord | undefined> {
    const [row] = await this.sql`SELECT * FROM sluice_events WHERE id = ${id}`;
    if (!row) return undefined;
    const deliveries = await this
      .sql`SELECT * FROM sluice_deliveries WHERE event_id = ${id} ORDER BY id`;
    const ids = deliveries.map((d) => d.id as number);
    const attempts = ids.length
      ? await this
        .sql`SELECT * FROM sluice_attempts WHERE delivery_id = ANY(${ids}::bigint[]) ORDER BY at, id`
      : [];
    return {
      ...eventFromRow(row as Row),
      dispatchedAt: (row.dispatched_at as number | null) ?? undefined,
      decision: row.decision ? JSON.parse(row.decision as string) : undefined,
      deliveries: deliveries.map((d) => ({
        ...deliveryFromRow(d as Row),
        history: attempts.filter((a) => a.delivery_id === d.id).map((a) =>
          attemptFromRow(a as Row)
        ),
      })),
    };
  }

  async nextDueAt(): Promise<number | undefined> {
    const [row] = await this.sql`
      SELECT MIN(GREATEST(next_at, lease_until)) AS at FROM sluice_deliveries WHERE status = 'pending'`;
    return (row?.at as number | null) ?? undefined;
  }

  async stats(): Promise<StoreStats> {
    const [row] = await this.sql`
      SELECT (SELECT COUNT(*) FROM sluice_events WHERE dispatched_at IS NULL)::int AS pending_events,
             (SELECT COUNT(*) FROM sluice_deliveries WHERE status = 'pending')::int AS pending_deliveries,
             (SELECT COUNT(*) FROM sluice_deliveries WHERE status = 'dead')::int AS dead_letters`;
    return {
      pendingEvents: row.pending_events as number,
      pendingDeliveries: row.pending_deliveries as number,
      deadLetters: row.dead_letters as number,
    };
  }

  async prune(): Promise<void> {
    const now = this.now();
    const old = now - this.retentionMs;
    await this.sql.begin(async (tx) => {
      await tx`UPDATE sluice_events SET dedupe_key = NULL WHERE received_at < ${
        now - this.dedupeWindowMs
      } AND dedupe_key IS NOT NULL`;
      await tx`DELETE FROM sluice_attempts WHERE delivery_id IN (
                 SELECT id FROM sluice_deliveries WHERE status IN ('done', 'shadow') AND updated_at < ${old})`;
      await tx`DELETE FROM sluice_deliveries WHERE status IN ('done', 'shadow') AND updated_at < ${old}`;
      await tx`DELETE FROM sluice_events e WHERE dispatched_at IS NOT NULL AND received_at < ${old}
                 AND dedupe_key IS NULL AND NOT EXISTS (SELECT 1 FROM sluice_deliveries d WHERE d.event_id = e.id)`;
      await tx`DELETE FROM sluice_throttles WHERE until < ${now}`;
      await tx`DELETE FROM sluice_rate_limits WHERE next_at < ${now}`;
    });
  }

  /** Calls `fn` whenever deliveries may have become due on any replica; resolves to an unsubscribe. */
  async subscribe(fn: () => void): Promise<() => Promise<void>> {
    const { unlisten } = await this.sql.listen(DELIVERIES_CHANNEL, () => fn());
    return unlisten;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
