/**
 * The shared store: PostgreSQL through `npm:postgres`, for several sluice replicas on one
 * database. Claims use `FOR UPDATE SKIP LOCKED` with lease expiry, so no delivery is run by two
 * replicas at once and a dead replica's work comes back; dedupe, throttle windows and rate limits
 * live in tables every replica shares; `LISTEN/NOTIFY` wakes idle executors. Migrations run at
 * start-up under an advisory lock, so replicas starting together do not race.
 */
import { setImmediate } from "node:timers";
import postgres from "postgres";
import { PostgresGroupCommit } from "./postgres_group_commit.ts";
import { newEventId } from "../event/id.ts";
import { postgresMigrations } from "./postgres_schema.ts";
import {
  attemptFromRow,
  deliveryFromRow,
  deliveryValues,
  eventFromRow,
  quarantineFromRow,
} from "./rows.ts";
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

const CHANNEL = "sluice_deliveries";
const MIGRATION_LOCK = 7_355_608;

type Sql = ReturnType<typeof postgres>;
type Tx = postgres.TransactionSql;

/** The columns of a new delivery, in the order of `deliveryValues`. */
const DELIVERY_COLUMNS = [
  "event_id",
  "rule",
  "action_index",
  "action_type",
  "idempotency_key",
  "mode",
  "params",
  "render_error",
  "retry",
  "timeout_ms",
  "rate_key",
  "rate_interval_ms",
  "status",
  "next_at",
  "first_at",
  "last_error",
  "updated_at",
] as const;

interface PendingFinish {
  id: string;
  owner: string;
  result: DeliveryResult;
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface PendingDispatch {
  eventId: string;
  plans: RulePlan[];
  decision?: Record<string, unknown>;
  resolve: (result: { throttled: string[] }) => void;
  reject: (error: unknown) => void;
}
type Row = Record<string, unknown>;

/** The PostgreSQL {@link Store}. */
export class PostgresStore implements Store {
  private readonly now: () => number;
  private readonly dedupeWindowMs: number;
  private readonly retentionMs: number;

  private readonly writes: PostgresGroupCommit;
  private dispatches: PendingDispatch[] = [];
  private finishes: PendingFinish[] = [];

  private constructor(private readonly sql: Sql, options: StoreOptions) {
    this.now = options.now ?? Date.now;
    this.dedupeWindowMs = options.dedupeWindowMs ?? SEVEN_DAYS_MS;
    this.retentionMs = options.retentionMs ?? SEVEN_DAYS_MS;
    this.writes = new PostgresGroupCommit(sql);
  }

  private write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.writes.write(fn);
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
      const id = await insert();
      if (id) return { id, duplicate: false, receivedAt: now };
      const [seen] = await tx`SELECT id, received_at FROM sluice_events WHERE dedupe_key = ${key}`;
      if (seen && (seen.received_at as number) >= now - this.dedupeWindowMs) {
        return { id: seen.id as string, duplicate: true, receivedAt: seen.received_at as number };
      }
      await tx`UPDATE sluice_events SET dedupe_key = NULL WHERE dedupe_key = ${key}`;
      return { id: (await insert())!, duplicate: false, receivedAt: now };
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
    return new Promise((resolve, reject) => {
      this.dispatches.push({ eventId, plans, decision, resolve, reject });
      if (this.dispatches.length === 1) {
        setImmediate(() => {
          const batch = this.dispatches.splice(0);
          this.write((tx) => this.dispatchMany(tx, batch)).then(
            (results) => batch.forEach((d, i) => d.resolve(results[i])),
            (e) => batch.forEach((d) => d.reject(e)),
          );
        });
      }
    });
  }

  private async dispatchMany(tx: Tx, batch: PendingDispatch[]): Promise<{ throttled: string[] }[]> {
    const now = this.now();
    const ids = batch.map((d) => d.eventId);
    // Without throttles (the common case) nothing can change a decision, so one UPDATE marks the
    // events and keeps their decisions; with throttles, the decisions are written afterwards.
    const throttles = batch.some((d) => d.plans.some((p) => p.throttle));
    const early = throttles
      ? undefined
      : batch.map(({ decision }) =>
        decision ? JSON.stringify({ ...decision, throttled: [] }) : null
      );
    const marked = new Set(
      (early
        ? await tx`
        UPDATE sluice_events e SET dispatched_at = ${now}, lease_until = 0, decision = u.decision
        FROM unnest(${ids}::text[], ${early}::text[]) AS u(id, decision)
        WHERE e.id = u.id AND e.dispatched_at IS NULL RETURNING e.id`
        : await tx`
        UPDATE sluice_events SET dispatched_at = ${now}, lease_until = 0
        WHERE id = ANY(${ids}::text[]) AND dispatched_at IS NULL RETURNING id`).map((r) =>
          r.id as string
        ),
    );
    const rows: Record<string, unknown>[] = [];
    const results: { throttled: string[] }[] = [];
    const decisions: { id: string; decision: string }[] = [];
    for (const { eventId, plans, decision } of batch) {
      const throttled: string[] = [];
      results.push({ throttled });
      if (!marked.has(eventId)) continue;
      marked.delete(eventId);
      for (const plan of plans) {
        if (plan.throttle) {
          const opened = await tx`
            INSERT INTO sluice_throttles (rule, key, until)
            VALUES (${plan.rule}, ${plan.throttle.key}, ${now + plan.throttle.perMs})
            ON CONFLICT (rule, key) DO UPDATE SET until = EXCLUDED.until WHERE sluice_throttles.until <= ${now}
            RETURNING rule`;
          if (opened.length === 0) {
            throttled.push(plan.rule);
            continue;
          }
        }
        for (const d of plan.deliveries) {
          const v = deliveryValues(eventId, d, now);
          rows.push(Object.fromEntries(DELIVERY_COLUMNS.map((c, k) => [c, v[k]])));
        }
      }
      if (decision && !early) {
        decisions.push({ id: eventId, decision: JSON.stringify({ ...decision, throttled }) });
      }
    }
    if (decisions.length) {
      await tx`
        UPDATE sluice_events e SET decision = u.decision
        FROM unnest(${decisions.map((d) => d.id)}::text[], ${
        decisions.map((d) => d.decision)
      }::text[])
          AS u(id, decision)
        WHERE e.id = u.id`;
    }
    if (rows.length === 0) return results;
    const inserted = await tx`
      INSERT INTO sluice_deliveries ${tx(rows, ...DELIVERY_COLUMNS)}
      ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, render_error`;
    const failed = inserted.filter((r) => r.render_error !== null)
      .map((r) => ({
        delivery_id: r.id,
        at: now,
        duration_ms: 0,
        outcome: "permanent",
        error: r.render_error,
      }));
    if (failed.length) {
      await tx`INSERT INTO sluice_attempts ${
        tx(failed, "delivery_id", "at", "duration_ms", "outcome", "error")
      }`;
    }
    if (inserted.length) await tx`SELECT pg_notify(${CHANNEL}, '')`;
    return results;
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
    });
  }

  /** Results arriving together are recorded by one multi-row INSERT and one UPDATE. */
  finishDelivery(id: string, owner: string, result: DeliveryResult): Promise<void> {
    return new Promise((resolve, reject) => {
      this.finishes.push({ id, owner, result, resolve, reject });
      if (this.finishes.length === 1) {
        setImmediate(() => {
          const batch = this.finishes.splice(0);
          this.write((tx) => this.finishMany(tx, batch)).then(
            () => batch.forEach((f) => f.resolve()),
            (e) => batch.forEach((f) => f.reject(e)),
          );
        });
      }
    });
  }

  private async finishMany(tx: Tx, batch: PendingFinish[]): Promise<void> {
    const now = this.now();
    const attempts = batch.map(({ id, result: { attempt: a } }) => ({
      delivery_id: Number(id),
      at: a.at,
      duration_ms: a.durationMs,
      outcome: a.outcome,
      status: a.status ?? null,
      error: a.error ?? null,
    }));
    await tx`INSERT INTO sluice_attempts ${
      tx(attempts, "delivery_id", "at", "duration_ms", "outcome", "status", "error")
    }`;
    const col = <T>(f: (x: PendingFinish) => T) => batch.map(f);
    await tx`
      UPDATE sluice_deliveries d SET status = u.status, attempts = d.attempts + 1, next_at = u.next_at,
        last_error = u.last_error, lease_owner = NULL, lease_until = 0, updated_at = ${now}
      FROM unnest(
        ${col((f) => Number(f.id))}::bigint[],
        ${col((f) => f.owner)}::text[],
        ${col((f) => (f.result.kind === "retry" ? "pending" : f.result.kind))}::text[],
        ${col((f) => String(f.result.kind === "retry" ? f.result.nextAt : now))}::bigint[],
        ${col((f) => f.result.attempt.error ?? null)}::text[]
      ) AS u(id, owner, status, next_at, last_error)
      WHERE d.id = u.id AND d.lease_owner = u.owner AND d.status = 'pending'`;
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
    if (rows.length) await this.sql`SELECT pg_notify(${CHANNEL}, '')`;
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
    const { unlisten } = await this.sql.listen(CHANNEL, () => fn());
    return unlisten;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}
