/**
 * The embedded store: SQLite through `node:sqlite`, WAL, `synchronous=FULL` (a write is on disk
 * before it is acknowledged) with group commit. One runtime process owns the file and, when it
 * starts, takes back every lease a crashed predecessor held ({@link SqliteStore.reclaimLeases});
 * CLI commands such as `dlq` may open it alongside.
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { newEventId } from "../event/id.ts";
import { GroupCommit } from "./group_commit.ts";
import { sqliteMigrations } from "./sqlite_schema.ts";
import {
  attemptFromRow,
  deliveryFromRow,
  deliveryValues,
  eventFromRow,
  quarantineFromRow,
} from "./rows.ts";
import {
  type DeadLetter,
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

/** The SQLite {@link Store}. */
export class SqliteStore implements Store {
  private readonly db: DatabaseSync;
  private readonly writes: GroupCommit;
  private readonly now: () => number;
  private readonly dedupeWindowMs: number;
  private readonly retentionMs: number;

  /** Opens (creating if needed) the database at `path`; `:memory:` for a throwaway one. */
  constructor(readonly path: string, options: StoreOptions = {}) {
    if (path !== ":memory:" && path.includes("/")) {
      Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    }
    this.db = new DatabaseSync(path);
    this.db.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000",
    );
    this.migrate();
    this.writes = new GroupCommit(this.db);
    this.now = options.now ?? Date.now;
    this.dedupeWindowMs = options.dedupeWindowMs ?? SEVEN_DAYS_MS;
    this.retentionMs = options.retentionMs ?? SEVEN_DAYS_MS;
  }

  /** Makes all leased work claimable now: for the runtime at start, never for a second process. */
  reclaimLeases(): Promise<void> {
    return this.writes.write(() => {
      this.db.exec("UPDATE events SET lease_until = 0 WHERE lease_until > 0");
      this.db.exec("UPDATE deliveries SET lease_until = 0 WHERE lease_until > 0");
    });
  }

  private migrate() {
    const version = (this.db.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version;
    for (let v = version; v < sqliteMigrations.length; v++) {
      this.db.exec("BEGIN");
      this.db.exec(sqliteMigrations[v]);
      this.db.exec(`PRAGMA user_version = ${v + 1}`);
      this.db.exec("COMMIT");
    }
  }

  private readonly statements = new Map<string, StatementSync>();

  /** A prepared statement, prepared once per connection. */
  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, statement = this.db.prepare(text));
    return statement;
  }

  putEvent(event: NewEvent, lease?: EventLease): Promise<PutResult> {
    return this.writes.write(() => {
      const now = this.now();
      const key = event.dedupeId === undefined ? null : `${event.source}:${event.dedupeId}`;
      const insert = () => {
        const id = newEventId(now);
        const { changes } = this.sql(
          `INSERT OR IGNORE INTO events
             (id, source, dedupe_key, type, body, meta, received_at, lease_owner, lease_until)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          id,
          event.source,
          key,
          event.type,
          event.body,
          event.meta ? JSON.stringify(event.meta) : null,
          now,
          lease?.owner ?? null,
          lease ? now + lease.ms : 0,
        );
        return changes ? id : undefined;
      };
      const id = insert();
      if (id) return { id, duplicate: false, receivedAt: now };
      // The dedupe id was seen: a duplicate inside the window, or an old id to forget.
      const seen = this.sql("SELECT id, received_at FROM events WHERE dedupe_key = ?").get(key)!;
      if ((seen.received_at as number) >= now - this.dedupeWindowMs) {
        return { id: seen.id as string, duplicate: true, receivedAt: seen.received_at as number };
      }
      this.sql("UPDATE events SET dedupe_key = NULL WHERE id = ?").run(seen.id as string);
      return { id: insert()!, duplicate: false, receivedAt: now };
    });
  }

  claimEvents(owner: string, limit: number, leaseMs: number) {
    return this.writes.write(() => {
      const now = this.now();
      return this.sql(
        `UPDATE events SET lease_owner = ?, lease_until = ? WHERE id IN (
           SELECT id FROM events WHERE dispatched_at IS NULL AND lease_until <= ?
           ORDER BY received_at LIMIT ?)
         RETURNING *`,
      ).all(owner, now + leaseMs, now, limit).map(eventFromRow)
        .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1));
    });
  }

  completeDispatch(eventId: string, plans: RulePlan[], decision?: Record<string, unknown>) {
    return this.writes.write(() => {
      const now = this.now();
      const throttled: string[] = [];
      const insert = this.sql(
        `INSERT OR IGNORE INTO deliveries (event_id, rule, action_index, action_type, idempotency_key,
           mode, params, render_error, retry, timeout_ms, rate_key, rate_interval_ms, status, next_at,
           first_at, last_error, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // Marking first makes a repeated dispatch of the same event a no-op in this transaction.
      const { changes } = this.sql(
        "UPDATE events SET dispatched_at = ?, lease_until = 0 WHERE id = ? AND dispatched_at IS NULL",
      ).run(now, eventId);
      if (!changes) return { throttled };
      for (const plan of plans) {
        if (plan.throttle) {
          const { key, perMs } = plan.throttle;
          const row = this.sql("SELECT until FROM throttles WHERE rule = ? AND key = ?").get(
            plan.rule,
            key,
          );
          if (row && (row.until as number) > now) {
            throttled.push(plan.rule);
            continue;
          }
          this.sql("INSERT OR REPLACE INTO throttles (rule, key, until) VALUES (?, ?, ?)")
            .run(plan.rule, key, now + perMs);
        }
        for (const d of plan.deliveries) {
          const values = deliveryValues(eventId, d, now);
          const { changes } = insert.run(...values);
          if (changes && d.renderError) {
            this.sql(
              "INSERT INTO attempts (delivery_id, at, duration_ms, outcome, error) SELECT id, ?, 0, 'permanent', ? FROM deliveries WHERE idempotency_key = ?",
            ).run(now, d.renderError, d.idempotencyKey);
          }
        }
      }
      if (decision) {
        this.sql("UPDATE events SET decision = ? WHERE id = ?")
          .run(JSON.stringify({ ...decision, throttled }), eventId);
      }
      return { throttled };
    });
  }

  claimDeliveries(owner: string, limit: number, leaseMs: number) {
    return this.writes.write(() => {
      const now = this.now();
      const candidates = this.sql(
        `SELECT * FROM deliveries WHERE status = 'pending' AND next_at <= ? AND lease_until <= ?
         ORDER BY next_at LIMIT ?`,
      ).all(now, now, limit * 4);
      const claimed = [];
      for (const row of candidates) {
        if (claimed.length >= limit) break;
        const key = row.rate_key as string | null;
        if (key !== null) {
          const slot = this.sql("SELECT next_at FROM rate_limits WHERE key = ?").get(key);
          if (slot && (slot.next_at as number) > now) {
            // Rate-limited: wait in the store until the key's next slot.
            this.sql("UPDATE deliveries SET next_at = ? WHERE id = ?").run(
              slot.next_at as number,
              row.id as number,
            );
            continue;
          }
          this.sql("INSERT OR REPLACE INTO rate_limits (key, next_at) VALUES (?, ?)")
            .run(key, now + (row.rate_interval_ms as number));
        }
        this.sql("UPDATE deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?")
          .run(owner, now + leaseMs, row.id as number);
        claimed.push(deliveryFromRow(row));
      }
      return claimed;
    });
  }

  finishDelivery(id: string, owner: string, result: DeliveryResult) {
    return this.writes.write(() => {
      const now = this.now();
      const a = result.attempt;
      this.sql(
        "INSERT INTO attempts (delivery_id, at, duration_ms, outcome, status, error) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(Number(id), a.at, a.durationMs, a.outcome, a.status ?? null, a.error ?? null);
      const status = result.kind === "retry" ? "pending" : result.kind;
      const nextAt = result.kind === "retry" ? result.nextAt : now;
      this.sql(
        `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_at = ?, last_error = ?,
           lease_owner = NULL, lease_until = 0, updated_at = ?
         WHERE id = ? AND lease_owner = ? AND status = 'pending'`,
      ).run(status, nextAt, a.error ?? null, now, Number(id), owner);
    });
  }

  releaseDeliveries(ids: string[], owner: string) {
    return this.writes.write(() => {
      const release = this.sql(
        "UPDATE deliveries SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?",
      );
      for (const id of ids) release.run(Number(id), owner);
    });
  }

  listDeadLetters(options: { limit?: number; after?: string } = {}): Promise<DeadLetter[]> {
    return this.listDeliveries({ ...options, status: "dead" });
  }

  listDeliveries(
    options: { status?: DeliveryStatus; limit?: number; after?: string } = {},
  ): Promise<DeadLetter[]> {
    const rows = this.sql(
      `SELECT d.*, e.type AS event_type FROM deliveries d JOIN events e ON e.id = d.event_id
       WHERE (? IS NULL OR d.status = ?) AND d.id > ? ORDER BY d.id LIMIT ?`,
    ).all(
      options.status ?? null,
      options.status ?? null,
      Number(options.after ?? 0),
      options.limit ?? 100,
    );
    const history = this.sql("SELECT * FROM attempts WHERE delivery_id = ? ORDER BY at, rowid");
    return Promise.resolve(rows.map((r) => ({
      ...deliveryFromRow(r),
      eventType: r.event_type as string,
      history: history.all(r.id as number).map(attemptFromRow),
    })));
  }

  replayDeadLetters(ids: string[] | "all") {
    return this.writes.write(() => {
      const now = this.now();
      const set = `status = 'pending', attempts = 0, next_at = ${now}, first_at = ${now},
        lease_owner = NULL, lease_until = 0, updated_at = ${now}`;
      if (ids === "all") {
        return Number(this.sql(`UPDATE deliveries SET ${set} WHERE status = 'dead'`).run().changes);
      }
      const one = this.sql(`UPDATE deliveries SET ${set} WHERE status = 'dead' AND id = ?`);
      return ids.reduce((n, id) => n + Number(one.run(Number(id)).changes), 0);
    });
  }

  quarantine(entry: QuarantineEntry) {
    return this.writes.write(() => {
      const id = newEventId(this.now());
      this.sql(
        "INSERT INTO quarantine (id, source, reason, body, received_at) VALUES (?, ?, ?, ?, ?)",
      )
        .run(id, entry.source, entry.reason, entry.body, this.now());
      return id;
    });
  }

  listQuarantine(options: { limit?: number; before?: string } = {}): Promise<QuarantinedBody[]> {
    const rows = this.sql(
      "SELECT * FROM quarantine WHERE id < ? ORDER BY id DESC LIMIT ?",
    ).all(options.before ?? "~", options.limit ?? 100);
    return Promise.resolve(rows.map(quarantineFromRow));
  }

  listEvents(
    options: { type?: string; before?: number; limit?: number } = {},
  ): Promise<StoredEvent[]> {
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const limit = options.limit ?? 100;
    const rows = options.type === undefined
      ? this.sql(
        "SELECT * FROM events WHERE received_at < ? ORDER BY received_at DESC, id DESC LIMIT ?",
      )
        .all(before, limit)
      : this.sql(
        "SELECT * FROM events WHERE type = ? AND received_at < ? ORDER BY received_at DESC, id DESC LIMIT ?",
      ).all(options.type, before, limit);
    return Promise.resolve(rows.map(eventFromRow));
  }

  getEvent(id: string): Promise<EventRecord | undefined> {
    const row = this.sql("SELECT * FROM events WHERE id = ?").get(id);
    if (!row) return Promise.resolve(undefined);
    const history = this.sql("SELECT * FROM attempts WHERE delivery_id = ? ORDER BY at, rowid");
    const deliveries = this.sql("SELECT * FROM deliveries WHERE event_id = ? ORDER BY id").all(id)
      .map((d) => ({
        ...deliveryFromRow(d),
        history: history.all(d.id as number).map(attemptFromRow),
      }));
    return Promise.resolve({
      ...eventFromRow(row),
      dispatchedAt: (row.dispatched_at as number | null) ?? undefined,
      decision: row.decision ? JSON.parse(row.decision as string) : undefined,
      deliveries,
    });
  }

  nextDueAt() {
    const row = this.sql(
      "SELECT MIN(MAX(next_at, lease_until)) AS at FROM deliveries WHERE status = 'pending'",
    )
      .get();
    return Promise.resolve((row?.at as number | null) ?? undefined);
  }

  stats(): Promise<StoreStats> {
    const count = (sql: string) => (this.sql(sql).get()!.n as number);
    return Promise.resolve({
      pendingEvents: count("SELECT COUNT(*) AS n FROM events WHERE dispatched_at IS NULL"),
      pendingDeliveries: count("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'"),
      deadLetters: count("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'dead'"),
    });
  }

  prune() {
    return this.writes.write(() => {
      const now = this.now();
      const old = now - this.retentionMs;
      this.sql(
        "UPDATE events SET dedupe_key = NULL WHERE received_at < ? AND dedupe_key IS NOT NULL",
      )
        .run(now - this.dedupeWindowMs);
      this.sql(
        `DELETE FROM attempts WHERE delivery_id IN (
           SELECT id FROM deliveries WHERE status IN ('done', 'shadow') AND updated_at < ?)`,
      ).run(old);
      this.sql("DELETE FROM deliveries WHERE status IN ('done', 'shadow') AND updated_at < ?").run(
        old,
      );
      this.sql(
        `DELETE FROM events WHERE dispatched_at IS NOT NULL AND received_at < ? AND dedupe_key IS NULL
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)`,
      ).run(old);
      this.sql("DELETE FROM throttles WHERE until < ?").run(now);
    });
  }

  close(): Promise<void> {
    this.writes.flush();
    this.db.close();
    return Promise.resolve();
  }
}
