/**
 * What the pipeline reports, turned into metrics and log lines in one place: the inbox's
 * outcomes, each dispatch, each delivery attempt, and failures of the store, the dispatcher and
 * the executor. The parts only call these hooks; the policy (what is counted, at which level it is
 * logged, how often) lives here.
 */
import type { Delivery, DeliveryResult } from "../delivery/model.ts";
import type { DispatchReport } from "../dispatch/dispatcher.ts";
import type { EventSource } from "../event/envelope.ts";
import type { InboxObserver, IntakeOutcome } from "../inbox/inbox.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

/** How often a repeated warning (one unknown type, a full hand-off) is logged at most. */
const UNKNOWN_TYPE_LOG_MS = 3_600_000;
const HANDOFF_FULL_LOG_MS = 60_000;

/** Hooks for every part of the pipeline. */
export interface PipelineObserver {
  inbox: InboxObserver;
  dispatched(report: DispatchReport): void;
  dispatchFailed(error: unknown): void;
  attempted(delivery: Delivery, result: DeliveryResult): void;
  executorFailed(error: unknown): void;
  storeFailed(error: unknown): void;
}

/** The observer that feeds `metrics` and `log`; `now` for the rate limits of repeated lines. */
export function pipelineObserver(
  metrics: Metrics,
  log: Logger,
  now: () => number = Date.now,
): PipelineObserver {
  const unknownLogged = new Map<string, number>();
  let handoffLogged = -Infinity;
  let handoffSkipped = 0;
  const inbox: InboxObserver = {
    outcome(source: EventSource, outcome: IntakeOutcome, type?: string) {
      metrics.events.inc({ source, type: type ?? "", outcome });
    },
    unknownType(type) {
      metrics.unknownTypes.inc();
      const last = unknownLogged.get(type);
      if (last !== undefined && now() - last < UNKNOWN_TYPE_LOG_MS) return;
      // Bounded: a flood of invented types logs, then starts over, never grows without end.
      if (unknownLogged.size >= 1000) unknownLogged.clear();
      unknownLogged.set(type, now());
      log.info("unknown event type accepted", {
        type,
        note: "logged at most once an hour per type",
      });
    },
    handoffFull(eventId) {
      metrics.handoffFull.inc();
      if (now() - handoffLogged < HANDOFF_FULL_LOG_MS) {
        handoffSkipped++;
        return;
      }
      log.warn("dispatcher backlog full: the event waits in the store to be claimed", {
        event_id: eventId,
        since_last_line: handoffSkipped,
      });
      handoffLogged = now();
      handoffSkipped = 0;
    },
    quarantined(source, id, reason) {
      log.warn("body quarantined", { source, quarantine_id: id, reason });
    },
  };
  return {
    inbox,
    dispatched(report) {
      for (const m of report.evaluation.matches) metrics.ruleMatches.inc({ rule: m.rule.name });
      log.debug("event dispatched", {
        event_id: report.event.id,
        type: report.event.type,
        matched: report.evaluation.matches.map((m) => m.rule.name),
        throttled: report.throttled,
        errors: report.evaluation.errors.map((e) => e.message),
      });
    },
    dispatchFailed(error) {
      metrics.dispatchFailures.inc();
      log.error("dispatch error", { error });
    },
    attempted(d, r) {
      metrics.deliveries.inc({ rule: d.rule, action: d.actionType, outcome: r.kind });
      metrics.deliveryDuration.observe(r.attempt.durationMs / 1000, { action: d.actionType });
      log[r.kind === "done" ? "debug" : r.kind === "retry" ? "info" : "warn"](
        `delivery ${r.kind}`,
        {
          delivery_id: d.id,
          event_id: d.eventId,
          rule: d.rule,
          action: d.actionType,
          attempt: d.attempts + 1,
          status: r.attempt.status,
          error: r.attempt.error,
        },
      );
    },
    executorFailed(error) {
      log.error("executor error", { error });
    },
    storeFailed(error) {
      metrics.storeErrors.inc();
      log.debug("store operation failed", { error });
    },
  };
}
