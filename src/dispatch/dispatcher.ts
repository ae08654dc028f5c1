/**
 * The dispatcher: claims accepted events from the inbox, evaluates them against the current rule
 * set and records their deliveries, marking each event dispatched in the same transaction. An
 * event stored but not dispatched before a crash is claimed again after it; deliveries are keyed
 * so that a second dispatch creates none.
 */
import type { DecisionRecord } from "../delivery/decision.ts";
import { storedEnvelope, type StreamEvent } from "../event/envelope.ts";
import { Wakeup } from "../executor/wakeup.ts";
import type { Handoff, PlannedDispatch, Planner } from "../inbox/inbox.ts";
import type { EventLease, StoredEvent } from "../inbox/model.ts";
import { evaluateEvent, type Evaluation, ruleBindings } from "../rules/evaluate.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { InboxStore } from "../store/roles.ts";
import { withSpan } from "../observe/tracing.ts";
import { type Held, planDeliveries, type RateIntervals } from "./plan.ts";
import type { SilenceBook } from "./silences.ts";

/**
 * Why each rule listening to the event's type did or did not fire, kept with the event for the
 * admin API (the store adds which rules were throttled).
 */
export function decisionRecord(evaluation: Evaluation): DecisionRecord {
  return {
    rules: evaluation.decisions,
    errors: evaluation.errors.filter((e) => e.field !== "if").map((e) => e.message),
  };
}

/** What the dispatcher reports about each event it handled (logs, metrics, decision records). */
export interface DispatchReport {
  event: StoredEvent;
  evaluation: Evaluation;
  throttled: string[];
  /** Rules a silence held for this event. */
  silenced: string[];
}

/** Dispatcher settings. */
export interface DispatcherOptions {
  owner: string;
  /** Events claimed at once; default 64. */
  batch?: number;
  /**
   * Batches under way at once; default 2, so one batch's evaluation overlaps the previous one's
   * commit instead of waiting for it (on PostgreSQL the wait is round trips, not CPU).
   */
  lanes?: number;
  /** How long a claim holds an event; default 30 s. */
  leaseMs?: number;
  /** Sleep between polls when idle; default 500 ms (new events wake it at once). */
  idleMs?: number;
  /** Spacing of deliveries that share a rate key, by action type. */
  rateIntervals?: RateIntervals;
  /** Called after each event is dispatched. */
  onDispatched?: (report: DispatchReport) => void;
  /** Called when a batch fails (the events' leases expire and they are tried again). */
  onError?: (error: unknown) => void;
  /** The silences in force; none when absent. */
  silences?: SilenceBook;
  /**
   * Milliseconds an event may spend being evaluated before it is stored (so it is written once,
   * dispatched); past it the event is dispatched after the answer. 0: always after. Default 20.
   */
  evaluationBudgetMs?: number;
}

/** An evaluated event and what the store is to record for it. */
export interface Planned extends PlannedDispatch {
  stored: StoredEvent;
  evaluation: Evaluation;
  held: Held;
}

/** Events held in memory at most; past it, accepted events wait in the store to be claimed. */
const MAX_SUBMITTED = 10_000;

/** Moves events from the inbox to deliveries; the inbox hands it accepted events directly. */
export class Dispatcher implements Handoff, Planner<Planned> {
  private readonly wakeup = new Wakeup();
  private submitted: { stored: StoredEvent; event: StreamEvent }[] = [];
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly store: Pick<InboxStore, "claimEvents" | "completeDispatch">,
    private readonly rules: () => RuleSet,
    private readonly options: DispatcherOptions,
  ) {}

  /** The lease ingress takes when storing an event it hands over with {@link submit}. */
  get lease(): EventLease {
    return { owner: this.options.owner, ms: this.options.leaseMs ?? 30_000 };
  }

  /** Whether one more event fits in memory (the inbox stores it without a lease otherwise). */
  hasRoom(): boolean {
    return this.submitted.length < MAX_SUBMITTED;
  }

  /**
   * Hands over an event the inbox has just stored under {@link lease}, already parsed, so it is
   * dispatched without being read back.
   */
  submit(stored: StoredEvent, event: StreamEvent): void {
    this.submitted.push({ stored, event });
    this.wakeup.notify();
  }

  /** Dispatches submitted events, or else one batch of claimed ones; returns how many. */
  async dispatchBatch(): Promise<number> {
    const batch = this.options.batch ?? 64;
    const rules = this.rules();
    if (this.submitted.length > 0) {
      const taken = this.submitted.splice(0, batch);
      await Promise.all(taken.map((s) => this.dispatchOne(s.stored, rules, s.event)));
      return taken.length;
    }
    const events = await this.store.claimEvents(this.options.owner, batch, this.lease.ms);
    await Promise.all(events.map((e) => this.dispatchOne(e, rules)));
    return events.length;
  }

  private async dispatchOne(stored: StoredEvent, rules: RuleSet, parsed?: StreamEvent) {
    const event = parsed ?? JSON.parse(stored.body) as StreamEvent;
    await withSpan("sluice.dispatch", {
      "sluice.event.id": stored.id,
      "sluice.event.type": stored.type,
    }, async (annotate) => {
      const planned = await this.plan(stored, rules, event);
      const { throttled } = await this.store.completeDispatch(
        stored.id,
        planned.plans,
        planned.decision,
      );
      annotate({
        "sluice.rules.matched": planned.evaluation.matches.map((m) => m.rule.name),
        "sluice.rules.throttled": throttled,
        "sluice.deliveries": planned.plans.reduce((n, p) => n + p.deliveries.length, 0),
      });
      this.dispatched(planned, throttled);
    });
  }

  /** Evaluates an event against `rules`: what the store is to record for it. */
  private async plan(stored: StoredEvent, rules: RuleSet, event: StreamEvent): Promise<Planned> {
    const envelope = storedEnvelope(stored);
    const evaluation = await evaluateEvent(rules, event, envelope);
    const held = await this.options.silences?.held(
      evaluation.matches,
      event,
      ruleBindings(envelope),
    ) ?? new Map();
    const plans = await planDeliveries(stored.id, evaluation, this.options.rateIntervals, held);
    const decision = decisionRecord(evaluation);
    for (const r of decision.rules) {
      const silence = held.get(r.rule);
      if (silence) r.silenced = silence;
    }
    return { stored, evaluation, held, plans, decision };
  }

  /**
   * Evaluates an event before it is stored, so the inbox writes it once, already dispatched.
   * Undefined when that takes longer than the evaluation budget: the inbox then stores the event
   * for dispatch after the answer, and a slow condition delays no one's acknowledgement.
   */
  async planBeforeStore(stored: StoredEvent, event: StreamEvent): Promise<Planned | undefined> {
    const budgetMs = this.options.evaluationBudgetMs ?? 20;
    if (budgetMs <= 0) return undefined;
    const work = this.plan(stored, this.rules(), event).catch((e) => {
      // Counted; the event is then stored for the dispatcher, whose retries and quarantine apply.
      this.options.onError?.(e);
      return undefined;
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, budgetMs, undefined);
    });
    try {
      // Past the budget the evaluation still ends, unused; the dispatcher evaluates it again.
      return await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports an event the inbox stored with the dispatch {@link planBeforeStore} gave it. */
  dispatchedBeforeStore(planned: Planned, throttled: string[]): void {
    this.dispatched(planned, throttled);
  }

  private dispatched(planned: Planned, throttled: string[]) {
    this.options.onDispatched?.({
      event: planned.stored,
      evaluation: planned.evaluation,
      throttled,
      silenced: [...planned.held.keys()],
    });
  }

  /** Starts the loops: dispatch while there is work, otherwise sleep until woken or polled. */
  start(): void {
    this.running ??= Promise.all(
      Array.from({ length: this.options.lanes ?? 2 }, () => this.loop()),
    ).then(() => {});
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
