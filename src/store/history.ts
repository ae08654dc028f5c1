/** Reading back what happened, once for every database: events, deliveries with attempts, quarantine. */
import type { DeliveryRecord, DeliveryStatus } from "../delivery/model.ts";
import type { EventRecord, QuarantinedBody, StoredEvent } from "../inbox/model.ts";
import type { Dialect, Row, Tx } from "./driver.ts";
import { attemptFromRow, deliveryFromRow, eventFromRow, quarantineFromRow } from "./rows.ts";

/** Events newest first, optionally of one type, received before `before` (ms). */
export async function listEvents(
  tx: Tx,
  options: { type?: string; before?: number; limit?: number },
): Promise<StoredEvent[]> {
  const params: unknown[] = [options.before ?? Number.MAX_SAFE_INTEGER, options.limit ?? 100];
  let where = "received_at < $1";
  if (options.type !== undefined) {
    params.push(options.type);
    where += " AND type = $3";
  }
  const rows = await tx.all(
    `SELECT * FROM sluice_events WHERE ${where} ORDER BY received_at DESC, id DESC LIMIT $2`,
    params,
  );
  return rows.map(eventFromRow);
}

/** One event with its deliveries and their attempts. */
export async function getEvent(tx: Tx, d: Dialect, id: string): Promise<EventRecord | undefined> {
  const [row] = await tx.all("SELECT * FROM sluice_events WHERE id = $1", [id]);
  if (!row) return undefined;
  const deliveries = await tx.all(
    "SELECT * FROM sluice_deliveries WHERE event_id = $1 ORDER BY id",
    [id],
  );
  const history = await attemptsOf(tx, d, deliveries);
  return {
    ...eventFromRow(row),
    dispatchedAt: (row.dispatched_at as number | null) ?? undefined,
    decision: row.decision ? JSON.parse(row.decision as string) : undefined,
    deliveries: deliveries.map((r) => ({
      ...deliveryFromRow(r),
      history: history.get(Number(r.id)) ?? [],
    })),
  };
}

/** Deliveries oldest first, optionally in one status, after the id `after`, with attempts. */
export async function listDeliveries(
  tx: Tx,
  d: Dialect,
  options: { status?: DeliveryStatus; limit?: number; after?: string },
): Promise<DeliveryRecord[]> {
  const params: unknown[] = [Number(options.after ?? 0) || 0, options.limit ?? 100];
  let where = "d.id > $1";
  if (options.status !== undefined) {
    params.push(options.status);
    where += " AND d.status = $3";
  }
  const rows = await tx.all(
    `SELECT d.*, e.type AS event_type FROM sluice_deliveries d
     JOIN sluice_events e ON e.id = d.event_id
     WHERE ${where} ORDER BY d.id LIMIT $2`,
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
