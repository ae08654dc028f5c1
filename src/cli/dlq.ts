/** `sluice dlq list|replay`: inspect and re-queue dead-lettered deliveries on the configured store. */
import { actionSpecs } from "../actions/catalog.ts";
import { loadSettings } from "../config/load.ts";
import { redactParams } from "../observe/redact.ts";
import type { DeadLetter } from "../delivery/model.ts";
import { openStore, type Store } from "../store/mod.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";

const secretKeys = new Map(actionSpecs.map((s) => [s.name, s.secretKeys ?? []]));

/** The `dlq` command. */
export const dlqCommand: Command = {
  name: "dlq",
  summary: "List and replay dead-lettered deliveries",
  help: `Usage: sluice dlq list [--json] [--limit N] [--config FILE]
       sluice dlq replay ID… [--config FILE]
       sluice dlq replay --all [--config FILE]

Works on the configured store (SLUICE_STORE, or "store" in the config file; default
sqlite:./data/sluice.db), also while "sluice run" is running: replayed deliveries are picked up
by the running executor with a fresh retry window and the same idempotency key.

list     one line per dead letter: id, rule, action, event type, attempts, last error;
         --json prints each with its parameters (secrets masked) and full attempt history.
replay   re-queues the given dead letters, or all of them with --all.

Exit status: 0 done, 1 an ID is not a dead letter, 2 bad usage.`,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, {
      config: { type: "string" },
      json: { type: "boolean" },
      limit: { type: "string" },
      all: { type: "boolean" },
    });
    if (sub !== "list" && sub !== "replay") throw new UsageError('expected "list" or "replay"');
    const settings = await loadSettings({ file: values.config });
    const store = await openStore(settings.store);
    try {
      if (sub === "list") {
        const limit = values.limit === undefined ? 1000 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) {
          throw new UsageError("--limit must be a positive integer");
        }
        printList(await store.listDeadLetters({ limit }), values.json ?? false);
        return EXIT_OK;
      }
      return await replay(store, positionals, values.all ?? false);
    } finally {
      await store.close();
    }
  },
};

function printList(dead: DeadLetter[], json: boolean) {
  if (json) {
    console.log(JSON.stringify(
      dead.map((d) => ({
        id: d.id,
        event_id: d.eventId,
        event_type: d.eventType,
        rule: d.rule,
        action: { index: d.actionIndex, type: d.actionType },
        idempotency_key: d.idempotencyKey,
        params: d.params && redactParams(d.params, secretKeys.get(d.actionType) ?? []),
        attempts: d.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
        last_error: d.lastError,
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
        d.rule,
        `do[${d.actionIndex}] ${d.actionType}`,
        d.eventType,
        `${d.history.length} attempt(s)`,
        d.lastError ?? "",
      ]
        .join("  "),
    );
  }
  console.log(`${dead.length} dead letter(s)`);
}

async function replay(store: Store, ids: string[], all: boolean): Promise<number> {
  if (all === (ids.length > 0)) throw new UsageError("give dead letter IDs, or --all");
  if (all) {
    console.log(`re-queued ${await store.replayDeadLetters("all")} dead letter(s)`);
    return EXIT_OK;
  }
  const n = await store.replayDeadLetters(ids);
  console.log(`re-queued ${n} of ${ids.length} dead letter(s)`);
  if (n < ids.length) {
    console.error("some IDs are not dead letters (see sluice dlq list)");
    return EXIT_FAILED;
  }
  return EXIT_OK;
}
