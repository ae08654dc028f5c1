/**
 * `sluice diff --rules DIR`: what a rule change would have done to the stored traffic of a
 * window. Reads the configured store page by page (also while `run` runs) and sends nothing.
 */
import { type DiffReport, RuleDiff } from "../rules/diff.ts";
import type { Store } from "../store/mod.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";
import { currentRules, limitOf, sinceOf, withStore } from "./store_access.ts";

/**
 * Events read per page. After each page diff rests as long as the page took, so it uses at most
 * about half a core and leaves the rest (and the store) to `run` on the same machine.
 */
const PAGE = 500;

/** The `diff` command. */
export const diffCommand: Command = {
  name: "diff",
  summary: "What a rule change would have done to the stored events of a window",
  help: `Usage: sluice diff --rules DIR [--current DIR] [--since DUR] [--limit N] [--json]
                  [--fail-on-change] [--config FILE]

Evaluates the stored events received in the window (--since, default 24h) under the current
rules (--current, default the config's rules folder, ./rules) and under the proposed rules in
DIR, and prints per rule how many events it fires for, before → after; then, for up to N events
whose outcome changes (--limit, default 10), the rules that start or stop firing and the
rendered parameters that differ (secrets masked, as match shows them). Sends nothing and
changes nothing. "Fires" means its "if" is true: throttle windows, groups and silences are not
replayed.

Works on the configured store (SLUICE_STORE, or "store" in the config file), also while
"sluice run" is running.

Exit status: 0 done (with --fail-on-change: and nothing changes), 1 something changes with
--fail-on-change, or a rule folder does not load, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      rules: { type: "string" },
      current: { type: "string" },
      since: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean" },
      "fail-on-change": { type: "boolean" },
      config: { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (!values.rules) throw new UsageError("--rules DIR (the proposed rules) is required");
    const since = sinceOf(values.since ?? "24h")!;
    const limit = limitOf(values.limit, 10);
    const proposed = await currentRules(values.rules);
    const report = await withStore(values.config, async (store, settings) => {
      const current = await currentRules(values.current ?? settings.rulesDir);
      return await compare(store, new RuleDiff(current, proposed, limit), since);
    });
    if (values.json) console.log(JSON.stringify({ since: iso(since), ...report }, null, 2));
    else console.log(describe(report, since, values.current ?? "the current rules", values.rules));
    return values["fail-on-change"] && report.changed > 0 ? EXIT_FAILED : EXIT_OK;
  },
};

/** Feeds every stored event of the window, newest first, to `diff`. */
export async function compare(store: Store, diff: RuleDiff, since: number): Promise<DiffReport> {
  let before: string | undefined;
  for (;;) {
    const started = performance.now();
    const page = await store.scanEvents(since, before, PAGE);
    for (const event of page) await diff.add(event);
    if (page.length < PAGE) break;
    before = page.at(-1)!.id;
    await new Promise((r) => setTimeout(r, performance.now() - started));
  }
  return diff.report();
}

const iso = (ms: number) => new Date(ms).toISOString();

function describe(report: DiffReport, since: number, current: string, proposed: string): string {
  const out = [
    `${report.events} stored event(s) since ${iso(since)}: ${current} → ${proposed}`,
    "",
  ];
  const width = Math.max(4, ...report.rules.map((r) => r.rule.length));
  out.push(`${"rule".padEnd(width)}  before → after`);
  for (const r of report.rules) {
    const delta = r.after - r.before;
    const note = r.before === 0 && r.after > 0
      ? "  (starts firing)"
      : r.after === 0 && r.before > 0
      ? "  (stops firing)"
      : delta
      ? `  (${delta > 0 ? "+" : ""}${delta})`
      : "";
    out.push(`${r.rule.padEnd(width)}  ${String(r.before).padStart(6)} → ${r.after}${note}`);
  }
  out.push("");
  if (report.changed === 0) {
    out.push("no event's outcome changes");
    return out.join("\n");
  }
  out.push(`${report.changed} event(s) change; the first ${report.samples.length}:`);
  for (const e of report.samples) {
    out.push(`  ${e.id}  ${e.type}  ${e.received_at}`);
    if (e.starts.length) out.push(`    starts firing: ${e.starts.join(", ")}`);
    if (e.stops.length) out.push(`    stops firing: ${e.stops.join(", ")}`);
    for (const p of e.params) out.push(`    ${p}`);
  }
  return out.join("\n");
}
