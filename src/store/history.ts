/**
 * Reading back what happened, once for every database: events (searched by type, sender id, rule,
 * outcome, time), deliveries with attempts, quarantine, and what each rule did.
 */
import type { DeliveryRecord, DeliveryStatus } from "../delivery/model.ts";
import type {
  EventFilter,
  EventOutcome,
  EventRecord,
  EventSummary,
  QuarantinedBody,
  StoredEvent,
} from "../inbox/model.ts";
import { firstEventIdAt } from "../event/id.ts";
import type { RuleCounts } from "./roles.ts";
import type { Dialect, Row, Tx } from "./driver.ts";
import { decisionFromText } from "./decision_text.ts";
import { senderIdIs, senderKeys } from "./events.ts";
import { attemptFromRow, deliveryFromRow, eventFromRow, quarantineFromRow } from "./rows.ts";

/** `text` as a LIKE pattern matching itself literally (`\` escapes). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Events newest first (by id, which sorts by time), matching every part of `filter`. */
export async function listEvents(
  tx: Tx,
  d: Dialect,
  filter: EventFilter,
): Promise<EventSummary[]> {
  const params: unknown[] = [filter.limit ?? 100];
  const where: string[] = [];
  const add = (sql: (...n: string[]) => string, ...values: unknown[]) => {
    const n = values.map((v) => `$${params.push(v)}`);
    where.push(sql(...n));
  };
  if (filter.type !== undefined) {
    if (filter.type.includes("*")) {
      add((n) => `type LIKE ${n} ESCAPE '\\'`, filter.type.split("*").map(likeLiteral).join("%"));
    } else add((n) => `type = ${n}`, filter.type);
  }
  if (filter.senderId !== undefined) {
    add((id, keys) => senderIdIs(d, id, keys), filter.senderId, senderKeys(filter.senderId));
  }
  if (filter.before !== undefined) add((n) => `id < ${n}`, filter.before);
  if (filter.since !== undefined) add((n) => `received_at >= ${n}`, filter.since);
  if (filter.rule !== undefined) {
    add(
      (n) =>
        `EXISTS (SELECT 1 FROM sluice_rule_outcomes r WHERE r.event_id = e.id AND r.rule = ${n})`,
      filter.rule,
    );
  }
  if (filter.outcome === "dead") {
    where.push(
      "EXISTS (SELECT 1 FROM sluice_deliveries x WHERE x.event_id = e.id AND x.status = 'dead')",
    );
  } else if (filter.outcome !== undefined) add((n) => `outcome = ${n}`, filter.outcome);
  const rows = await tx.all(
    `SELECT e.*, EXISTS (SELECT 1 FROM sluice_deliveries x WHERE x.event_id = e.id
       AND x.status = 'dead') AS has_dead
     FROM sluice_events e ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
     ORDER BY id DESC LIMIT $1`,
    params,
  );
  const fired = new Map<string, string[]>();
  if (rows.length) {
    const outcomes = await tx.all(
      `SELECT event_id, rule FROM sluice_rule_outcomes
       WHERE ${d.inList("event_id", "$1", "text")} AND outcome = 'fired' ORDER BY rule`,
      [rows.map((r) => r.id)],
    );
    for (const o of outcomes) {
      const list = fired.get(o.event_id as string) ?? [];
      list.push(o.rule as string);
      fired.set(o.event_id as string, list);
    }
  }
  return rows.map((r) => ({
    ...eventFromRow(r),
    ...summaryFields(r),
    rules: fired.get(r.id as string) ?? [],
  }));
}

function summaryFields(r: Row) {
  const dead = r.has_dead === true || r.has_dead === 1;
  return {
    ...(r.sender_id === null ? {} : { senderId: r.sender_id as string }),
    ...(r.dispatched_at === null ? {} : { dispatchedAt: r.dispatched_at as number }),
    ...(dead
      ? { outcome: "dead" as const }
      : r.outcome === null
      ? {}
      : { outcome: r.outcome as EventOutcome }),
  };
}

/**
 * Stored events received at or after `since`, newest first, older than the id `before`: only
 * what evaluating them needs (for `sluice diff`, which pages through a whole window).
 */
export async function scanEvents(
  tx: Tx,
  since: number,
  before: string | undefined,
  limit: number,
): Promise<StoredEvent[]> {
  const rows = await tx.all(
    `SELECT id, source, type, body, received_at FROM sluice_events
     WHERE received_at >= $1 ${before === undefined ? "" : "AND id < $3"}
     ORDER BY id DESC LIMIT $2`,
    before === undefined ? [since, limit] : [since, limit, before],
  );
  return rows.map(eventFromRow);
}

/**
 * Events received since `since`, counted per minute (epoch minute) and outcome (`pending` before
 * dispatch). Bounded by the time-ordered id, so it reads the primary key's range, not the table.
 */
export async function eventsPerMinute(
  tx: Tx,
  since: number,
): Promise<{ minute: number; outcome: string; count: number }[]> {
  const rows = await tx.all(
    `SELECT received_at / 60000 AS minute, COALESCE(outcome, 'pending') AS outcome, COUNT(*) AS n
     FROM sluice_events WHERE id >= $1 AND received_at >= $2 GROUP BY 1, 2 ORDER BY 1, 2`,
    [firstEventIdAt(since), since],
  );
  return rows.map((r) => ({
    minute: Number(r.minute),
    outcome: r.outcome as string,
    count: Number(r.n),
  }));
}

/** One event, by sluice's id or (the newest with) the sender's id, with deliveries and attempts. */
export async function getEvent(tx: Tx, d: Dialect, id: string): Promise<EventRecord | undefined> {
  const [row] = await tx.all(
    `SELECT e.*, EXISTS (SELECT 1 FROM sluice_deliveries x WHERE x.event_id = e.id
       AND x.status = 'dead') AS has_dead
     FROM sluice_events e WHERE id = $1 OR ${senderIdIs(d, "$1", "$2")}
     ORDER BY (id = $1) DESC, id DESC LIMIT 1`,
    [id, senderKeys(id)],
  );
  if (!row) return undefined;
  const deliveries = await tx.all(
    "SELECT * FROM sluice_deliveries WHERE event_id = $1 ORDER BY id",
    [row.id],
  );
  const history = await attemptsOf(tx, d, deliveries);
  const { dispatchedAt: _, ...summary } = summaryFields(row);
  return {
    ...eventFromRow(row),
    ...summary,
    dispatchedAt: (row.dispatched_at as number | null) ?? undefined,
    decision: row.decision ? decisionFromText(row.decision as string) : undefined,
    deliveries: deliveries.map((r) => ({
      ...deliveryFromRow(r),
      history: history.get(Number(r.id)) ?? [],
    })),
  };
}

/** What each rule did over the kept history: fired, errors, throttled, silenced; last fired. */
export async function ruleCounts(tx: Tx): Promise<RuleCounts[]> {
  const rows = await tx.all(
    `SELECT rule, outcome, COUNT(*) AS n, MAX(at) AS last FROM sluice_rule_outcomes
     GROUP BY rule, outcome ORDER BY rule`,
  );
  const byRule = new Map<string, RuleCounts>();
  for (const r of rows) {
    const rule = r.rule as string;
    let c = byRule.get(rule);
    if (!c) {
      byRule.set(rule, c = { rule, fired: 0, errors: 0, throttled: 0, silenced: 0, grouped: 0 });
    }
    const n = Number(r.n);
    if (r.outcome === "fired") {
      c.fired = n;
      c.lastFiredAt = Number(r.last);
    } else if (r.outcome === "error") c.errors = n;
    else if (r.outcome === "throttled") c.throttled = n;
    else if (r.outcome === "silenced") c.silenced = n;
    else if (r.outcome === "grouped") c.grouped = n;
  }
  return [...byRule.values()];
}

/** A condition on deliveries (`d.`) with its parameter, added by dead-letter filters. */
export interface DeliveryCondition {
  sql: (param: string) => string;
  value: unknown;
}

/** Deliveries oldest first, optionally in one status, after the id `after`, with attempts. */
export async function listDeliveries(
  tx: Tx,
  d: Dialect,
  options: { status?: DeliveryStatus; limit?: number; after?: string },
  conditions: readonly DeliveryCondition[] = [],
): Promise<DeliveryRecord[]> {
  const params: unknown[] = [Number(options.after ?? 0) || 0, options.limit ?? 100];
  const where = ["d.id > $1"];
  const add = (c: DeliveryCondition) => {
    params.push(c.value);
    where.push(c.sql(`$${params.length}`));
  };
  if (options.status !== undefined) add({ sql: (n) => `d.status = ${n}`, value: options.status });
  for (const c of conditions) add(c);
  const rows = await tx.all(
    `SELECT d.*, e.type AS event_type FROM sluice_deliveries d
     JOIN sluice_events e ON e.id = d.event_id
     WHERE ${where.join(" AND ")} ORDER BY d.id LIMIT $2`,
    params,
  );
  const history = await attemptsOf(tx, d, rows);
  return rows.map((r) => ({
    ...deliveryFromRow(r),
    eventType: r.event_type as string,
    history: history.get(Number(r.id)) ?? [],
  }));
}

/** Quarantined bodies, newest first, older than the id `before`. */
export async function listQuarantine(
  tx: Tx,
  options: { limit?: number; before?: string },
): Promise<QuarantinedBody[]> {
  const rows = await tx.all(
    "SELECT * FROM sluice_quarantine WHERE id < $1 ORDER BY id DESC LIMIT $2",
    [options.before ?? "~", options.limit ?? 100],
  );
  return rows.map(quarantineFromRow);
}

/** The attempts of the given delivery rows, by delivery id, oldest first. */
async function attemptsOf(tx: Tx, d: Dialect, deliveries: Row[]) {
  const byDelivery = new Map<number, ReturnType<typeof attemptFromRow>[]>();
  if (deliveries.length === 0) return byDelivery;
  const rows = await tx.all(
    `SELECT * FROM sluice_attempts WHERE ${d.inList("delivery_id", "$1", "bigint")}
     ORDER BY at, id`,
    [deliveries.map((r) => Number(r.id))],
  );
  for (const r of rows) {
    const id = Number(r.delivery_id);
    let list = byDelivery.get(id);
    if (!list) byDelivery.set(id, list = []);
    list.push(attemptFromRow(r));
  }
  return byDelivery;
}
