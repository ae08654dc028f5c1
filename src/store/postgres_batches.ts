/**
 * The PostgreSQL store's batched writes: dispatches and delivery results that arrive in the same
 * turn of the event loop are written together, in set-based statements, by one group-commit
 * transaction ({@link SameTurnBatch} collects them).
 */
import { setImmediate } from "node:timers";
import type postgres from "postgres";
import { deliveryValues } from "./rows.ts";
import { DELIVERIES_CHANNEL } from "./postgres_schema.ts";
import type { DeliveryResult, RulePlan } from "./store.ts";

type Tx = postgres.TransactionSql;

/** A dispatch waiting for its batch. */
export interface DispatchRequest {
  eventId: string;
  plans: RulePlan[];
  decision?: Record<string, unknown>;
}

/** A delivery result waiting for its batch. */
export interface FinishRequest {
  id: string;
  owner: string;
  result: DeliveryResult;
}

/**
 * Calls made in the same turn of the event loop, run as one batch: `run` gets every input and
 * answers one output per input, in order; if it fails, every call fails with its error.
 */
export class SameTurnBatch<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly run: (batch: I[]) => Promise<O[]>) {}

  /** Adds `input` to the batch of this turn; resolves with its output. */
  add(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush() {
    const batch = this.pending.splice(0);
    this.run(batch.map((p) => p.input)).then(
      (outputs) => batch.forEach((p, i) => p.resolve(outputs[i])),
      (e) => batch.forEach((p) => p.reject(e)),
    );
  }
}

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

/**
 * Completes dispatches that arrived together: marks every event, records the decisions and
 * creates every delivery in a few set-based statements (throttle windows, rare, row by row).
 */
export async function dispatchMany(
  tx: Tx,
  batch: DispatchRequest[],
  now: number,
): Promise<{ throttled: string[] }[]> {
  const ids = batch.map((d) => d.eventId);
  // Without throttles (the common case) nothing can change a decision, so one UPDATE marks the
  // events and keeps their decisions; with throttles, the decisions are written afterwards.
  const throttles = batch.some((d) => d.plans.some((p) => p.throttle));
  const early = throttles
    ? undefined
    : batch.map(({ decision }) => decision ? JSON.stringify({ ...decision, throttled: [] }) : null);
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
  if (inserted.length) await tx`SELECT pg_notify(${DELIVERIES_CHANNEL}, '')`;
  return results;
}

/** Records results that arrived together: one multi-row INSERT of attempts, one UPDATE. */
export async function finishMany(tx: Tx, batch: FinishRequest[], now: number): Promise<void[]> {
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
  const col = <T>(f: (x: FinishRequest) => T) => batch.map(f);
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
  return batch.map(() => undefined);
}
