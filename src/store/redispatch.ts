/**
 * Redispatch, once for every database: a stored event evaluated again under the current rules
 * converges with them under the same idempotency keys. A delivery already done (or pending) is
 * left alone, a dead one is rendered again and re-queued, a missing one is created. Throttle
 * windows do not apply: redispatch is an operator's explicit request.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import { decisionText } from "./decision_text.ts";
import type { RulePlan } from "../delivery/model.ts";
import type { Dialect, Tx } from "./driver.ts";
import {
  deliveryRow,
  eventOutcome,
  insertDeliveries,
  outcomeRows,
  recordOutcomes,
} from "./dispatch.ts";

/** What redispatch did with each (rule, action) that fires now, by idempotency key. */
export interface RedispatchResult {
  created: string[];
  requeued: string[];
  /** Left as they were, with their status (done, pending, shadow, discarded). */
  unchanged: { key: string; status: string }[];
}

/** Converges one event's deliveries with `plans`; undefined if there is no such event. */
export async function redispatchEvent(
  tx: Tx,
  d: Dialect,
  eventId: string,
  plans: readonly RulePlan[],
  decision: DecisionRecord,
  now: number,
): Promise<RedispatchResult | undefined> {
  const updated = await tx.run(
    `UPDATE sluice_events SET decision = $1, outcome = $2, dispatched_at = COALESCE(dispatched_at, $3),
       lease_until = 0 WHERE id = $4`,
    [
      decisionText(decision, []),
      eventOutcome({ plans: [...plans], decision }),
      now,
      eventId,
    ],
  );
  if (updated === 0) return undefined;
  await recordOutcomes(tx, d, outcomeRows(eventId, decision, plans, new Map(), now), true);
  const deliveries = plans.flatMap((p) => p.deliveries);
  const keys = deliveries.map((n) => n.idempotencyKey);
  const before = new Map(
    (keys.length
      ? await tx.all(
        `SELECT idempotency_key, status FROM sluice_deliveries
         WHERE ${d.inList("idempotency_key", "$1", "text")}`,
        [keys],
      )
      : []).map((r) => [r.idempotency_key as string, r.status as string]),
  );
  const renderErrors = new Map(
    deliveries.filter((n) => n.renderError !== undefined).map((
      n,
    ) => [n.idempotencyKey, n.renderError!]),
  );
  const written = await insertDeliveries(
    tx,
    d,
    deliveries.map((n) => deliveryRow(eventId, n, now)),
    renderErrors,
    now,
    true,
  );
  const result: RedispatchResult = { created: [], requeued: [], unchanged: [] };
  for (const key of keys) {
    const status = before.get(key);
    if (status === undefined) result.created.push(key);
    else if (written.has(key)) result.requeued.push(key);
    else result.unchanged.push({ key, status });
  }
  return result;
}
