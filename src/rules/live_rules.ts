/**
 * The rule set a running sluice uses, and how it changes: loaded from the folder at start (or, if
 * a file is broken, the last good set kept in the store, so a typo on restart is not an outage),
 * reloaded on change, keeping the running set when the folder does not load and naming the
 * changed files that were therefore not applied.
 */
import type { RuleSets } from "../store/roles.ts";
import type { EnvLookup } from "../template/env.ts";
import { compileSources, loadRuleSet, type RuleSource } from "./load.ts";
import { formatProblem, hasErrors, type Problem, RuleLoadError } from "./problem.ts";
import { RuleSet } from "./rule_set.ts";

/** Where the running rules came from. */
export interface RulesState {
  /** `files`: the folder as it is; `last good`: the folder does not load, the kept set runs. */
  running: "files" | "last good";
  /** When the running set was loaded (or, for `last good`, kept). */
  loadedAt: number;
  rules: number;
  /** The problems of the last load or reload (errors mean the folder was not applied). */
  problems: Problem[];
  /** After a failed reload: the changed files whose changes are not running. */
  notApplied: string[];
}

/** What the live rules report. */
export interface RulesObserver {
  /** A set was loaded: at start, or by a reload (`reload`). */
  loaded(state: RulesState, warnings: Problem[], reload: boolean): void;
  failed(state: RulesState, errors: Problem[], reload: boolean): void;
  keepFailed(error: unknown): void;
}

/** The running rule set. */
export class LiveRules {
  private current!: RuleSet;
  private sources: RuleSource[] = [];
  private state!: RulesState;

  constructor(
    private readonly dir: string,
    private readonly store: RuleSets,
    private readonly observer: RulesObserver,
    /** Where rules read `${VAR}`: at load, and when their deliveries are sent. */
    readonly env?: EnvLookup,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rules in force. */
  get rules(): RuleSet {
    return this.current;
  }

  /** What is running and what the last load found. */
  get status(): RulesState {
    return this.state;
  }

  /**
   * Loads the folder. If it does not load: with `strict`, or with no last good set in the store,
   * throws the {@link RuleLoadError}; otherwise runs the last good set and reports the problems.
   */
  async start(strict = false): Promise<void> {
    try {
      await this.apply(await loadRuleSet([this.dir], { env: this.env }), false);
      return;
    } catch (e) {
      if (!(e instanceof RuleLoadError) || strict) throw e;
      const kept = await this.store.lastRuleSet();
      const fallback = kept && compileSources(kept.files, { env: this.env });
      if (!kept || !fallback || hasErrors(fallback.problems)) throw e;
      this.current = new RuleSet(fallback.rules);
      this.sources = fallback.sources;
      this.state = {
        running: "last good",
        loadedAt: kept.savedAt,
        rules: fallback.rules.length,
        problems: e.problems,
        notApplied: changedFiles(kept.files, e.sources),
      };
      this.observer.failed(this.state, e.problems.filter((p) => p.severity === "error"), false);
    }
  }

  /** Loads the folder again; on failure the running set stays and the problems are reported. */
  async reload(): Promise<{ ok: boolean; problems: Problem[] }> {
    try {
      await this.apply(await loadRuleSet([this.dir], { env: this.env }), true);
      return { ok: true, problems: this.state.problems };
    } catch (e) {
      if (!(e instanceof RuleLoadError)) throw e;
      this.state = {
        ...this.state,
        problems: e.problems,
        notApplied: changedFiles(this.sources, e.sources),
      };
      this.observer.failed(this.state, e.problems.filter((p) => p.severity === "error"), true);
      return { ok: false, problems: e.problems };
    }
  }

  private async apply(loaded: Awaited<ReturnType<typeof loadRuleSet>>, reload: boolean) {
    this.current = loaded.rules;
    this.sources = loaded.sources;
    this.state = {
      running: "files",
      loadedAt: this.now(),
      rules: loaded.rules.rules.length,
      problems: loaded.problems,
      notApplied: [],
    };
    this.observer.loaded(this.state, loaded.problems, reload);
    try {
      await this.store.saveRuleSet(loaded.sources);
    } catch (e) {
      this.observer.keepFailed(e);
    }
  }
}

/** Files added, removed or edited between the running set and the folder as read. */
function changedFiles(running: readonly RuleSource[], read: readonly RuleSource[]): string[] {
  const before = new Map(running.map((s) => [s.path, s.text]));
  const after = new Map(read.map((s) => [s.path, s.text]));
  const changed = new Set<string>();
  for (const [path, text] of after) if (before.get(path) !== text) changed.add(path);
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  return [...changed].sort();
}

/** The problems as `PATH:LINE:COL: message` lines. */
export const problemLines = (problems: readonly Problem[]) => problems.map(formatProblem);
