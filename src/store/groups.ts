/**
 * Groups, once for every database: the events a grouping rule collected per key, sent together as
 * Alertmanager sends alerts. A group is due `wait` after its first event, then every `interval`
 * while events keep coming; due with nothing new, it closes. Claims take a lease, so on a shared
 * store one replica sends each group, and a send's deliveries, the events it took and the next due
 * time are written in one transaction, so a crash neither loses an event nor sends one twice.
 */
import type { NewDelivery } from "../delivery/model.ts";
import type { Dialect, Tx } from "./driver.ts";
import { deliveryRow, insertDeliveries } from "./dispatch.ts";

/** A group due to send, with the events collected since its last send. */
export interface DueGroup {
  id: string;
  rule: string;
  key: string;
  /** Sends made before this one. */
  sends: number;
  /** Events collected since the last send. */
  count: number;
  firstAt: number;
  lastAt: number;
  /** The newest of them (at most the `maxEvents` asked for), newest first, with their bodies. */
  events: { id: string; body: string; type: string; source: string; receivedAt: number }[];
  /** Every event collected since the last send (the send takes exactly these). */
  pending: string[];
}

/** One send of a group: its deliveries, and when the group is due next. */
export interface GroupSend {
  groupId: string;
  owner: string;
  deliveries: NewDelivery[];
  /** The newest event of the send: its deliveries belong to it. */
  eventId: string;
  /** The events this send took (those collected after the claim wait for the next send). */
  pending: string[];
  nextSendAt: number;
}

/** Leases due groups; closes those due with nothing new. */
export async function claimDueGroups(
  tx: Tx,
  d: Dialect,
  owner: string,
  limit: number,
  leaseMs: number,
  maxEvents: number,
  now: number,
): Promise<DueGroup[]> {
  const due = await tx.all(
    `SELECT id, rule, key, sends FROM sluice_groups
     WHERE next_send_at <= $1 AND lease_until <= $1 ORDER BY next_send_at LIMIT $2 ${d.skipLocked}`,
    [now, limit],
  );
  const out: DueGroup[] = [];
  for (const g of due) {
    const id = Number(g.id);
    const [summary] = await tx.all(
      `SELECT COUNT(*) AS n, MIN(at) AS first_at, MAX(at) AS last_at FROM sluice_group_events
       WHERE group_id = $1 AND send_no IS NULL`,
      [id],
    );
    if (Number(summary.n) === 0) {
      await closeGroup(tx, String(id));
      continue;
    }
    await tx.run("UPDATE sluice_groups SET lease_owner = $1, lease_until = $2 WHERE id = $3", [
      owner,
      now + leaseMs,
      id,
    ]);
    const events = await tx.all(
      `SELECT e.id, e.body, e.type, e.source, e.received_at FROM sluice_group_events g
       JOIN sluice_events e ON e.id = g.event_id
       WHERE g.group_id = $1 AND g.send_no IS NULL ORDER BY g.at DESC, g.event_id DESC LIMIT $2`,
      [id, maxEvents],
    );
    const pending = await tx.all(
      "SELECT event_id FROM sluice_group_events WHERE group_id = $1 AND send_no IS NULL",
      [id],
    );
    out.push({
      id: String(id),
      pending: pending.map((p) => p.event_id as string),
      rule: g.rule as string,
      key: g.key as string,
      sends: Number(g.sends),
      count: Number(summary.n),
      firstAt: Number(summary.first_at),
      lastAt: Number(summary.last_at),
      events: events.map((e) => ({
        id: e.id as string,
        body: e.body as string,
        type: e.type as string,
        source: e.source as string,
        receivedAt: Number(e.received_at),
      })),
    });
  }
  return out;
}

/** Records one send: the events it took, its deliveries, the next due time; releases the lease. */
export async function completeGroupSend(tx: Tx, d: Dialect, send: GroupSend, now: number) {
  const id = Number(send.groupId);
  const [g] = await tx.all(
    `UPDATE sluice_groups SET sends = sends + 1, next_send_at = $1, lease_owner = NULL,
       lease_until = 0 WHERE id = $2 AND lease_owner = $3 RETURNING sends`,
    [send.nextSendAt, id, send.owner],
  );
  if (!g) return false; // the lease was lost: another process sends this group
  await tx.run(
    `UPDATE sluice_group_events SET send_no = $1
     WHERE group_id = $2 AND send_no IS NULL AND ${d.inList("event_id", "$3", "text")}`,
    [Number(g.sends), id, send.pending],
  );
  const renderErrors = new Map(
    send.deliveries.filter((n) => n.renderError !== undefined).map((n) => [
      n.idempotencyKey,
      n.renderError!,
    ]),
  );
  await insertDeliveries(
    tx,
    d,
    send.deliveries.map((n) => deliveryRow(send.eventId, n, now)),
    renderErrors,
    now,
    false,
  );
  return true;
}

/** Closes a group: a new event for its key opens a new one. */
export async function closeGroup(tx: Tx, id: string) {
  await tx.run("DELETE FROM sluice_group_events WHERE group_id = $1", [Number(id)]);
  await tx.run("DELETE FROM sluice_groups WHERE id = $1", [Number(id)]);
}

/** The groups open now, by rule (the console and `/admin/rules/:name`). */
export async function listGroups(tx: Tx, rule?: string) {
  const rows = await tx.all(
    `SELECT g.id, g.rule, g.key, g.opened_at, g.next_send_at, g.sends,
       (SELECT COUNT(*) FROM sluice_group_events x WHERE x.group_id = g.id AND x.send_no IS NULL)
         AS pending
     FROM sluice_groups g ${rule === undefined ? "" : "WHERE g.rule = $1"} ORDER BY g.id`,
    rule === undefined ? [] : [rule],
  );
  return rows.map((r) => ({
    id: String(r.id),
    rule: r.rule as string,
    key: r.key as string,
    openedAt: Number(r.opened_at),
    nextSendAt: Number(r.next_send_at),
    sends: Number(r.sends),
    pending: Number(r.pending),
  }));
}
