/** `sluice dlq list|replay|discard`: dead letters on the configured store, with filters. */
import { secretKeysOf } from "../actions/catalog.ts";
import type { DeadLetter, DeadLetterFilter } from "../delivery/model.ts";
import { deadLetterIds, replay } from "../dispatch/repair.ts";
import { attemptView } from "../admin/views.ts";
import { storedParamsView } from "../observe/redact.ts";
import type { Store } from "../store/mod.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";
import { auditLog, currentRules, limitOf, sinceOf, withStore } from "./store_access.ts";

/** The `dlq` command. */
export const dlqCommand: Command = {
  name: "dlq",
  summary: "List, replay and discard dead-lettered deliveries",
  help: `Usage: sluice dlq list [FILTERS] [--json] [--limit N]
       sluice dlq replay ID… | --all [FILTERS] [--rules DIR]
       sluice dlq discard ID… | --all [FILTERS] --reason TEXT
FILTERS: --rule NAME  --since DUR (e.g. 24h)  --error TEXT (in the last error, any case)
Common: --config FILE

Works on the configured store (SLUICE_STORE, or "store" in the config file; default
sqlite:./data/sluice.db), also while "sluice run" is running.

list     one line per dead letter, oldest first: id, when it died, rule, action, event type,
         attempts, last error; --json prints each with its parameters (secrets masked) and every
         attempt.
replay   re-queues dead letters with a fresh retry window and the same idempotency key. Each is
         rendered again from the current version of its rule (--rules DIR, default the config's
         rules folder) when that rule still has the action, so a fixed template repairs it; the
         stored parameters are used otherwise. One whose template still fails stays dead.
discard  takes dead letters off the queue (and out of sluice_dead_letters), keeping them in history
         as "discarded" with the reason.
--all    every dead letter matching the filters (with no filter: all of them).

Exit status: 0 done, 1 an ID could not be acted on (each is named), 2 bad usage.`,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, {
      config: { type: "string" },
      json: { type: "boolean" },
      limit: { type: "string" },
      all: { type: "boolean" },
      rule: { type: "string" },
      since: { type: "string" },
      error: { type: "string" },
      reason: { type: "string" },
      rules: { type: "string" },
    });
    if (sub !== "list" && sub !== "replay" && sub !== "discard") {
      throw new UsageError('expected "list", "replay" or "discard"');
    }
    const filter: DeadLetterFilter = {
      rule: values.rule,
      since: sinceOf(values.since),
      error: values.error,
    };
    const filtered = values.rule !== undefined || values.since !== undefined ||
      values.error !== undefined;
    if (sub === "list") {
      if (positionals.length) throw new UsageError("list takes filters, not IDs");
      return await withStore(values.config, async (store) => {
        const dead = await store.listDeadLetters({ ...filter, limit: limitOf(values.limit, 1000) });
        printList(dead, values.json ?? false);
        return EXIT_OK;
      });
    }
    if (positionals.length > 0 === (values.all ?? false)) {
      throw new UsageError("give dead letter IDs, or --all (with filters to narrow it)");
    }
    if (positionals.length && filtered) {
      throw new UsageError("filters go with --all; with IDs, only those are taken");
    }
    if (sub === "discard" && !values.reason?.trim()) {
      throw new UsageError("discard needs --reason TEXT (kept in history with the dead letters)");
    }
    return await withStore(values.config, async (store, settings) => {
      const ids = positionals.length ? positionals : await deadLetterIds(store, filter);
      const audit = auditLog();
      if (sub === "discard") {
        const { changed, missing } = await store.discardDeadLetters(ids, values.reason!.trim());
        audit("dlq discard", { ids: changed, reason: values.reason!.trim() });
        console.log(
          `discarded ${changed.length} dead letter(s)${
            changed.length ? `: ${changed.join(", ")}` : ""
          }`,
        );
        for (const id of missing) console.log(`${id}: not a dead letter (see sluice dlq list)`);
        return missing.length ? EXIT_FAILED : EXIT_OK;
      }
      return await replayIds(store, ids, values.rules ?? settings.rulesDir, audit);
    });
  },
};

async function replayIds(
  store: Store,
  ids: string[],
  rulesDir: string,
  audit: ReturnType<typeof auditLog>,
): Promise<number> {
  const rules = await currentRules(rulesDir);
  const report = await replay({ store, rules }, ids);
  audit("dlq replay", { ids: report.replayed.map((r) => r.id) });
  const rerendered = report.replayed.filter((r) => r.rerendered).length;
  console.log(
    `re-queued ${report.replayed.length} of ${ids.length} dead letter(s)` +
      (report.replayed.length ? ` (${rerendered} rendered again from their current rule)` : ""),
  );
  for (const f of report.failed) console.log(`${f.id}: ${f.reason}`);
  return report.failed.length ? EXIT_FAILED : EXIT_OK;
}

function printList(dead: DeadLetter[], json: boolean) {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (json) {
    console.log(JSON.stringify(
      dead.map((d) => ({
        id: d.id,
        event_id: d.eventId,
        event_type: d.eventType,
        rule: d.rule,
        action: { index: d.actionIndex, type: d.actionType },
        idempotency_key: d.idempotencyKey,
        params: d.params &&
          storedParamsView(d.params, d.envRefs, secretKeysOf(d.actionType)),
        dead_at: iso(d.history.at(-1)?.at ?? d.nextAt),
        attempts: d.history.map(attemptView),
        last_error: d.lastError,
        ...(d.notes ? { notes: d.notes } : {}),
      })),
      null,
      2,
    ));
    return;
  }
  for (const d of dead) {
    console.log(
      [
        d.id,
        iso(d.history.at(-1)?.at ?? d.nextAt),
        d.rule,
        `do[${d.actionIndex}] ${d.actionType}`,
        d.eventType,
        `${d.history.length} attempt(s)`,
        d.lastError ?? "",
      ].join("  "),
    );
  }
  console.log(`${dead.length} dead letter(s)`);
}
