/** The envelope sluice keeps around every event: where it came from and when. Rules see it as `$event`. */

/** Every place an event can enter sluice. */
export const EVENT_SOURCES = ["webhook", "sns", "sqs", "cli", "test", "admin"] as const;

/** Where an event entered sluice. */
export type EventSource = typeof EVENT_SOURCES[number];

/** Metadata bound as `$event` in conditions and templates. */
export interface Envelope {
  /** Sluice's id for the event (the `id` answered to Stream). */
  id: string;
  /** The event's `type`. */
  type: string;
  source: EventSource;
  /** When sluice accepted it, RFC 3339. */
  received_at: string;
  /** Which attempt of the delivery is running (1 during dispatch and dry runs). */
  attempt: number;
}

/** The envelope of a stored event, as dispatch, group sends, repairs and `diff` bind it. */
export function storedEnvelope(
  stored: { id: string; type: string; source: string; receivedAt: number },
): Envelope {
  return {
    id: stored.id,
    type: stored.type,
    source: stored.source as EventSource,
    received_at: new Date(stored.receivedAt).toISOString(),
    attempt: 1,
  };
}

/** A Stream event: any JSON object with a string `type`. */
export type StreamEvent = Record<string, unknown> & { type: string };

/** Whether a parsed body is an event sluice can route. */
export function isStreamEvent(value: unknown): value is StreamEvent {
  return value !== null && typeof value === "object" && !Array.isArray(value) &&
    typeof (value as { type?: unknown }).type === "string" &&
    (value as { type: string }).type !== "";
}
