/**
 * The durable pipeline in-process, as `run` wires it but without ingress: a SQLite store, the
 * dispatcher and the executor with the real actions, on a clock the test moves by hand.
 */
import { type ActionSettings, createActions } from "../../src/actions/registry.ts";
import type { RateIntervals } from "../../src/dispatch/plan.ts";
import { Dispatcher, type DispatchReport } from "../../src/dispatch/dispatcher.ts";
import { Executor } from "../../src/executor/executor.ts";
import type { StreamEvent } from "../../src/event/envelope.ts";
import type { Delivery, DeliveryResult } from "../../src/delivery/model.ts";
import { openStore, type Store } from "../../src/store/mod.ts";
import { ManualClock } from "./clock.ts";
import { ruleSetFrom } from "./rules.ts";

/** A running pipeline and what it did. */
export interface Pipeline {
  store: Store;
  clock: ManualClock;
  attempts: { delivery: Delivery; result: DeliveryResult }[];
  reports: DispatchReport[];
  /** Accepts an event into the inbox and dispatches it. */
  send(event: StreamEvent, dedupeId?: string): Promise<string>;
  /** Moves the clock and lets the executor look for due work. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** Wiring a test may change. */
export interface PipelineOptions {
  actions?: ActionSettings;
  rateIntervals?: RateIntervals;
}

/** Starts a pipeline over the given rule files (name → YAML). */
export async function startPipeline(
  files: Record<string, string>,
  env: Record<string, string> = {},
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const clock = new ManualClock(Date.now());
  const store = await openStore("sqlite::memory:", { now: clock.now });
  const rules = await ruleSetFrom(files, env);
  const reports: DispatchReport[] = [];
  const attempts: Pipeline["attempts"] = [];
  const dispatcher = new Dispatcher(store, () => rules, {
    owner: "test",
    rateIntervals: options.rateIntervals,
    onDispatched: (r) => reports.push(r),
  });
  const actions = createActions({
    ...options.actions,
    http: { now: clock.now, ...options.actions?.http },
    slack: { now: clock.now, threads: store, ...options.actions?.slack },
  });
  const executor = new Executor(store, actions, {
    owner: "test",
    now: clock.now,
    random: () => 0.5,
    idleMs: 10,
    env: (name) => env[name],
    onAttempt: (delivery, result) => attempts.push({ delivery, result }),
  });
  executor.start();
  return {
    store,
    clock,
    attempts,
    reports,
    async send(event, dedupeId) {
      const { id } = await store.putEvent({
        source: "webhook",
        dedupeId,
        type: event.type,
        body: JSON.stringify(event),
      });
      await dispatcher.dispatchBatch();
      executor.wake();
      return id;
    },
    advance(ms) {
      clock.advance(ms);
      executor.wake();
    },
    async close() {
      await executor.stop(1000);
      for (const action of actions.values()) await action.close?.();
      await store.close();
    },
  };
}
