/**
 * Completing dispatches, once for every database: the dispatches that arrive together are written
 * by a few set-based statements (one marks every event with its decision, one creates every
 * delivery), throttle windows row by row. Each delivery starts in the state `delivery/state.ts`
 * gives it; one with a render error is dead at once with its attempt recorded.
 */
import type { DecisionRecord, RuleDecision } from "../delivery/decision.ts";
import type { NewDelivery, RulePlan } from "../delivery/model.ts";
import { initialState } from "../delivery/state.ts";
import type { Column, Dialect, Tx } from "./driver.ts";
import { DELIVERIES_CHANNEL } from "./schema.ts";
import { decisionText } from "./decision_text.ts";
import { storableJson } from "./text.ts";

/** A dispatch waiting for its batch. */
export interface DispatchRequest {
  eventId: string;
  plans: RulePlan[];
  decision?: DecisionRecord;
}

const DECISION_COLUMNS: readonly Column[] = [["id", "text"], ["decision", "text"]];
const MARK_COLUMNS: readonly Column[] = [...DECISION_COLUMNS, ["outcome", "text"]];
const OUTCOME_COLUMNS: readonly Column[] = [
  ["event_id", "text"],
  ["rule", "text"],
  ["outcome", "text"],
  ["at", "bigint"],
];

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
  ["notes", "text"],
  ["env_refs", "int"],
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

/** What the store decided for an event beyond its plans: the rules throttled. */
export interface DispatchResult {
  throttled: string[];
}

/**
 * Completes dispatches that arrived together; answers, per request, the rules throttled. A rule
 * whose throttle window is open, that groups its events, or that a silence holds creates no
 * delivery now; the event's decision record says which window, group or silence it met.
 */
export async function dispatchMany(
  tx: Tx,
  d: Dialect,
  batch: DispatchRequest[],
  now: number,
): Promise<DispatchResult[]> {
  // One UPDATE marks the events with their outcome and decision; when a throttle or a group is
  // involved (rarer) the decisions are rewritten afterwards with what the store found.
  const marked = new Set(
    (await tx.all(
      `UPDATE sluice_events SET dispatched_at = $1, lease_until = 0, decision = u.decision,
         outcome = u.outcome
       FROM ${d.rows("$2", "u", MARK_COLUMNS)}
       WHERE sluice_events.id = u.id AND sluice_events.dispatched_at IS NULL
       RETURNING sluice_events.id`,
      [
        now,
        storableJson(batch.map((b) => ({
          id: b.eventId,
          decision: decisionText(b.decision, []),
          outcome: eventOutcome(b),
        }))),
      ],
    )).map((r) => r.id as string),
  );
  return createDispatched(tx, d, batch, marked, now);
}

/**
 * The writes of a dispatch after its event is marked dispatched (by {@link dispatchMany}, or by
 * the insert of an event stored already dispatched): throttle windows, groups, rule outcomes and
 * deliveries, for the requests whose event is in `marked` (a repeat creates nothing).
 */
export async function createDispatched(
  tx: Tx,
  d: Dialect,
  batch: readonly DispatchRequest[],
  marked: Set<string>,
  now: number,
): Promise<DispatchResult[]> {
  const outcomes: OutcomeRow[] = [];
  const results: DispatchResult[] = [];
  const rows: Record<string, unknown>[] = [];
  const renderErrors = new Map<string, string>();
  const decisions: { id: string; decision: string | null }[] = [];
  for (const { eventId, plans, decision } of batch) {
    const throttled: string[] = [];
    results.push({ throttled });
    if (!marked.delete(eventId)) continue; // dispatched before: a repeat creates nothing
    const noted = new Map<string, Partial<RuleDecision>>();
    const held = new Map<string, string>(); // rule → why nothing is sent now
    for (const plan of plans) {
      if (plan.silenced) {
        held.set(plan.rule, "silenced");
      } else if (plan.throttle) {
        const until = await throttleUntil(tx, plan.rule, plan.throttle, now);
        if (until !== undefined) {
          throttled.push(plan.rule);
          held.set(plan.rule, "throttled");
          noted.set(plan.rule, { throttle: { key: plan.throttle.key, until } });
        }
      } else if (plan.group) {
        held.set(plan.rule, "grouped");
        noted.set(plan.rule, { group: await joinGroup(tx, eventId, plan.rule, plan.group, now) });
      }
    }
    outcomes.push(...outcomeRows(eventId, decision, plans, held, now));
    for (const plan of plans) {
      if (held.has(plan.rule)) continue;
      for (const n of plan.deliveries) {
        if (n.renderError !== undefined) renderErrors.set(n.idempotencyKey, n.renderError);
        rows.push(deliveryRow(eventId, n, now));
      }
    }
    if (noted.size && decision) {
      const rules = decision.rules.map((r) => ({ ...r, ...noted.get(r.rule) }));
      decisions.push({ id: eventId, decision: decisionText({ ...decision, rules }, throttled) });
    }
  }
  await recordOutcomes(tx, d, outcomes, false);
  if (decisions.length) {
    await tx.run(
      `UPDATE sluice_events SET decision = u.decision FROM ${d.rows("$1", "u", DECISION_COLUMNS)}
       WHERE sluice_events.id = u.id`,
      [storableJson(decisions)],
    );
  }
  await insertDeliveries(tx, d, rows, renderErrors, now, false);
  return results;
}

/** Adds the event to the rule's open group for `key`, opening one (first send `waitMs` away). */
async function joinGroup(
  tx: Tx,
  eventId: string,
  rule: string,
  group: { key: string; waitMs: number },
  now: number,
): Promise<{ id: string; key: string; send_at: number }> {
  const [row] = await tx.all(
    `INSERT INTO sluice_groups (rule, key, opened_at, next_send_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (rule, key) DO UPDATE SET rule = excluded.rule
     RETURNING id, next_send_at`,
    [rule, group.key, now, now + group.waitMs],
  );
  await tx.run(
    `INSERT INTO sluice_group_events (group_id, event_id, at) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [Number(row.id), eventId, now],
  );
  return { id: String(row.id), key: group.key, send_at: Number(row.next_send_at) };
}

/** The row of a new delivery, in the state `delivery/state.ts` starts it in. */
export function deliveryRow(eventId: string, n: NewDelivery, now: number): Record<string, unknown> {
  const s = initialState(n, now);
  return {
    event_id: eventId,
    rule: n.rule,
    action_index: n.actionIndex,
    action_type: n.actionType,
    idempotency_key: n.idempotencyKey,
    mode: n.mode,
    params: n.params === null ? null : JSON.stringify(n.params),
    render_error: n.renderError ?? null,
    notes: n.notes?.length ? JSON.stringify(n.notes) : null,
    env_refs: n.envRefs ? 1 : 0,
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
  };
}

/**
 * Inserts delivery rows once per idempotency key; with `revive`, a dead one with the same key
 * takes the new row's state (rendered again, re-queued). A row whose render failed gets its
 * permanent attempt. Returns the keys written; wakes executors when any is pending.
 */
export async function insertDeliveries(
  tx: Tx,
  d: Dialect,
  rows: Record<string, unknown>[],
  renderErrors: ReadonlyMap<string, string>,
  now: number,
  revive: boolean,
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const conflict = revive
    ? `DO UPDATE SET params = excluded.params, render_error = excluded.render_error,
         notes = excluded.notes, env_refs = excluded.env_refs,
         status = excluded.status, attempts = 0, next_at = excluded.next_at,
         first_at = excluded.first_at, last_error = excluded.last_error, lease_owner = NULL,
         lease_until = 0, claims = 0, updated_at = excluded.updated_at
       WHERE sluice_deliveries.status = 'dead'`
    : "DO NOTHING";
  const written = await tx.all(
    `INSERT INTO sluice_deliveries (${names(DELIVERY_COLUMNS)})
     SELECT ${names(DELIVERY_COLUMNS)} FROM ${d.rows("$1", "x", DELIVERY_COLUMNS)} WHERE true
     ON CONFLICT (idempotency_key) ${conflict} RETURNING id, idempotency_key, status`,
    [storableJson(rows)],
  );
  const failed = written.filter((r) => renderErrors.has(r.idempotency_key as string));
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
  if (written.some((r) => r.status === "pending")) await tx.notify(DELIVERIES_CHANNEL);
  return new Set(written.map((r) => r.idempotency_key as string));
}

/** Opens the rule's window for `key` unless one is open; answers when an open one ends. */
async function throttleUntil(
  tx: Tx,
  rule: string,
  throttle: { key: string; perMs: number },
  now: number,
): Promise<number | undefined> {
  const opened = await tx.all(
    `INSERT INTO sluice_throttles (rule, key, until) VALUES ($1, $2, $3)
     ON CONFLICT (rule, key) DO UPDATE SET until = excluded.until WHERE sluice_throttles.until <= $4
     RETURNING rule`,
    [rule, throttle.key, now + throttle.perMs, now],
  );
  if (opened.length > 0) return undefined;
  const [open] = await tx.all("SELECT until FROM sluice_throttles WHERE rule = $1 AND key = $2", [
    rule,
    throttle.key,
  ]);
  return Number(open?.until ?? now);
}

/** What one rule did for one event: fired, throttled, grouped, silenced or error. */
export interface OutcomeRow {
  event_id: string;
  rule: string;
  outcome: string;
  at: number;
}

/** The rule outcomes of one dispatched event; `held` says which rules sent nothing, and why. */
export function outcomeRows(
  eventId: string,
  decision: DecisionRecord | undefined,
  plans: readonly RulePlan[],
  held: ReadonlyMap<string, string>,
  now: number,
): OutcomeRow[] {
  const rows: OutcomeRow[] = [];
  const row = (rule: string, outcome: string) =>
    rows.push({ event_id: eventId, rule, outcome, at: now });
  for (const r of decision?.rules ?? []) if (r.error !== undefined) row(r.rule, "error");
  for (const plan of plans) {
    const failed = plan.deliveries.some((n) => n.renderError !== undefined);
    row(plan.rule, held.get(plan.rule) ?? (failed ? "error" : "fired"));
  }
  return rows;
}

/** Records rule outcomes; with `replace`, a rule's earlier outcome for the event is replaced. */
export async function recordOutcomes(
  tx: Tx,
  d: Dialect,
  rows: readonly OutcomeRow[],
  replace: boolean,
): Promise<void> {
  if (rows.length === 0) return;
  await tx.run(
    `INSERT INTO sluice_rule_outcomes (${names(OUTCOME_COLUMNS)})
     SELECT ${names(OUTCOME_COLUMNS)} FROM ${d.rows("$1", "o", OUTCOME_COLUMNS)} WHERE true
     ON CONFLICT (event_id, rule) ${
      replace ? "DO UPDATE SET outcome = excluded.outcome, at = excluded.at" : "DO NOTHING"
    }`,
    [storableJson(rows)],
  );
}

/** An event's outcome: `error` if a rule failed, `matched` if a rule fired, else `unmatched`. */
export function eventOutcome(
  b: Pick<DispatchRequest, "plans" | "decision">,
): "matched" | "unmatched" | "error" {
  const failed = (b.decision?.rules ?? []).some((r) => r.error !== undefined) ||
    b.plans.some((p) => p.deliveries.some((n) => n.renderError !== undefined));
  return failed ? "error" : b.plans.length ? "matched" : "unmatched";
}

export { ATTEMPT_COLUMNS, names };
