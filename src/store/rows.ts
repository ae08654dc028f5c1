/** Mapping between table rows (both databases share the tables) and the domain's records. */
import type { AttemptRecord, Delivery, DeliveryStatus } from "../delivery/model.ts";
import type { EventSource } from "../event/envelope.ts";
import type { QuarantinedBody, StoredEvent } from "../inbox/model.ts";
import type { Row } from "./driver.ts";

/** An `events` row as a {@link StoredEvent}. */
export function eventFromRow(r: Row): StoredEvent {
  return {
    id: r.id as string,
    source: r.source as EventSource,
    type: r.type as string,
    body: r.body as string,
    receivedAt: r.received_at as number,
  };
}

/** A `deliveries` row as a {@link Delivery}. */
export function deliveryFromRow(r: Row): Delivery {
  return {
    id: String(r.id),
    eventId: r.event_id as string,
    rule: r.rule as string,
    actionIndex: r.action_index as number,
    actionType: r.action_type as string,
    idempotencyKey: r.idempotency_key as string,
    mode: r.mode as "live" | "shadow",
    params: r.params === null ? null : JSON.parse(r.params as string),
    renderError: (r.render_error as string | null) ?? undefined,
    ...(Number(r.env_refs) === 1 ? { envRefs: true } : {}),
    ...(r.notes ? { notes: JSON.parse(r.notes as string) as string[] } : {}),
    retry: JSON.parse(r.retry as string),
    timeoutMs: r.timeout_ms as number,
    ...(r.rate_key === null ? {} : {
      rate: { key: r.rate_key as string, intervalMs: r.rate_interval_ms as number },
    }),
    status: r.status as DeliveryStatus,
    attempts: r.attempts as number,
    nextAt: r.next_at as number,
    firstAt: r.first_at as number,
    lastError: (r.last_error as string | null) ?? undefined,
    ...(r.discard_reason ? { discardReason: r.discard_reason as string } : {}),
  };
}

/** A `quarantine` row as a {@link QuarantinedBody}. */
export function quarantineFromRow(r: Row): QuarantinedBody {
  return {
    id: r.id as string,
    source: r.source as EventSource,
    reason: r.reason as string,
    body: r.body as string,
    receivedAt: r.received_at as number,
  };
}

/** An `attempts` row as an {@link AttemptRecord}. */
export function attemptFromRow(r: Row): AttemptRecord {
  return {
    at: r.at as number,
    durationMs: r.duration_ms as number,
    outcome: r.outcome as AttemptRecord["outcome"],
    ...(r.status === null ? {} : { status: r.status as number }),
    ...(r.error === null ? {} : { error: r.error as string }),
  };
}
