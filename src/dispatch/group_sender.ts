/**
 * Sends groups: claims the groups that are due, renders each grouping rule's actions once per send
 * with `$group` bound to `{ key, count, events, first_at, last_at }` (`events` the newest `max`,
 * newest first; the root and `$event` the newest event), and records the deliveries, the events
 * the send took and the next due time together. A group due with nothing new closes.
 */
import { storedEnvelope, type StreamEvent } from "../event/envelope.ts";
import { Wakeup } from "../executor/wakeup.ts";
import { renderAction, type RenderedAction, ruleBindings } from "../rules/evaluate.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { DueGroup, GroupQueue } from "../store/mod.ts";
import { deliveriesOf, type RateIntervals } from "./plan.ts";

/** What one send did, for metrics and logs. */
export interface GroupSendReport {
  rule: string;
  groupId: string;
  key: string;
  count: number;
  deliveries: number;
  /** Actions whose render failed (their deliveries are dead at once). */
  failed: RenderedAction[];
}

/** Group sender settings. */
export interface GroupSenderOptions {
  owner: string;
  leaseMs?: number;
  /** Longest sleep between looks for due groups; default 1 s. */
  idleMs?: number;
  rateIntervals?: RateIntervals;
  now?: () => number;
  onSent?: (report: GroupSendReport) => void;
  onError?: (error: unknown) => void;
}

const BATCH = 32;

/** Sends due groups. */
export class GroupSender {
  private readonly wakeup = new Wakeup();
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly store: GroupQueue,
    private readonly rules: () => RuleSet,
    private readonly options: GroupSenderOptions,
  ) {}

  /** Sends every group due now; returns how many sends were made. */
  async sendDue(): Promise<number> {
    const rules = this.rules();
    const maxEvents = Math.max(1, ...rules.rules.map((r) => r.group?.max ?? 0));
    let sent = 0;
    for (;;) {
      const due = await this.store.claimDueGroups(
        this.options.owner,
        BATCH,
        this.options.leaseMs ?? 60_000,
        maxEvents,
      );
      for (const group of due) if (await this.send(group, rules)) sent++;
      if (due.length < BATCH) return sent;
    }
  }

  private async send(group: DueGroup, rules: RuleSet): Promise<boolean> {
    const rule = rules.rules.find((r) => r.name === group.rule && r.group && r.enabled);
    if (!rule?.group) {
      // The rule was removed, disabled or no longer groups: its collected events are dropped.
      await this.store.closeGroup(group.id);
      return false;
    }
    const events = group.events.slice(0, rule.group.max);
    const newest = events[0];
    const parsed = events.map((e) => JSON.parse(e.body) as StreamEvent);
    const envelope = storedEnvelope(newest);
    const bindings = ruleBindings(envelope, {
      group: {
        key: group.key,
        count: group.count,
        events: parsed,
        first_at: new Date(group.firstAt).toISOString(),
        last_at: new Date(group.lastAt).toISOString(),
      },
    });
    const rendered: RenderedAction[] = [];
    for (const action of rule.actions) {
      rendered.push(await renderAction(rule, action, parsed[0], bindings));
    }
    const sendNo = group.sends + 1;
    const deliveries = await deliveriesOf(
      `g${group.id}.${sendNo}`,
      rule,
      rendered,
      this.options.rateIntervals ?? {},
    );
    const now = (this.options.now ?? Date.now)();
    const recorded = await this.store.completeGroupSend({
      groupId: group.id,
      owner: this.options.owner,
      deliveries,
      eventId: newest.id,
      pending: group.pending,
      nextSendAt: now + rule.group.intervalMs,
    });
    if (recorded) {
      this.options.onSent?.({
        rule: rule.name,
        groupId: group.id,
        key: group.key,
        count: group.count,
        deliveries: deliveries.length,
        failed: rendered.filter((r) => "error" in r),
      });
    }
    return recorded;
  }

  /** Starts looking for due groups. */
  start(): void {
    this.running ??= this.loop();
  }

  /** A group may be due sooner (an event opened one): look now. */
  wake(): void {
    this.wakeup.notify();
  }

  private async loop() {
    while (!this.stopping) {
      try {
        await this.sendDue();
      } catch (e) {
        this.options.onError?.(e);
      }
      if (!this.stopping) await this.wakeup.wait(this.options.idleMs ?? 1_000);
    }
  }

  /** Stops after the send in hand. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.notify();
    await this.running;
  }
}
