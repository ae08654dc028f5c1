/**
 * The running sluice: wires settings, store, rules, dispatcher, executor and HTTP server; starts,
 * reloads rules and stops them in the right order. Every arrow of the pipeline is a call here.
 */
import type { Action } from "./actions/action.ts";
import { actionSpecs } from "./actions/catalog.ts";
import { createActions } from "./actions/registry.ts";
import type { Settings } from "./config/settings.ts";
import type { EnvLookup } from "./template/env.ts";
import { Dispatcher } from "./dispatch/dispatcher.ts";
import { Executor } from "./executor/executor.ts";
import { buildServer } from "./ingress/server.ts";
import type { SnsTestOptions } from "./ingress/sns/handler.ts";
import type { Logger } from "./observe/log.ts";
import { loadRuleSet } from "./rules/load.ts";
import { formatProblem, type Problem, RuleLoadError } from "./rules/problem.ts";
import type { RuleSet } from "./rules/rule_set.ts";
import { openStore, type RuntimeStore } from "./store/open.ts";

/** How the app is wired beyond its settings. */
export interface AppOptions {
  log: Logger;
  /** Where rules read `${VAR}`; the process environment by default. */
  env?: EnvLookup;
  /** Test seams for SNS certificate hosts; no CLI flag or variable reaches them. */
  snsTest?: SnsTestOptions;
}

const HOUR_MS = 3_600_000;

/** A started sluice. */
export class App {
  private rules: RuleSet;
  private lastLoadProblems: Problem[] = [];
  private readonly pruneTimer: ReturnType<typeof setInterval>;

  private constructor(
    readonly settings: Settings,
    readonly store: RuntimeStore,
    rules: RuleSet,
    private readonly log: Logger,
    private readonly dispatcher: Dispatcher,
    private readonly executor: Executor,
    private readonly server: Deno.HttpServer<Deno.NetAddr>,
    private readonly actions: Map<string, Action>,
    private readonly env?: EnvLookup,
  ) {
    this.rules = rules;
    this.pruneTimer = setInterval(() => {
      this.store.prune().catch((e) => log.error("prune failed", { error: e }));
    }, HOUR_MS);
  }

  /** Opens the store, loads the rules (refusing to start on any error) and starts serving. */
  static async start(settings: Settings, options: AppOptions): Promise<App> {
    const log = options.log;
    const store = await openStore(settings.store, { dedupeWindowMs: settings.dedupeWindowMs });
    let app: App | undefined;
    try {
      await store.reclaimLeases?.();
      const { rules, problems, files } = await loadRuleSet([settings.rulesDir], {
        env: options.env,
      });
      for (const p of problems) log.warn("rule warning", { problem: formatProblem(p) });
      log.info("rules loaded", {
        dir: settings.rulesDir,
        files: files.length,
        rules: rules.rules.length,
      });
      if (settings.apps.length === 0) {
        log.warn("no Stream app configured: POST /webhooks/stream refuses everything", {
          hint: "set STREAM_API_KEY and STREAM_API_SECRET",
        });
      }
      const owner = `${Deno.hostname()}:${Deno.pid}`;
      const actions = createActions({
        http: { maxConcurrencyPerHost: settings.http.maxConcurrencyPerHost },
        slack: { apiUrl: settings.slack.apiUrl },
        email: {
          defaultUrl: settings.smtp?.url,
          defaultFrom: settings.smtp?.from,
          ca: settings.smtp?.caFile ? await Deno.readTextFile(settings.smtp.caFile) : undefined,
        },
      });
      const executor = new Executor(store, actions, {
        owner,
        concurrency: settings.executor.concurrency,
        onAttempt: (d, r) =>
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
          ),
        secretKeys: (type) => actionSpecs.find((s) => s.name === type)?.secretKeys ?? [],
        onError: (e) => log.error("executor error", { error: e }),
      });
      const dispatcher = new Dispatcher(store, () => app!.rules, {
        owner,
        rateIntervals: {
          slack: 1000 / settings.slack.ratePerSecond,
          http: settings.http.ratePerHostPerSecond && 1000 / settings.http.ratePerHostPerSecond,
        },
        onDispatched: (report) => {
          log.debug("event dispatched", {
            event_id: report.event.id,
            type: report.event.type,
            matched: report.evaluation.matches.map((m) => m.rule.name),
            throttled: report.throttled,
            errors: report.evaluation.errors.map((e) => e.message),
          });
          executor.wake();
        },
        onError: (e) => log.error("dispatch error", { error: e }),
      });
      const handler = buildServer({
        log,
        ready: async () => {
          try {
            await store.stats();
            return true;
          } catch {
            return false;
          }
        },
        webhook: {
          store,
          apps: settings.apps,
          maxBodyBytes: settings.maxBodyBytes,
          log,
          dispatch: dispatcher,
        },
        sns: {
          store,
          topics: settings.snsTopics,
          maxBodyBytes: settings.maxBodyBytes,
          log,
          dispatch: dispatcher,
          test: options.snsTest,
        },
      });
      const server = Deno.serve({
        hostname: settings.listen.hostname,
        port: settings.listen.port,
        onListen: () => {},
      }, handler.fetch);
      app = new App(
        settings,
        store,
        rules,
        log,
        dispatcher,
        executor,
        server,
        actions,
        options.env,
      );
      dispatcher.start();
      executor.start();
      log.info("sluice listening", {
        url: app.url,
        store: settings.store.replace(/\/\/[^@/]*@/, "//"),
      });
      return app;
    } catch (e) {
      await store.close();
      throw e;
    }
  }

  /** `http://host:port` of the running server. */
  get url(): string {
    const { hostname, port } = this.server.addr;
    return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  }

  /** Re-validates the rules; swaps them in if valid, keeps the last good set otherwise. */
  async reload(): Promise<{ ok: boolean; problems: Problem[] }> {
    try {
      const { rules, problems } = await loadRuleSet([this.settings.rulesDir], { env: this.env });
      this.rules = rules;
      this.lastLoadProblems = problems;
      this.log.info("rules reloaded", { rules: rules.rules.length });
      return { ok: true, problems };
    } catch (e) {
      if (!(e instanceof RuleLoadError)) throw e;
      this.lastLoadProblems = e.problems;
      this.log.error("rules reload failed; keeping the last good rules", {
        problems: e.problems.map(formatProblem),
      });
      return { ok: false, problems: e.problems };
    }
  }

  /** Problems found by the last load or reload. */
  get loadProblems(): Problem[] {
    return this.lastLoadProblems;
  }

  /** Stops taking requests, finishes in-flight deliveries for up to `graceMs`, closes the store. */
  async stop(graceMs = 10_000): Promise<void> {
    this.log.info("stopping", { grace_ms: graceMs });
    clearInterval(this.pruneTimer);
    await this.server.shutdown();
    await this.dispatcher.stop();
    await this.executor.stop(graceMs);
    for (const action of this.actions.values()) await action.close?.();
    await this.store.close();
    this.log.info("stopped");
  }
}
