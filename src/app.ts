/**
 * The running sluice: wires settings, store, rules, inbox, sources, dispatcher, executor and the
 * HTTP server; starts, reloads rules and stops them in the right order. What is counted and
 * logged is decided in `observe/pipeline.ts`; this file only connects the parts.
 */
import type { Hono } from "hono";
import type { Action } from "./actions/action.ts";
import { createActions } from "./actions/registry.ts";
import type { Settings } from "./config/settings.ts";
import { Dispatcher } from "./dispatch/dispatcher.ts";
import { GroupSender } from "./dispatch/group_sender.ts";
import { SilenceBook } from "./dispatch/silences.ts";
import { isKnownEventType } from "./event/catalogue.ts";
import { Executor } from "./executor/executor.ts";
import { Inbox } from "./inbox/inbox.ts";
import { serveHttp } from "./ingress/http_server.ts";
import { buildServer, type ServerDeps } from "./ingress/server.ts";
import type { SnsTestOptions } from "./ingress/sns/handler.ts";
import { createSqsClient } from "./ingress/sqs/client.ts";
import { SqsPoller } from "./ingress/sqs/poller.ts";
import { cached } from "./observe/cached.ts";
import type { Logger } from "./observe/log.ts";
import { Metrics } from "./observe/metrics.ts";
import { type PipelineObserver, pipelineObserver } from "./observe/pipeline.ts";
import { LiveRules } from "./rules/live_rules.ts";
import { ruleEnv } from "./rules/rule_env.ts";
import { type RuleWatcher, watchRules } from "./rules/watch.ts";
import { formatProblem, type Problem } from "./rules/problem.ts";
import { openStore, type Store } from "./store/mod.ts";
import type { EnvLookup } from "./template/env.ts";

/** How the app is wired beyond its settings. */
export interface AppOptions {
  log: Logger;
  /** Where rules read `${VAR}`; the process environment by default. */
  env?: EnvLookup;
  /** Test seams for SNS certificate hosts; no CLI flag or variable reaches them. */
  snsTest?: SnsTestOptions;
  /** The clock ingress checks event ages against; `Date.now` by default (tests inject one). */
  now?: () => number;
  /** Refuse to start when the rule folder does not load, rather than run the last good set. */
  strict?: boolean;
}

/** The parts of a running app, in the order they are stopped. */
interface Parts {
  groups: GroupSender;
  /** Every route in one app, for in-process requests. */
  handler: Hono;
  /** The public listener (everything, unless `SLUICE_ADMIN_LISTEN` moves the operators' routes). */
  server: Deno.HttpServer<Deno.NetAddr>;
  /** With `SLUICE_ADMIN_LISTEN`: the listener of `/admin`, `/metrics` and the console. */
  operators?: Deno.HttpServer<Deno.NetAddr>;
  pollers: SqsPoller[];
  dispatcher: Dispatcher;
  executor: Executor;
  actions: Map<string, Action>;
}

const HOUR_MS = 3_600_000;
/** How long a store reading behind `/metrics` and `/readyz` is shared. */
const READING_MS = 1_000;
/** How long readiness waits for the store to take a write. */
const PING_TIMEOUT_MS = 2_000;

/** A started sluice. */
export class App {
  private readonly live: LiveRules;
  private parts!: Parts;
  private readonly pruneTimer: ReturnType<typeof setInterval>;
  private watcher?: RuleWatcher;

  private constructor(
    readonly settings: Settings,
    private readonly log: Logger,
    readonly store: Store,
    env: EnvLookup | undefined,
    /** The Prometheus metrics served on `/metrics`. */
    readonly metrics: Metrics,
    private readonly observer: PipelineObserver,
  ) {
    this.live = new LiveRules(
      settings.rulesDir,
      store,
      observer.rules,
      ruleEnv(settings.ruleEnv, env),
    );
    this.pruneTimer = setInterval(() => {
      store.prune().catch((e) => log.error("prune failed", { error: e }));
    }, HOUR_MS);
  }

  /**
   * Opens the store, loads the rules (a folder that does not load runs the last good set kept in
   * the store, or, with `strict` or no such set, refuses to start) and starts serving.
   */
  static async start(settings: Settings, options: AppOptions): Promise<App> {
    const log = options.log;
    const metrics = new Metrics();
    const observer = pipelineObserver(metrics, log);
    const store = await openStore(settings.store, {
      owner: true,
      worker: true,
      dedupeWindowMs: settings.dedupeWindowMs,
      onError: (e) => observer.storeFailed(e),
    });
    const app = new App(settings, log, store, options.env, metrics, observer);
    try {
      if (store.exclusive) await store.reclaimLeases();
      await app.live.start(options.strict);
      if (settings.apps.length === 0) {
        log.warn("no Stream app configured: POST /webhooks/stream refuses everything", {
          hint: "set STREAM_API_KEY and STREAM_API_SECRET",
        });
      }
      app.parts = await app.build(options);
      app.parts.dispatcher.start();
      app.parts.groups.start();
      app.parts.executor.start();
      for (const p of app.parts.pollers) p.start();
      app.watcher = watchRules(settings.rulesDir, () => void app.reload());
      log.info("sluice listening", {
        url: app.url,
        ...(settings.adminListen ? { admin_url: app.adminUrl } : {}),
        store: settings.store.replace(/\/\/[^@/]*@/, "//"),
      });
      return app;
    } catch (e) {
      clearInterval(app.pruneTimer);
      await store.close();
      throw e;
    }
  }

  private async build(options: AppOptions): Promise<Parts> {
    const { settings, log, metrics, store, observer } = this;
    const owner = `${Deno.hostname()}:${Deno.pid}:${crypto.randomUUID().slice(0, 8)}`;
    const actions = createActions({
      http: { maxConcurrencyPerHost: settings.http.maxConcurrencyPerHost },
      slack: { apiUrl: settings.slack.apiUrl, threads: store },
      email: {
        defaultUrl: settings.smtp?.url,
        defaultFrom: settings.smtp?.from,
        ca: settings.smtp?.caFile ? await Deno.readTextFile(settings.smtp.caFile) : undefined,
      },
    });
    const executor = new Executor(store, actions, {
      owner,
      concurrency: settings.executor.concurrency,
      leaseMs: settings.executor.leaseMs,
      env: this.live.env,
      onAttempt: (d, r) => observer.attempted(d, r),
      onError: (e) => observer.executorFailed(e),
    });
    const rateIntervals = {
      slack: 1000 / settings.slack.ratePerSecond,
      http: settings.http.ratePerHostPerSecond && 1000 / settings.http.ratePerHostPerSecond,
    };
    const silences = new SilenceBook(store);
    const dispatcher = new Dispatcher(store, () => this.live.rules, {
      owner,
      silences,
      leaseMs: Math.min(30_000, settings.executor.leaseMs),
      evaluationBudgetMs: settings.evaluationBudgetMs,
      rateIntervals,
      // No wake-up here: the store's notification wakes the executor when deliveries were written.
      onDispatched: (report) => observer.dispatched(report),
      onError: (e) => observer.dispatchFailed(e),
    });
    const groups = new GroupSender(store, () => this.live.rules, {
      owner,
      leaseMs: settings.executor.leaseMs,
      rateIntervals,
      onSent: (report) => {
        observer.groupSent(report);
        executor.wake();
      },
      onError: (e) => observer.dispatchFailed(e),
    });
    const inbox = new Inbox({
      store,
      handoff: dispatcher,
      planner: dispatcher,
      observer: observer.inbox,
      isKnownType: isKnownEventType,
    });
    const stats = cached(() => store.stats(), READING_MS);
    const pollers: SqsPoller[] = [];
    for (const queueUrl of settings.sqs.queues) {
      pollers.push(
        new SqsPoller({
          queueUrl,
          client: await createSqsClient(queueUrl),
          inbox,
          store,
          log,
          maxBodyBytes: settings.maxBodyBytes,
          pollers: settings.sqs.pollersPerQueue,
          waitSeconds: settings.sqs.waitSeconds,
          visibilitySeconds: settings.sqs.visibilitySeconds,
          maxPending: settings.sqs.maxPending,
        }),
      );
    }
    metrics.gaugeGroup([
      { name: "sluice_queue_depth", help: "Deliveries waiting or running." },
      { name: "sluice_pending_events", help: "Accepted events not yet dispatched." },
      { name: "sluice_dead_letters", help: "Dead-lettered deliveries." },
    ], async () => {
      const s = await stats();
      return {
        sluice_queue_depth: s.pendingDeliveries,
        sluice_pending_events: s.pendingEvents,
        sluice_dead_letters: s.deadLetters,
      };
    });
    metrics.gauge({
      name: "sluice_rule_load_errors",
      help: "Errors found by the last rule load or reload (0 when the rules are valid).",
      read: () => this.live.status.problems.filter((p) => p.severity === "error").length,
    });
    const ready = cached(() => this.readiness(pollers), READING_MS);
    const deps: ServerDeps = {
      metrics,
      admin: {
        token: settings.adminToken,
        store,
        rules: () => this.live.rules,
        loadProblems: () => this.live.status.problems,
        rulesState: () => this.live.status,
        reload: () => this.reload(),
        log,
        rateIntervals,
        silences,
      },
      log,
      ready,
      webhook: {
        inbox,
        apps: settings.apps,
        maxBodyBytes: settings.maxBodyBytes,
        maxEventAgeMs: settings.maxEventAgeMs,
        now: options.now,
        log,
      },
      sns: {
        inbox,
        topics: settings.snsTopics,
        maxBodyBytes: settings.maxBodyBytes,
        maxEventAgeMs: settings.maxEventAgeMs,
        now: options.now,
        log,
        test: options.snsTest,
      },
    };
    const handler = buildServer(deps, "all");
    const limits = { ...settings.server, log };
    const server = settings.adminListen
      ? serveHttp({ ...settings.listen, ...limits }, buildServer(deps, "public").fetch)
      : serveHttp({ ...settings.listen, ...limits }, handler.fetch);
    const operators = settings.adminListen &&
      serveHttp({ ...settings.adminListen, ...limits }, buildServer(deps, "operators").fetch);
    return { handler, server, operators, pollers, dispatcher, groups, executor, actions };
  }

  /** Ready once rules are loaded, the store takes writes and every queue can be polled. */
  private async readiness(
    pollers: SqsPoller[],
  ): Promise<{ ready: boolean; detail?: Record<string, unknown> }> {
    try {
      await withTimeout(this.store.ping(), PING_TIMEOUT_MS, "the store did not take a write");
    } catch (e) {
      return { ready: false, detail: { store: e instanceof Error ? e.message : String(e) } };
    }
    const failing = pollers.map((p) => p.health).filter((h) => !h.healthy);
    if (failing.length) return { ready: false, detail: { queues: failing } };
    // Rules that do not load leave sluice serving the set in force: ready, and saying so.
    const rules = this.live.status;
    const errors = rules.problems.filter((p) => p.severity === "error");
    if (rules.running === "files" && errors.length === 0) return { ready: true };
    return {
      ready: true,
      detail: {
        rules: {
          running: rules.running === "files"
            ? "the folder as last loaded"
            : `the last good set, kept ${new Date(rules.loadedAt).toISOString()}`,
          problems: errors.map(formatProblem),
          not_applied: rules.notApplied,
        },
      },
    };
  }

  /** The HTTP app itself, for in-process requests (`app.http.request(...)`, as Hono's tests do). */
  get http(): Hono {
    return this.parts.handler;
  }

  /** `http://host:port` of the public listener. */
  get url(): string {
    return urlOf(this.parts.server);
  }

  /** `http://host:port` where `/admin`, `/metrics` and the console are served. */
  get adminUrl(): string {
    return urlOf(this.parts.operators ?? this.parts.server);
  }

  /** Re-validates the rules; swaps them in if valid, keeps the running set otherwise. */
  reload(): Promise<{ ok: boolean; problems: Problem[] }> {
    return this.live.reload();
  }

  /** Problems found by the last load or reload. */
  get loadProblems(): Problem[] {
    return this.live.status.problems;
  }

  /**
   * Stops taking requests and messages (pollers finish the batch in hand), finishes in-flight
   * deliveries for up to `graceMs`, and closes the store.
   */
  async stop(graceMs = 10_000): Promise<void> {
    const { server, operators, pollers, dispatcher, groups, executor, actions } = this.parts;
    this.log.info("stopping", { grace_ms: graceMs });
    clearInterval(this.pruneTimer);
    this.watcher?.close();
    await Promise.all([
      server.shutdown(),
      operators?.shutdown(),
      ...pollers.map((p) => p.stop()),
    ]);
    await dispatcher.stop();
    await groups.stop();
    await executor.stop(graceMs);
    for (const action of actions.values()) await action.close?.();
    await this.store.close();
    this.log.info("stopped");
  }
}

function urlOf(server: Deno.HttpServer<Deno.NetAddr>): string {
  const { hostname, port } = server.addr;
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
