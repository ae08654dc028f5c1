/**
 * What the store-using commands (`dlq`, `inbox`, `silence`, `diff`) share: the configured store,
 * the current rules for re-rendering, `--since` durations, and audit lines on standard error.
 */
import { loadSettings } from "../config/load.ts";
import type { Settings } from "../config/settings.ts";
import { Logger } from "../observe/log.ts";
import { loadRuleSet } from "../rules/load.ts";
import { formatProblem, RuleLoadError } from "../rules/problem.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import { parseDuration } from "../rules/duration.ts";
import { openStore, type Store } from "../store/mod.ts";
import { UsageError } from "./command.ts";

/** Opens the configured store, runs `fn`, closes it. */
export async function withStore<T>(
  configFile: string | undefined,
  fn: (store: Store, settings: Settings) => Promise<T>,
): Promise<T> {
  const settings = await loadSettings({ file: configFile });
  const store = await openStore(settings.store, { dedupeWindowMs: settings.dedupeWindowMs });
  try {
    return await fn(store, settings);
  } finally {
    await store.close();
  }
}

/** A rule folder that does not load; the command prints the problems and exits 1. */
export class RulesDoNotLoadError extends Error {
  constructor(readonly dir: string, readonly problems: string[]) {
    super(`the rules in ${dir} do not load:\n${problems.join("\n")}`);
    this.name = "RulesDoNotLoadError";
  }
}

/** The rules at `dir` (default: the config's rules folder), all of them valid. */
export async function currentRules(dir: string): Promise<RuleSet> {
  try {
    return (await loadRuleSet([dir])).rules;
  } catch (e) {
    if (e instanceof RuleLoadError) {
      throw new RulesDoNotLoadError(
        dir,
        e.problems.filter((p) => p.severity === "error").map(formatProblem),
      );
    }
    throw e;
  }
}

/** `--since DUR` (e.g. `24h`) as epoch milliseconds, or undefined. */
export function sinceOf(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new UsageError(`--since: "${text}" is not a duration such as 30m, 24h or 7d`);
  }
  return now - ms;
}

/** `--limit N`, a positive integer, or the default. */
export function limitOf(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError("--limit must be a positive integer");
  return n;
}

/** Audit lines of the CLI: JSON on standard error, so standard output stays the command's answer. */
export function auditLog(): (action: string, fields: Record<string, unknown>) => void {
  const log = new Logger("info", (line) => console.error(line));
  return (action, fields) =>
    log.info(`audit: ${action}`, { audit: true, actor: "cli", action, ...fields });
}
