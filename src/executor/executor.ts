/**
 * The executor: a pool of workers that claim due deliveries, run each action with its timeout,
 * and record the outcome. Actions only classify; the retry schedule, dead letters and shutdown
 * live here. On stop it takes no new work, lets in-flight deliveries finish for a grace period,
 * then aborts the rest and gives them back to the queue without counting an attempt.
 */
import type { Action, ActionOutcome } from "../actions/action.ts";
import { secretKeysOf } from "../actions/catalog.ts";
import { redactText, redactValues, secretValues } from "../observe/redact.ts";
import type { EnvLookup } from "../template/env.ts";
import { isSecretName, resolveParams } from "../template/env_refs.ts";
import { withSpan } from "../observe/tracing.ts";
import type { Delivery, DeliveryResult } from "../delivery/model.ts";
import type { DeliveryQueue } from "../store/roles.ts";
import { decideAfterAttempt } from "./backoff.ts";
import { Wakeup } from "./wakeup.ts";

/** Executor settings; `now` and `random` are injectable for tests. */
export interface ExecutorOptions {
  owner: string;
  /** Deliveries in flight at once; default 32. */
  concurrency?: number;
  /** How long a claim holds a delivery; attempts are cut to fit inside it. Default 60 s. */
  leaseMs?: number;
  /** Longest sleep when idle; default 250 ms (new deliveries wake it at once). */
  idleMs?: number;
  now?: () => number;
  random?: () => number;
  /** Called after each attempt with what was decided. */
  onAttempt?: (delivery: Delivery, result: DeliveryResult) => void;
  /** Where `${VAR}` references kept in deliveries are read when they are sent (rules' view). */
  env?: EnvLookup;
  /** Called when claiming or recording fails; the loop backs off and goes on. */
  onError?: (error: unknown) => void;
}

/** Runs deliveries with retries. */
export class Executor {
  private readonly wakeup = new Wakeup();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly shutdown = new AbortController();
  private running?: Promise<void>;
  private unsubscribe?: Promise<() => Promise<void>>;
  private stopping = false;
  private readonly now: () => number;

  constructor(
    private readonly store: DeliveryQueue,
    private readonly actions: ReadonlyMap<string, Action>,
    private readonly options: ExecutorOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the workers; with a shared store, other processes' new deliveries wake them too. */
  start(): void {
    this.running ??= this.loop();
    this.unsubscribe ??= this.store.subscribe(() => this.wake()).catch((e) => {
      this.options.onError?.(e);
      return async () => {};
    });
  }

  /** New deliveries were recorded: look now. */
  wake(): void {
    this.wakeup.notify();
  }

  private async loop() {
    const concurrency = this.options.concurrency ?? 32;
    const idleMs = this.options.idleMs ?? 250;
    while (!this.stopping) {
      const free = concurrency - this.inFlight.size;
      let claimed: Delivery[] = [];
      // Claim in batches: a claim per finished delivery would cost a write each.
      if (free >= Math.max(1, concurrency / 4) || (free > 0 && this.inFlight.size === 0)) {
        try {
          claimed = await this.store.claimDeliveries(this.options.owner, free, this.leaseMs);
        } catch (e) {
          this.options.onError?.(e);
        }
      }
      for (const d of claimed) {
        if (this.stopping) break;
        const run = this.run(d).finally(() => {
          this.inFlight.delete(d.id);
          this.wakeup.notify();
        });
        this.inFlight.set(d.id, run);
      }
      if (claimed.length === 0 || this.inFlight.size > concurrency * 3 / 4) {
        await this.wakeup.wait(await this.sleepMs(idleMs));
      }
    }
  }

  private get leaseMs() {
    return this.options.leaseMs ?? 60_000;
  }

  private async sleepMs(idleMs: number): Promise<number> {
    if (this.inFlight.size > 0) return idleMs;
    try {
      const due = await this.store.nextDueAt();
      return due === undefined ? idleMs : Math.max(0, Math.min(idleMs, due - this.now()));
    } catch (e) {
      this.options.onError?.(e);
      return idleMs;
    }
  }

  private run(d: Delivery): Promise<void> {
    return withSpan("sluice.delivery", {
      "sluice.delivery.id": d.id,
      "sluice.event.id": d.eventId,
      "sluice.rule": d.rule,
      "sluice.action": d.actionType,
      "sluice.attempt": d.attempts + 1,
    }, (annotate) => this.attempt(d, annotate));
  }

  private async attempt(
    d: Delivery,
    annotate: (attributes: Record<string, string | number>) => void,
  ): Promise<void> {
    const startedAt = this.now();
    // An attempt must end well inside its lease, or another worker could start it again.
    const timeoutMs = Math.min(d.timeoutMs, Math.max(this.leaseMs - 5_000, this.leaseMs / 2));
    const signal = AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(timeoutMs)]);
    let outcome: ActionOutcome;
    const action = this.actions.get(d.actionType);
    const sent = d.params && d.envRefs
      ? resolveParams(d.params, this.options.env ?? (() => undefined))
      : { params: d.params, used: [], missing: undefined };
    if (sent.params === null) {
      outcome = { kind: "permanent", error: d.renderError ?? "no parameters" };
    } else if (sent.missing) {
      outcome = {
        kind: "permanent",
        error: `environment variable ${sent.missing} is not set (set it, then replay)`,
      };
    } else if (!action) {
      outcome = { kind: "permanent", error: `no "${d.actionType}" action in this build` };
    } else {
      try {
        outcome = await action.execute(sent.params, {
          signal,
          idempotencyKey: d.idempotencyKey,
          attempt: d.attempts + 1,
          timeoutMs,
        });
      } catch (e) {
        outcome = { kind: "retry", error: `action failed: ${e instanceof Error ? e.message : e}` };
      }
    }
    if (this.shutdown.signal.aborted) {
      await this.store.releaseDeliveries([d.id], this.options.owner).catch(this.options.onError);
      return;
    }
    if (outcome.kind !== "ok") {
      const secrets = [
        ...secretValues(sent.params, secretKeysOf(d.actionType)),
        ...sent.used.filter((u) => isSecretName(u.name)).map((u) => u.value),
      ];
      outcome = {
        ...outcome,
        error: redactText(redactValues(outcome.error, secrets)).slice(0, 500),
      };
    }
    const random = (this.options.random ?? Math.random)();
    const result = decideAfterAttempt(d, outcome, startedAt, this.now(), random);
    annotate({
      "sluice.outcome": result.kind,
      ...(outcome.status ? { "http.response.status_code": outcome.status } : {}),
    });
    try {
      await this.store.finishDelivery(d.id, this.options.owner, result);
      this.options.onAttempt?.(d, result);
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  /** Stops taking work; waits up to `graceMs` for in-flight deliveries, then aborts and releases them. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wakeup.notify();
    await this.running;
    await (await this.unsubscribe)?.();
    const all = Promise.all(this.inFlight.values());
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    if (this.inFlight.size > 0) {
      this.shutdown.abort(new Error("shutting down"));
      await all;
    }
  }
}
