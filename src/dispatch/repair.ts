/**
 * Repair, shared by the CLI and the admin API: dead letters replayed with the parameters their
 * rule renders now (so a fixed template repairs them), discarded with a reason, and stored events
 * dispatched again under the current rules. Each reports, per id, what it did or why it could not.
 */
import type { DeadLetter, DeadLetterFilter } from "../delivery/model.ts";
import { storedEnvelope, type StreamEvent } from "../event/envelope.ts";
import { evaluateEvent, renderAction, ruleBindings } from "../rules/evaluate.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { DeadLetters, History, InboxStore, RedispatchResult } from "../store/mod.ts";
import { decisionRecord } from "./dispatcher.ts";
import { planDeliveries, type RateIntervals } from "./plan.ts";

/** What repair reads and writes. */
export interface RepairDeps {
  store: DeadLetters & Pick<History, "getEvent"> & Pick<InboxStore, "redispatch">;
  rules: RuleSet;
  rateIntervals?: RateIntervals;
}

/** A replay's outcome per dead letter. */
export interface ReplayReport {
  /** Re-queued; `rerendered` when its rule's current template gave new parameters. */
  replayed: { id: string; rerendered: boolean }[];
  /** Not re-queued, and why (not a dead letter, the template still fails, …). */
  failed: { id: string; reason: string }[];
}

const PAGE = 500;

/** The ids of every dead letter matching `filter` (all pages). */
export async function deadLetterIds(
  store: DeadLetters,
  filter: DeadLetterFilter,
): Promise<string[]> {
  const ids: string[] = [];
  for (let after: string | undefined = filter.after;;) {
    const page = await store.listDeadLetters({ ...filter, after, limit: PAGE });
    ids.push(...page.map((d) => d.id));
    if (page.length < PAGE || (filter.limit !== undefined && ids.length >= filter.limit)) break;
    after = page.at(-1)!.id;
  }
  return filter.limit === undefined ? ids : ids.slice(0, filter.limit);
}

/**
 * Re-queues dead letters. Each is rendered again from the current version of its rule when that
 * rule still has the action (same index and type); otherwise its stored parameters are used. One
 * whose template still fails, or that has nothing to send, stays dead and is reported.
 */
export async function replay(deps: RepairDeps, ids: readonly string[]): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: [], failed: [] };
  const wanted = new Set(ids);
  const dead = new Map<string, DeadLetter>();
  for (let i = 0; i < ids.length; i += PAGE) {
    const page = ids.slice(i, i + PAGE);
    for (const d of await deps.store.listDeadLetters({ ids: page, limit: page.length })) {
      dead.set(d.id, d);
    }
  }
  const replays = [];
  for (const id of wanted) {
    const d = dead.get(id);
    if (!d) {
      report.failed.push({ id, reason: "not a dead letter" });
      continue;
    }
    const rule = deps.rules.rules.find((r) => r.name === d.rule);
    const action = rule?.actions.find((a) => a.index === d.actionIndex && a.type === d.actionType);
    if (!rule || !action) {
      if (d.params === null) {
        report.failed.push({
          id,
          reason:
            `rule "${d.rule}" no longer has do[${d.actionIndex}] (${d.actionType}), and the ` +
            "delivery has no stored parameters (its template had failed)",
        });
      } else replays.push({ id, rerendered: false });
      continue;
    }
    const record = await deps.store.getEvent(d.eventId);
    if (!record) {
      report.failed.push({ id, reason: `its event ${d.eventId} is no longer stored` });
      continue;
    }
    const rendered = await renderAction(
      rule,
      action,
      JSON.parse(record.body),
      ruleBindings(storedEnvelope(record)),
    );
    if ("error" in rendered) {
      report.failed.push({ id, reason: `still fails to render: ${rendered.error.message}` });
      continue;
    }
    replays.push({
      id,
      rerendered: true,
      params: rendered.params,
      notes: rendered.notes,
      envRefs: rendered.action.envRefs,
    });
  }
  const { changed, missing } = await deps.store.replayDeadLetters(
    replays.map(({ id, params, notes, envRefs }) => ({ id, params, notes, envRefs })),
  );
  for (const id of missing) report.failed.push({ id, reason: "not a dead letter" });
  for (const r of replays) {
    if (changed.includes(r.id)) report.replayed.push({ id: r.id, rerendered: r.rerendered });
  }
  return report;
}

/** One event's redispatch: what changed, or why nothing could. */
export type RedispatchReport =
  | { id: string; eventId: string; result: RedispatchResult; fired: string[] }
  | { id: string; error: string };

/** Evaluates stored events again under the current rules and converges their deliveries. */
export async function redispatch(
  deps: RepairDeps,
  ids: readonly string[],
): Promise<RedispatchReport[]> {
  const out: RedispatchReport[] = [];
  for (const id of ids) {
    const record = await deps.store.getEvent(id);
    if (!record) {
      out.push({ id, error: "no such event" });
      continue;
    }
    const event = JSON.parse(record.body) as StreamEvent;
    const evaluation = await evaluateEvent(deps.rules, event, storedEnvelope(record));
    const plans = await planDeliveries(record.id, evaluation, deps.rateIntervals);
    const result = await deps.store.redispatch(record.id, plans, decisionRecord(evaluation));
    if (!result) out.push({ id, error: "no such event" });
    else out.push({ id, eventId: record.id, result, fired: plans.map((p) => p.rule) });
  }
  return out;
}
