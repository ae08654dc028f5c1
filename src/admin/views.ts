/**
 * The JSON shapes the admin API, `--json` CLI output and the console show: snake_case keys, ISO
 * times, secret parameters masked.
 */
import { secretKeysOf } from "../actions/catalog.ts";
import type { AttemptRecord, Delivery } from "../delivery/model.ts";
import type { EventRecord, EventSummary } from "../inbox/model.ts";
import { storedParamsView } from "../observe/redact.ts";

/** Epoch milliseconds as RFC 3339, or undefined. */
export const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** One attempt. */
export function attemptView(a: AttemptRecord) {
  return {
    at: iso(a.at),
    duration_ms: a.durationMs,
    outcome: a.outcome,
    ...(a.status === undefined ? {} : { status: a.status }),
    ...(a.error === undefined ? {} : { error: a.error }),
  };
}

/** One delivery, with its attempts when they were read. */
export function deliveryView(
  d: Delivery & { history?: AttemptRecord[]; eventType?: string },
) {
  return {
    id: d.id,
    event_id: d.eventId,
    ...(d.eventType ? { event_type: d.eventType } : {}),
    rule: d.rule,
    action: { index: d.actionIndex, type: d.actionType },
    status: d.status,
    mode: d.mode,
    idempotency_key: d.idempotencyKey,
    params: d.params && storedParamsView(d.params, d.envRefs, secretKeysOf(d.actionType)),
    attempts: d.history?.length ?? d.attempts,
    next_at: d.status === "pending" ? iso(d.nextAt) : undefined,
    last_error: d.lastError,
    ...(d.notes ? { notes: d.notes } : {}),
    ...(d.discardReason ? { discard_reason: d.discardReason } : {}),
    history: d.history?.map(attemptView),
  };
}

/** An event in a list. */
export function eventSummaryView(e: EventSummary) {
  return {
    id: e.id,
    sender_id: e.senderId,
    type: e.type,
    source: e.source,
    received_at: iso(e.receivedAt),
    outcome: e.outcome ?? "pending",
    rules: e.rules,
  };
}

/** One event with its body, decision record and deliveries. */
export function eventView(record: EventRecord) {
  return {
    id: record.id,
    sender_id: record.senderId,
    type: record.type,
    source: record.source,
    received_at: iso(record.receivedAt),
    dispatched_at: iso(record.dispatchedAt),
    outcome: record.outcome ?? "pending",
    decision: record.decision,
    event: JSON.parse(record.body),
    deliveries: record.deliveries.map(deliveryView),
  };
}
