/**
 * The dispatcher: claims accepted events from the inbox, evaluates them against the current rule
 * set and records their deliveries, marking each event dispatched in the same transaction. An
 * event stored but not dispatched before a crash is claimed again after it; deliveries are keyed
 * so that a second dispatch creates none.
 */
import type { Envelope, StreamEvent } from "../event/envelope.ts";
import { Wakeup } from "../executor/wakeup.ts";
import { evaluateEvent, type Evaluation } from "../rules/evaluate.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { Store, StoredEvent } from "../store/store.ts";
import { planDeliveries } from "./plan.ts";

/** What the dispatcher reports about each event it handled (logs, metrics, decision records). */
export interface DispatchReport {
  event: StoredEvent;
  evaluation: Evaluation;
  throttled: string[];
}

/** Dispatcher settings. */
export interface DispatcherOptions {
  owner: string;
  /** Events claimed at once; default 64. */
  batch?: number;
  /** How long a claim holds an event; default 30 s. */
  leaseMs?: number;
  /** Sleep between polls when idle; default 500 ms (new events wake it at once). */
  idleMs?: number;
  /** Called after each event is dispatched. */
  onDispatched?: (report: DispatchReport) => void;
  /** Called when a batch fails (the events' leases expire and they are tried again). */
  onError?: (error: unknown) => void;
}

/** Moves events from the inbox to deliveries. */
export class Dispatcher {
  private readonly wakeup = new Wakeup();
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly store: Store,
    private readonly rules: () => RuleSet,
    private readonly options: DispatcherOptions,
  ) {}

  /** Dispatches one batch of claimed events; returns how many were handled. */
  async dispatchBatch(): Promise<number> {
    const events = await this.store.claimEvents(
      this.options.owner,
      this.options.batch ?? 64,
      this.options.leaseMs ?? 30_000,
    );
    const rules = this.rules();
    await Promise.all(events.map((e) => this.dispatchOne(e, rules)));
    return events.length;
  }

  private async dispatchOne(stored: StoredEvent, rules: RuleSet) {
    const event = JSON.parse(stored.body) as StreamEvent;
    const envelope: Envelope = {
      id: stored.id,
      type: stored.type,
      source: stored.source,
      received_at: new Date(stored.receivedAt).toISOString(),
      attempt: 1,
    };
    const evaluation = await evaluateEvent(rules, event, envelope);
    const plans = await planDeliveries(stored.id, evaluation);
    const { throttled } = await this.store.completeDispatch(stored.id, plans);
    this.options.onDispatched?.({ event: stored, evaluation, throttled });
  }

  /** Starts the loop: dispatch while there is work, otherwise sleep until woken or polled. */
  start(): void {
    this.running ??= this.loop();
  }

  /** New events were stored: dispatch now. */
  wake(): void {
    this.wakeup.notify();
  }

  private async loop() {
    while (!this.stopping) {
      let n = 0;
      try {
        n = await this.dispatchBatch();
      } catch (e) {
        this.options.onError?.(e);
      }
      if (n === 0 && !this.stopping) await this.wakeup.wait(this.options.idleMs ?? 500);
    }
  }

  /** Stops after the batch in hand. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.notify();
    await this.running;
  }
}
