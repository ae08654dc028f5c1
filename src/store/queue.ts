/**
 * The delivery queue, once for every database: claims of due deliveries (with shared rate limits
 * and leases), the results of attempts in set-based batches, release at shutdown, the next due
 * time, and replay. A delivery claimed {@link MAX_UNFINISHED_CLAIMS} times without a recorded
 * result (its results could not be written, or its processes kept dying) is dead, not sent again.
 */
import type { Delivery, DeliveryResult } from "../delivery/model.ts";
import { afterAttempt } from "../delivery/state.ts";
import type { Column, Dialect, Tx } from "./driver.ts";
import { ATTEMPT_COLUMNS, names } from "./dispatch.ts";
import { deliveryFromRow } from "./rows.ts";
import { storableJson } from "./text.ts";

/** Claims without a recorded result after which a delivery is dead. */
export const MAX_UNFINISHED_CLAIMS = 5;

/** A delivery result waiting for its batch. */
export interface FinishRequest {
  id: string;
  owner: string;
  result: DeliveryResult;
}

const RESULT_COLUMNS: readonly Column[] = [
  ["id", "bigint"],
  ["owner", "text"],
  ["status", "text"],
  ["next_at", "bigint"],
  ["last_error", "text"],
];

/**
 * Leases up to `limit` due live deliveries, oldest due first. A delivery whose rate key was used
 * within its interval waits in the store (its `next_at` moves to the key's next slot).
 */
export async function claimDeliveries(
  tx: Tx,
  d: Dialect,
  owner: string,
  limit: number,
  leaseMs: number,
  now: number,
): Promise<Delivery[]> {
  const candidates = await tx.all(
    `SELECT * FROM sluice_deliveries ${d.indexedBy("sluice_deliveries_due")}
     WHERE status = 'pending' AND next_at <= $1 AND lease_until <= $1
     ORDER BY next_at LIMIT $2 ${d.skipLocked}`,
    [now, limit * 4],
  );
  const claimed: Delivery[] = [];
  const poisoned: Delivery[] = [];
  for (const row of candidates) {
    if (claimed.length >= limit) break;
    const delivery = deliveryFromRow(row);
    if ((row.claims as number) - delivery.attempts >= MAX_UNFINISHED_CLAIMS) {
      poisoned.push(delivery);
      continue;
    }
    if (delivery.rate && !(await takeRateSlot(tx, delivery, now))) continue;
    claimed.push(delivery);
  }
  if (claimed.length) {
    await tx.run(
      `UPDATE sluice_deliveries SET lease_owner = $1, lease_until = $2, claims = claims + 1
       WHERE ${d.inList("id", "$3", "bigint")}`,
      [owner, now + leaseMs, claimed.map((c) => Number(c.id))],
    );
  }
  for (const p of poisoned) await bury(tx, p, now);
  return claimed;
}

/** Takes the rate key's slot if it is free; otherwise moves the delivery to the key's next slot. */
async function takeRateSlot(tx: Tx, delivery: Delivery, now: number): Promise<boolean> {
  const { key, intervalMs } = delivery.rate!;
  const slot = await tx.all(
    `INSERT INTO sluice_rate_limits (key, next_at) VALUES ($1, $2)
     ON CONFLICT (key) DO UPDATE SET next_at = excluded.next_at
       WHERE sluice_rate_limits.next_at <= $3
     RETURNING key`,
    [key, now + intervalMs, now],
  );
  if (slot.length) return true;
  await tx.run(
    `UPDATE sluice_deliveries SET next_at = (SELECT next_at FROM sluice_rate_limits WHERE key = $1)
     WHERE id = $2`,
    [key, Number(delivery.id)],
  );
  return false;
}

/** A delivery that keeps being claimed without a result: dead, with the reason as its attempt. */
async function bury(tx: Tx, delivery: Delivery, now: number) {
  const error =
    `claimed ${MAX_UNFINISHED_CLAIMS} times without a recorded result (see the error log); not sent again`;
  await tx.run(
    `UPDATE sluice_deliveries SET status = 'dead', last_error = $1, lease_until = 0, updated_at = $2
     WHERE id = $3`,
    [error, now, Number(delivery.id)],
  );
  await tx.run(
    `INSERT INTO sluice_attempts (delivery_id, at, duration_ms, outcome, error)
     VALUES ($1, $2, 0, 'permanent', $3)`,
    [Number(delivery.id), now, error],
  );
}

/** Records results that arrived together: their attempts, and each delivery's next state. */
export async function finishMany(
  tx: Tx,
  d: Dialect,
  batch: FinishRequest[],
  now: number,
): Promise<void[]> {
  await tx.run(
    `INSERT INTO sluice_attempts (${names(ATTEMPT_COLUMNS)})
     SELECT ${names(ATTEMPT_COLUMNS)} FROM ${d.rows("$1", "a", ATTEMPT_COLUMNS)} WHERE true`,
    [storableJson(batch.map(({ id, result: { attempt: a } }) => ({
      delivery_id: Number(id),
      at: a.at,
      duration_ms: a.durationMs,
      outcome: a.outcome,
      status: a.status ?? null,
      error: a.error ?? null,
    })))],
  );
  await tx.run(
    `UPDATE sluice_deliveries SET status = u.status, attempts = attempts + 1, next_at = u.next_at,
       last_error = u.last_error, lease_owner = NULL, lease_until = 0, updated_at = $1
     FROM ${d.rows("$2", "u", RESULT_COLUMNS)}
     WHERE sluice_deliveries.id = u.id AND sluice_deliveries.lease_owner = u.owner
       AND sluice_deliveries.status = 'pending'`,
    [
      now,
      storableJson(batch.map(({ id, owner, result }) => {
        const next = afterAttempt(result, now);
        return {
          id: Number(id),
          owner,
          status: next.status,
          next_at: next.nextAt,
          last_error: next.lastError,
        };
      })),
    ],
  );
  return batch.map(() => undefined);
}

/** Gives leased deliveries back without counting an attempt or a claim (shutdown). */
export async function releaseDeliveries(tx: Tx, d: Dialect, ids: string[], owner: string) {
  await tx.run(
    `UPDATE sluice_deliveries SET lease_owner = NULL, lease_until = 0, claims = claims - 1
     WHERE ${d.inList("id", "$1", "bigint")} AND lease_owner = $2`,
    [ids.map(Number), owner],
  );
}

/** The earliest time a pending delivery can be claimed (due and not leased). */
export async function nextDueAt(tx: Tx): Promise<number | undefined> {
  const [row] = await tx.all(
    `SELECT MIN(CASE WHEN next_at > lease_until THEN next_at ELSE lease_until END) AS at
     FROM sluice_deliveries WHERE status = 'pending'`,
  );
  return (row?.at as number | null) ?? undefined;
}
