/**
 * Completing dispatches, once for every database: the dispatches that arrive together are written
 * by a few set-based statements (one marks every event with its decision, one creates every
 * delivery), throttle windows row by row. Each delivery starts in the state `delivery/state.ts`
 * gives it; one with a render error is dead at once with its attempt recorded.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import type { RulePlan } from "../delivery/model.ts";
import { initialState } from "../delivery/state.ts";
import type { Column, Dialect, Tx } from "./driver.ts";
import { DELIVERIES_CHANNEL } from "./schema.ts";
import { storableJson } from "./text.ts";

/** A dispatch waiting for its batch. */
export interface DispatchRequest {
  eventId: string;
  plans: RulePlan[];
  decision?: DecisionRecord;
}

const DECISION_COLUMNS: readonly Column[] = [["id", "text"], ["decision", "text"]];

/** The columns of a new delivery, in insert order. */
const DELIVERY_COLUMNS: readonly Column[] = [
  ["event_id", "text"],
  ["rule", "text"],
  ["action_index", "int"],
  ["action_type", "text"],
  ["idempotency_key", "text"],
  ["mode", "text"],
  ["params", "text"],
  ["render_error", "text"],
  ["retry", "text"],
  ["timeout_ms", "int"],
  ["rate_key", "text"],
  ["rate_interval_ms", "int"],
  ["status", "text"],
  ["attempts", "int"],
  ["next_at", "bigint"],
  ["first_at", "bigint"],
  ["last_error", "text"],
  ["updated_at", "bigint"],
];

const ATTEMPT_COLUMNS: readonly Column[] = [
  ["delivery_id", "bigint"],
  ["at", "bigint"],
  ["duration_ms", "int"],
  ["outcome", "text"],
  ["status", "int"],
  ["error", "text"],
];

const names = (columns: readonly Column[]) => columns.map(([n]) => n).join(", ");

/** Completes dispatches that arrived together; answers, per request, the rules throttled. */
export async function dispatchMany(
  tx: Tx,
  d: Dialect,
  batch: DispatchRequest[],
  now: number,
): Promise<{ throttled: string[] }[]> {
  // Without throttles (the common case) nothing can change a decision, so one UPDATE marks the
  // events and keeps their decisions; with throttles, the decisions are written afterwards.
  const throttles = batch.some((b) => b.plans.some((p) => p.throttle));
  const marked = new Set(
    (throttles
      ? await tx.all(
        `UPDATE sluice_events SET dispatched_at = $1, lease_until = 0
         WHERE ${d.inList("id", "$2", "text")} AND dispatched_at IS NULL RETURNING id`,
        [now, batch.map((b) => b.eventId)],
      )
      : await tx.all(
        `UPDATE sluice_events SET dispatched_at = $1, lease_until = 0, decision = u.decision
         FROM ${d.rows("$2", "u", DECISION_COLUMNS)}
         WHERE sluice_events.id = u.id AND sluice_events.dispatched_at IS NULL
         RETURNING sluice_events.id`,
        [
          now,
          storableJson(batch.map((b) => ({ id: b.eventId, decision: record(b.decision, []) }))),
        ],
      )).map((r) => r.id as string),
  );
  const results: { throttled: string[] }[] = [];
  const rows: Record<string, unknown>[] = [];
  const renderErrors = new Map<string, string>();
  const decisions: { id: string; decision: string | null }[] = [];
  for (const { eventId, plans, decision } of batch) {
    const throttled: string[] = [];
    results.push({ throttled });
    if (!marked.delete(eventId)) continue; // dispatched before: a repeat creates nothing
    for (const plan of plans) {
      if (plan.throttle && !(await openThrottle(tx, plan.rule, plan.throttle, now))) {
        throttled.push(plan.rule);
        continue;
      }
      for (const n of plan.deliveries) {
        const s = initialState(n, now);
        if (s.attempt) renderErrors.set(n.idempotencyKey, s.attempt.error!);
        rows.push({
          event_id: eventId,
          rule: n.rule,
          action_index: n.actionIndex,
          action_type: n.actionType,
          idempotency_key: n.idempotencyKey,
          mode: n.mode,
          params: n.params === null ? null : JSON.stringify(n.params),
          render_error: n.renderError ?? null,
          retry: JSON.stringify(n.retry),
          timeout_ms: n.timeoutMs,
          rate_key: n.rate?.key ?? null,
          rate_interval_ms: n.rate?.intervalMs ?? null,
          status: s.status,
          attempts: s.attempts,
          next_at: s.nextAt,
          first_at: s.firstAt,
          last_error: s.lastError,
          updated_at: now,
        });
      }
    }
    if (throttles) decisions.push({ id: eventId, decision: record(decision, throttled) });
  }
  if (decisions.length) {
    await tx.run(
      `UPDATE sluice_events SET decision = u.decision FROM ${d.rows("$1", "u", DECISION_COLUMNS)}
       WHERE sluice_events.id = u.id`,
      [storableJson(decisions)],
    );
  }
  if (rows.length === 0) return results;
  const inserted = await tx.all(
    `INSERT INTO sluice_deliveries (${names(DELIVERY_COLUMNS)})
     SELECT ${names(DELIVERY_COLUMNS)} FROM ${d.rows("$1", "x", DELIVERY_COLUMNS)} WHERE true
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key, status`,
    [storableJson(rows)],
  );
  const failed = inserted.filter((r) => renderErrors.has(r.idempotency_key as string));
  if (failed.length) {
    await tx.run(
      `INSERT INTO sluice_attempts (${names(ATTEMPT_COLUMNS)})
       SELECT ${names(ATTEMPT_COLUMNS)} FROM ${d.rows("$1", "a", ATTEMPT_COLUMNS)} WHERE true`,
      [storableJson(failed.map((r) => ({
        delivery_id: Number(r.id),
        at: now,
        duration_ms: 0,
        outcome: "permanent",
        status: null,
        error: renderErrors.get(r.idempotency_key as string),
      })))],
    );
  }
  if (inserted.some((r) => r.status === "pending")) await tx.notify(DELIVERIES_CHANNEL);
  return results;
}

/** Opens the rule's window for `key` unless one is open; false means throttled. */
async function openThrottle(
  tx: Tx,
  rule: string,
  throttle: { key: string; perMs: number },
  now: number,
): Promise<boolean> {
  const opened = await tx.all(
    `INSERT INTO sluice_throttles (rule, key, until) VALUES ($1, $2, $3)
     ON CONFLICT (rule, key) DO UPDATE SET until = excluded.until WHERE sluice_throttles.until <= $4
     RETURNING rule`,
    [rule, throttle.key, now + throttle.perMs, now],
  );
  return opened.length > 0;
}

function record(decision: DecisionRecord | undefined, throttled: string[]): string | null {
  return decision ? JSON.stringify({ ...decision, throttled }) : null;
}

export { ATTEMPT_COLUMNS, names };
