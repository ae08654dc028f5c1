/** `sluice inbox list|show|redispatch`: find stored events, see what became of one, run it again. */
import { eventSummaryView, eventView, iso } from "../admin/views.ts";
import type { TraceNode } from "../delivery/decision.ts";
import { redispatch } from "../dispatch/repair.ts";
import { EVENT_OUTCOMES, type EventOutcome, type EventSummary } from "../inbox/model.ts";
import { type EventSearch, searchEvents, WhereError } from "../inbox/search.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";
import { auditLog, currentRules, limitOf, sinceOf, withStore } from "./store_access.ts";

/** The `inbox` command. */
export const inboxCommand: Command = {
  name: "inbox",
  summary: "Find stored events, show what became of one, dispatch them again",
  help: `Usage: sluice inbox list [FILTERS] [--limit N] [--json]
       sluice inbox show ID [--json]
       sluice inbox redispatch ID… | --all [FILTERS] [--rules DIR]
FILTERS: --type PATTERN (* matches any run of characters)  --webhook-id ID (the sender's id:
         X-Webhook-Id, or the SQS/SNS message id)  --rule NAME  --outcome matched|unmatched|
         error|dead  --where JSONATA (a condition over the event body, e.g. user.id = "mallory")
         --since DUR (e.g. 24h)
Common: --config FILE

list        events newest first (default 50): id, when, type, source, sender's id, outcome, the
            rules that fired. --where reads up to 10,000 events, newest first, and says so when
            it stopped before finding --limit.
show        one event, by sluice's id or the sender's id: its body, its decision record (each
            rule listening to its type: fired, or why not), and its deliveries with every attempt.
redispatch  evaluates the events again under the current rules (--rules DIR, default the config's
            rules folder). Per (rule, action) that fires now: a delivery already done is left
            alone, a dead one is rendered again and re-queued, a missing one is created, all under
            the same idempotency keys as before. Throttle windows do not apply. Prints what it did.

Exit status: 0 done, 1 an event was not found or could not be dispatched, 2 bad usage.`,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, {
      config: { type: "string" },
      json: { type: "boolean" },
      limit: { type: "string" },
      all: { type: "boolean" },
      type: { type: "string" },
      "webhook-id": { type: "string" },
      rule: { type: "string" },
      outcome: { type: "string" },
      where: { type: "string" },
      since: { type: "string" },
      rules: { type: "string" },
    });
    if (sub !== "list" && sub !== "show" && sub !== "redispatch") {
      throw new UsageError('expected "list", "show" or "redispatch"');
    }
    const outcome = values.outcome;
    if (outcome !== undefined && !EVENT_OUTCOMES.includes(outcome as EventOutcome)) {
      throw new UsageError(`--outcome: expected one of ${EVENT_OUTCOMES.join(", ")}`);
    }
    const search: EventSearch = {
      type: values.type,
      senderId: values["webhook-id"],
      rule: values.rule,
      outcome: outcome as EventOutcome | undefined,
      where: values.where,
      since: sinceOf(values.since),
    };
    return await withStore(values.config, async (store, settings) => {
      const find = async (s: EventSearch) => {
        try {
          return await searchEvents(store, s);
        } catch (e) {
          if (e instanceof WhereError) throw new UsageError(`--${e.message}`);
          throw e;
        }
      };
      if (sub === "show") {
        if (positionals.length !== 1) throw new UsageError("show takes one event id");
        const record = await store.getEvent(positionals[0]);
        if (!record) {
          console.error(`${positionals[0]}: no such event (neither sluice's id nor a sender's id)`);
          return EXIT_FAILED;
        }
        console.log(
          values.json ? JSON.stringify(eventView(record), null, 2) : describe(eventView(record)),
        );
        return EXIT_OK;
      }
      if (sub === "list") {
        if (positionals.length) throw new UsageError("list takes filters, not IDs");
        const result = await find({ ...search, limit: limitOf(values.limit, 50) });
        if (values.json) {
          console.log(JSON.stringify(
            {
              items: result.items.map(eventSummaryView),
              next_before: result.nextBefore,
              ...(search.where === undefined
                ? {}
                : { scanned: result.scanned, truncated: result.truncated }),
            },
            null,
            2,
          ));
          return EXIT_OK;
        }
        for (const e of result.items) console.log(line(e));
        console.log(
          `${result.items.length} event(s)` +
            (search.where === undefined ? "" : `, ${result.scanned} scanned`) +
            (result.truncated
              ? `; stopped after ${result.scanned} (add --since, or narrow the filters)`
              : "") +
            (result.nextBefore ? `; older: the same filters after this list's last id` : ""),
        );
        return EXIT_OK;
      }
      if ((positionals.length > 0) === (values.all ?? false)) {
        throw new UsageError("give event IDs, or --all with filters");
      }
      const ids = positionals.length
        ? positionals
        : (await find({ ...search, limit: limitOf(values.limit, 1000) })).items.map((e) => e.id);
      const rules = await currentRules(values.rules ?? settings.rulesDir);
      const reports = await redispatch({ store, rules }, ids);
      auditLog()("redispatch", { ids });
      let failed = 0;
      for (const r of reports) {
        if ("error" in r) {
          console.log(`${r.id}: ${r.error}`);
          failed++;
          continue;
        }
        const { created, requeued, unchanged } = r.result;
        console.log(
          `${r.eventId}: fires ${r.fired.length ? r.fired.join(", ") : "no rule"}; ` +
            `${created.length} created, ${requeued.length} re-queued, ${unchanged.length} left as they were` +
            (unchanged.length ? ` (${unchanged.map((u) => u.status).join(", ")})` : ""),
        );
      }
      return failed ? EXIT_FAILED : EXIT_OK;
    });
  },
};

function line(e: EventSummary): string {
  return [
    e.id,
    iso(e.receivedAt),
    e.type,
    e.source,
    e.senderId ?? "-",
    e.outcome ?? "pending",
    e.rules.length ? e.rules.join(",") : "-",
  ].join("  ");
}

function describe(v: ReturnType<typeof eventView>): string {
  const out = [
    `event ${v.id}  ${v.type}  from ${v.source}${v.sender_id ? ` (sender id ${v.sender_id})` : ""}`,
    `received ${v.received_at}; ${
      v.dispatched_at ? `dispatched ${v.dispatched_at}` : "not dispatched yet"
    }; outcome ${v.outcome}`,
    "",
    "rules:",
  ];
  for (const r of v.decision?.rules ?? []) {
    const what = r.fired ? `fired${r.mode === "shadow" ? " (shadow)" : ""}` : r.reason;
    out.push(`  ${r.rule}: ${what}${r.error ? `: ${r.error}` : ""}`);
    if (r.trace) out.push(...traceLines(r.trace, "    "));
    for (const m of r.missing ?? []) out.push(`    left out: ${m}`);
  }
  for (const t of v.decision?.throttled ?? []) out.push(`  ${t}: throttled`);
  if (!v.decision) out.push("  (not dispatched yet)");
  out.push("", "deliveries:");
  for (const d of v.deliveries) {
    out.push(
      `  ${d.id} ${d.rule} do[${d.action.index}] ${d.action.type}: ${d.status}${
        d.last_error ? ` (${d.last_error})` : ""
      }`,
    );
    for (const note of d.notes ?? []) out.push(`    note: ${note}`);
    for (const a of d.history ?? []) {
      out.push(
        `    ${a.at} ${a.outcome}${a.status ? ` ${a.status}` : ""} ${a.duration_ms}ms${
          a.error ? ` ${a.error}` : ""
        }`,
      );
    }
  }
  if (!v.deliveries.length) out.push("  none");
  out.push("", "body:", JSON.stringify(v.event, null, 2));
  return out.join("\n");
}

/** A trace as an indented tree: each operand with its value. */
export function traceLines(node: TraceNode, indent: string): string[] {
  const value = node.error !== undefined
    ? `failed: ${node.error}`
    : node.nothing
    ? "nothing (not in the event)"
    : JSON.stringify(node.value);
  const lines = [
    `${indent}${node.op ? `${node.op.toUpperCase()} ` : ""}${node.source}  →  ${value}`,
  ];
  for (const p of node.parts ?? []) lines.push(...traceLines(p, `${indent}  `));
  return lines;
}
