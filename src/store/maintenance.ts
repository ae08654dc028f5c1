/** Upkeep, once for every database: counts, pruning old work, taking back leases after a crash. */
import type { StoreStats } from "./roles.ts";
import type { Tx } from "./driver.ts";

/** Pending events and deliveries and dead letters, in one statement. */
export async function stats(tx: Tx): Promise<StoreStats> {
  const [row] = await tx.all(
    `SELECT (SELECT COUNT(*) FROM sluice_events WHERE dispatched_at IS NULL) AS pending_events,
       (SELECT COUNT(*) FROM sluice_deliveries WHERE status = 'pending') AS pending_deliveries,
       (SELECT COUNT(*) FROM sluice_deliveries WHERE status = 'dead') AS dead_letters`,
  );
  return {
    pendingEvents: Number(row.pending_events),
    pendingDeliveries: Number(row.pending_deliveries),
    deadLetters: Number(row.dead_letters),
  };
}

/**
 * Forgets dedupe ids older than the window, deletes finished deliveries (and their attempts and
 * events) older than the retention, and expired throttle windows and rate slots. Dead letters and
 * pending work are kept.
 */
export async function prune(tx: Tx, now: number, windowMs: number, retentionMs: number) {
  const old = now - retentionMs;
  await tx.run(
    `UPDATE sluice_events SET dedupe_key = NULL, body_key = NULL
     WHERE received_at < $1 AND (dedupe_key IS NOT NULL OR body_key IS NOT NULL)`,
    [now - windowMs],
  );
  await tx.run(
    `DELETE FROM sluice_attempts WHERE delivery_id IN (
       SELECT id FROM sluice_deliveries
       WHERE status IN ('done', 'shadow', 'discarded') AND updated_at < $1)`,
    [old],
  );
  await tx.run(
    "DELETE FROM sluice_deliveries WHERE status IN ('done', 'shadow', 'discarded') AND updated_at < $1",
    [old],
  );
  await tx.run(
    `DELETE FROM sluice_rule_outcomes WHERE at < $1 AND NOT EXISTS (
       SELECT 1 FROM sluice_deliveries d WHERE d.event_id = sluice_rule_outcomes.event_id)`,
    [old],
  );
  await tx.run(
    `DELETE FROM sluice_events WHERE dispatched_at IS NOT NULL AND received_at < $1
       AND dedupe_key IS NULL AND body_key IS NULL
       AND NOT EXISTS (SELECT 1 FROM sluice_deliveries d WHERE d.event_id = sluice_events.id)`,
    [old],
  );
  await tx.run("DELETE FROM sluice_throttles WHERE until < $1", [now]);
  await tx.run("DELETE FROM sluice_silences WHERE until < $1", [now - 86_400_000]);
  await tx.run("DELETE FROM sluice_threads WHERE at < $1", [old]);
  await tx.run("DELETE FROM sluice_rate_limits WHERE next_at < $1", [now]);
}

/** Makes every leased event and delivery claimable now (the one owner of an embedded store). */
export async function reclaimLeases(tx: Tx) {
  await tx.run("UPDATE sluice_events SET lease_until = 0 WHERE lease_until > 0");
  await tx.run("UPDATE sluice_deliveries SET lease_until = 0 WHERE lease_until > 0");
}
