/**
 * What the pipeline reports, turned into metrics and log lines in one place: the inbox's
 * outcomes, each dispatch, each delivery attempt, and failures of the store, the dispatcher and
 * the executor. The parts only call these hooks; the policy (what is counted, at which level it is
 * logged, how often) lives here.
 */
import type { Delivery, DeliveryResult } from "../delivery/model.ts";
import type { DispatchReport } from "../dispatch/dispatcher.ts";
import type { GroupSendReport } from "../dispatch/group_sender.ts";
import type { EventSource } from "../event/envelope.ts";
import type { InboxObserver, IntakeOutcome } from "../inbox/inbox.ts";
import type { RulesObserver } from "../rules/live_rules.ts";
import { formatProblem } from "../rules/problem.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

/** How often a repeated warning (one unknown type, a full hand-off) is logged at most. */
const UNKNOWN_TYPE_LOG_MS = 3_600_000;
const HANDOFF_FULL_LOG_MS = 60_000;
const RULE_ERROR_LOG_MS = 60_000;

/** Hooks for every part of the pipeline. */
export interface PipelineObserver {
  inbox: InboxObserver;
  rules: RulesObserver;
  dispatched(report: DispatchReport): void;
  dispatchFailed(error: unknown): void;
  groupSent(report: GroupSendReport): void;
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
  const errorLogged = new Map<string, { at: number; skipped: number }>();
  /** A rule's `if` or template failed: a warning, at most once a minute per rule. */
  const ruleError = (rule: string, eventId: string, message: string) => {
    const last = errorLogged.get(rule);
    if (last && now() - last.at < RULE_ERROR_LOG_MS) {
      last.skipped++;
      return;
    }
    if (errorLogged.size >= 1000) errorLogged.clear();
    errorLogged.set(rule, { at: now(), skipped: 0 });
    log.warn("rule failed for an event", {
      rule,
      event_id: eventId,
      error: message,
      since_last_line: last?.skipped ?? 0,
    });
  };
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
  const rules: RulesObserver = {
    loaded(state, warnings, reload) {
      if (reload) metrics.ruleReloads.inc({ outcome: "ok" });
      for (const p of warnings) log.warn("rule warning", { problem: formatProblem(p) });
      log.info(reload ? "rules reloaded" : "rules loaded", {
        rules: state.rules,
        warnings: warnings.length,
      });
    },
    failed(state, errors, reload) {
      if (reload) metrics.ruleReloads.inc({ outcome: "failed" });
      log.error(
        state.running === "last good"
          ? "the rule folder does not load: running the last good rule set kept in the store"
          : "rules reload failed; keeping the rules in force",
        {
          problems: errors.map(formatProblem),
          not_applied: state.notApplied,
          ...(state.running === "last good"
            ? { kept_at: new Date(state.loadedAt).toISOString() }
            : {}),
        },
      );
    },
    keepFailed(error) {
      log.warn("could not keep the rule set in the store as the last good one", { error });
    },
  };
  return {
    inbox,
    rules,
    dispatched(report) {
      const { evaluation, event } = report;
      for (const m of evaluation.matches) {
        const rule = m.rule.name;
        const suppressed = report.silenced.includes(rule)
          ? "silenced"
          : report.throttled.includes(rule)
          ? "throttled"
          : m.rule.group
          ? "grouped"
          : undefined;
        if (suppressed) {
          metrics.ruleSuppressed.inc({ rule, reason: suppressed });
          continue;
        }
        metrics.ruleMatches.inc({ rule });
        for (const a of m.actions) {
          if ("missing" in a && a.missing) {
            metrics.templateMissing.inc({ rule }, a.missing.length);
          }
          if (!("error" in a)) continue;
          // The delivery is dead from the start: counted and logged like any other dead one.
          metrics.ruleErrors.inc({ rule, part: "template" });
          metrics.deliveries.inc({ rule, action: a.action.type, outcome: "dead" });
          ruleError(rule, event.id, a.error.message);
        }
      }
      for (const e of evaluation.errors) {
        metrics.ruleErrors.inc({ rule: e.rule, part: e.field === "if" ? "if" : "throttle_key" });
        ruleError(e.rule, event.id, e.message);
      }
      log.debug("event dispatched", {
        event_id: report.event.id,
        type: report.event.type,
        matched: report.evaluation.matches.map((m) => m.rule.name),
        throttled: report.throttled,
        errors: report.evaluation.errors.map((e) => e.message),
      });
    },
    groupSent(report) {
      metrics.groupSends.inc({ rule: report.rule });
      metrics.ruleMatches.inc({ rule: report.rule });
      for (const a of report.failed) {
        if (!("error" in a)) continue;
        metrics.ruleErrors.inc({ rule: report.rule, part: "template" });
        metrics.deliveries.inc({ rule: report.rule, action: a.action.type, outcome: "dead" });
        ruleError(report.rule, `group ${report.groupId}`, a.error.message);
      }
      log.debug("group sent", {
        rule: report.rule,
        group_id: report.groupId,
        key: report.key,
        events: report.count,
        deliveries: report.deliveries,
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
      // The checkpointer's end is the store's own news, not a failed call: say it once, loudly.
      if (error instanceof Error && error.name === "CheckpointerError") {
        log.error("store checkpointer failed", { error });
      } else log.debug("store operation failed", { error });
    },
  };
}
