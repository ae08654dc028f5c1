/**
 * Inbox writes with synchronous=FULL, WAL, the store's own schema, a 2 KB event each:
 * - baseline: the same INSERT straight on node:sqlite, one transaction (one fsync) per put;
 * - the store's putEvent, 500 at once, sharing group-commit transactions.
 * puts/s = 500 / time per iteration.
 *
 *   deno bench -A bench/inbox_bench.ts
 */
import { DatabaseSync } from "node:sqlite";
import { openStore } from "../src/store/mod.ts";

const dir = await Deno.makeTempDir({ prefix: "sluice-inbox-bench-" });
const body = await Deno.readTextFile(
  new URL("../examples/events/feeds.activity.reaction.added.json", import.meta.url),
);
const PUTS = 500;
const TYPE = "feeds.activity.reaction.added";
let n = 0;

await (await openStore(`sqlite:${dir}/solo.db`)).close();
const solo = new DatabaseSync(`${dir}/solo.db`);
solo.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
const insert = solo.prepare(
  "INSERT INTO sluice_events (id, source, dedupe_key, type, body, received_at) VALUES (?, ?, ?, ?, ?, ?)",
);
const grouped = await openStore(`sqlite:${dir}/grouped.db`);

Deno.bench(
  `${PUTS} puts, one transaction each (node:sqlite)`,
  { group: "inbox", baseline: true, n: 10, warmup: 2 },
  () => {
    for (let i = 0; i < PUTS; i++) {
      solo.exec("BEGIN");
      insert.run(crypto.randomUUID(), "webhook", `webhook:s-${n++}`, TYPE, body, Date.now());
      solo.exec("COMMIT");
    }
  },
);

Deno.bench(
  `${PUTS} concurrent puts, group commit (the SQLite store)`,
  { group: "inbox", n: 10, warmup: 2 },
  async () => {
    await Promise.all(
      Array.from(
        { length: PUTS },
        () => grouped.putEvent({ source: "webhook", dedupeId: `g-${n++}`, type: TYPE, body }),
      ),
    );
  },
);

globalThis.addEventListener("unload", () => {
  solo.close();
  grouped.close();
  Deno.removeSync(dir, { recursive: true });
});
