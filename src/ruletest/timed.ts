/**
 * Timed test cases: steps (events, silences) at offsets from the case's start run against a fresh
 * in-memory store on a simulated clock, through the same dispatcher, throttle windows, group
 * sender and silences `run` uses; between steps the clock stops at every moment a group is due.
 * Nothing is sent: the case compares the deliveries each rule made with what it expects.
 */
import { secretKeysOf } from "../actions/catalog.ts";
import type { DeliveryRecord } from "../delivery/model.ts";
import { Dispatcher } from "../dispatch/dispatcher.ts";
import { GroupSender } from "../dispatch/group_sender.ts";
import { SilenceBook, silenceOf } from "../dispatch/silences.ts";
import { isSecretPath, REDACTED } from "../observe/redact.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import { openStore, type Store } from "../store/mod.ts";
import type { FieldPath } from "../template/field_path.ts";
import { resolveParams } from "../template/env_refs.ts";
import { subsetDiff } from "./subset_diff.ts";
import type { Expectation, Step } from "./test_file.ts";

/** A fixed start, so a case's results never depend on today's date. */
const START = Date.UTC(2026, 0, 1, 0, 0, 0);
/** Group sends after the last step at most, before the case gives up waiting for them to close. */
const MAX_TRAILING_SENDS = 1000;

/** Runs the steps; returns the differences from `expect.deliveries` (empty when it passed). */
export async function runTimedCase(
  rules: RuleSet,
  steps: readonly Step[],
  expect: Expectation,
): Promise<string[]> {
  let time = START;
  const now = () => time;
  const store = await openStore("sqlite::memory:", { now, retentionMs: 3_650 * 86_400_000 });
  try {
    const silences = new SilenceBook(store, now);
    const dispatcher = new Dispatcher(store, () => rules, { owner: "test", silences });
    const groups = new GroupSender(store, () => rules, { owner: "test", now, leaseMs: 1 });
    const failures: string[] = [];
    /** Moves the clock to `target`, stopping at every group send due on the way. */
    const advanceTo = async (target: number) => {
      for (let i = 0; i < MAX_TRAILING_SENDS; i++) {
        const due = await nextDue(store);
        if (due === undefined || due > target) break;
        time = Math.max(time, due);
        await groups.sendDue();
      }
      time = Math.max(time, target);
    };
    for (const step of steps) {
      await advanceTo(START + step.at);
      if ("event" in step) {
        await store.putEvent({
          source: "test",
          type: step.event.type,
          body: JSON.stringify(step.event),
        });
        while (await dispatcher.dispatchBatch() > 0) { /* until the inbox is empty */ }
      } else {
        try {
          await store.addSilence(silenceOf(
            {
              rule: step.silence.rule,
              condition: step.silence.if,
              forMs: step.silence.forMs,
              reason: step.silence.reason,
              createdBy: "test",
            },
            rules.rules.map((r) => r.name),
            time,
          ));
          silences.invalidate();
        } catch (e) {
          failures.push(`steps: ${e instanceof Error ? e.message : e}`);
        }
      }
    }
    // Let every open group send what it has and close.
    await advanceTo(Number.MAX_SAFE_INTEGER / 2);
    const deliveries = await store.listDeliveries({ limit: 100_000 });
    failures.push(...compareDeliveries(expect.deliveries ?? {}, deliveries, rules));
    return failures;
  } finally {
    await store.close();
  }
}

async function nextDue(store: Store): Promise<number | undefined> {
  const open = await store.listGroups();
  return open.length ? Math.min(...open.map((g) => g.nextSendAt)) : undefined;
}

function compareDeliveries(
  expected: Record<string, number | Record<string, unknown>[]>,
  deliveries: readonly DeliveryRecord[],
  rules: RuleSet,
): string[] {
  const failures: string[] = [];
  for (const [rule, want] of Object.entries(expected)) {
    const made = deliveries.filter((d) => d.rule === rule);
    const count = typeof want === "number" ? want : want.length;
    if (made.length !== count) {
      failures.push(`deliveries.${rule}: expected ${count} delivery(ies), got ${made.length}`);
    }
    if (typeof want === "number") continue;
    want.forEach((action, i) => {
      const d = made[i];
      const entry = Object.entries(action)[0];
      if (!d || !entry) return;
      const [type, params] = entry;
      if (d.actionType !== type) {
        failures.push(`deliveries.${rule}[${i}]: expected a ${type} delivery, got ${d.actionType}`);
        return;
      }
      if (d.params === null) {
        failures.push(`deliveries.${rule}[${i}]: its template failed: ${d.renderError}`);
        return;
      }
      const show = (v: unknown, path: FieldPath) =>
        v === undefined
          ? "nothing"
          : isSecretPath(path.slice(1), secretKeysOf(type))
          ? REDACTED
          : JSON.stringify(v);
      failures.push(
        ...subsetDiff(params, sendable(d, rules), [type], show).map((l) =>
          `deliveries.${rule}[${i}].${l}`
        ),
      );
    });
  }
  return failures;
}

/** A stored delivery's parameters as they would be sent: its rule's `${VAR}` references read. */
function sendable(d: DeliveryRecord, rules: RuleSet): Record<string, unknown> {
  const action = rules.rules.find((r) => r.name === d.rule)?.actions.find((a) =>
    a.index === d.actionIndex
  );
  if (!d.params || !d.envRefs || !action) return d.params ?? {};
  return resolveParams(d.params, action.env).params;
}
