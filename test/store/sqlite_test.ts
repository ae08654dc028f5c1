/** The store contract on SQLite, and what only an embedded file has: reopening, legacy files, modes. */
import { DatabaseSync } from "node:sqlite";
import { sqliteLegacyMigrations } from "../../src/store/sqlite/legacy_schema.ts";
import { openStore } from "../../src/store/mod.ts";
import type { Tx } from "../../src/store/driver.ts";
import { claimDeliveries, finishMany, type FinishRequest } from "../../src/store/queue.ts";
import { sqliteDialect } from "../../src/store/sqlite/dialect.ts";
import { assertEquals } from "../support/assert.ts";
import { storeContract } from "./contract.ts";

storeContract("sqlite", (options) => openStore("sqlite::memory:", options));

Deno.test("sqlite: accepted events survive closing and reopening; leases are taken back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await openStore(`sqlite:${dir}/db/sluice.db`);
    const { id } = await first.putEvent({
      source: "webhook",
      dedupeId: "w",
      type: "t",
      body: "{}",
    });
    await first.claimEvents("crashed", 10, 3_600_000);
    await first.close();
    const second = await openStore(`sqlite:${dir}/db/sluice.db`);
    assertEquals(await second.claimEvents("w", 10, 1000), [], "still leased");
    await second.reclaimLeases();
    assertEquals((await second.claimEvents("w", 10, 1000)).map((e) => e.id), [id]);
    assertEquals(
      (await second.putEvent({ source: "webhook", dedupeId: "w", type: "t", body: "{}" }))
        .duplicate,
      true,
    );
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite: the folder and the files are readable by their owner only", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = await openStore(`sqlite:${dir}/data/sluice.db`);
    await store.putEvent({ source: "webhook", type: "t", body: "{}" });
    const mode = (p: string) => (Deno.statSync(p).mode! & 0o777).toString(8);
    assertEquals(
      [mode(`${dir}/data`), mode(`${dir}/data/sluice.db`), mode(`${dir}/data/sluice.db-wal`)],
      ["700", "600", "600"],
    );
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite: a file from before the store core is migrated with its data", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/old.db`;
    const db = new DatabaseSync(path);
    for (const [v, sql] of sqliteLegacyMigrations.slice(0, 3).entries()) {
      db.exec(sql);
      db.exec(`PRAGMA user_version = ${v + 1}`);
    }
    db.exec(`INSERT INTO events (id, source, dedupe_key, type, body, received_at, dispatched_at)
             VALUES ('e1', 'webhook', 'webhook:w1', 'user.banned', '{}', ${Date.now()}, 1)`);
    db.exec(`INSERT INTO deliveries (event_id, rule, action_index, action_type, idempotency_key,
               mode, params, retry, timeout_ms, status, next_at, first_at, updated_at)
             VALUES ('e1', 'r', 0, 'http', 'k1', 'live', '{}', '{}', 1000, 'dead', 1, 1, 1)`);
    db.exec(`INSERT INTO attempts (delivery_id, at, duration_ms, outcome, error)
             VALUES (1, 1, 5, 'permanent', 'HTTP 404')`);
    db.close();
    const store = await openStore(`sqlite:${path}`);
    const [dead] = await store.listDeadLetters();
    assertEquals([dead.id, dead.idempotencyKey, dead.history.map((h) => h.error)], [
      "1",
      "k1",
      ["HTTP 404"],
    ]);
    assertEquals(
      (await store.putEvent({ source: "webhook", dedupeId: "w1", type: "t", body: "{}" }))
        .duplicate,
      true,
      "dedupe ids survive the migration",
    );
    const { id } = await store.putEvent({ source: "webhook", type: "t", body: "{}" });
    await store.completeDispatch(id, [{
      rule: "r",
      deliveries: [{
        rule: "r",
        actionIndex: 0,
        actionType: "http",
        idempotencyKey: "k2",
        mode: "live",
        params: {},
        retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1, maxDurationMs: 1 },
        timeoutMs: 1000,
      }],
    }]);
    const [fresh] = await store.claimDeliveries("w", 10, 1000);
    assertEquals(fresh.id, "2", "delivery ids continue after the old ones");
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

storeContract("sqlite in a worker", (options, clock) => {
  const shared = new SharedArrayBuffer(8);
  clock.share(new Float64Array(shared));
  return openStore("sqlite::memory:", { ...options, now: undefined, worker: true, clock: shared });
});

Deno.test("sqlite: claims and batched results read through the right index", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await (await openStore(`sqlite:${dir}/sluice.db`)).close();
    const db = new DatabaseSync(`${dir}/sluice.db`);
    // The store's own statements, captured from a transaction that runs nothing.
    const statements: string[] = [];
    const tx: Tx = {
      all: (sql) => (statements.push(sql), Promise.resolve([])),
      run: (sql) => (statements.push(sql), Promise.resolve(0)),
      notify: () => Promise.resolve(),
    };
    await claimDeliveries(tx, sqliteDialect, "o", 32, 60_000, 0);
    const done: FinishRequest = {
      id: "1",
      owner: "o",
      result: { kind: "done", attempt: { at: 0, durationMs: 1, outcome: "ok" } },
    };
    await finishMany(tx, sqliteDialect, [done], 0);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql.replace(/\$(\d+)/g, "?$1")}`).all() as {
        detail: string;
      }[]).map((r) => r.detail).join(" | ");
    const [claim] = statements;
    const finish = statements.find((s) => s.startsWith("UPDATE sluice_deliveries"))!;
    // Without a hint SQLite took the (status, id) index and sorted every pending delivery.
    assertEquals(
      plan(claim),
      "SEARCH sluice_deliveries USING INDEX sluice_deliveries_due (next_at<?)",
    );
    // With the batch flattened into the join, it scanned them once per batch row.
    assertEquals(
      plan(finish),
      "MATERIALIZE u | SCAN json_each VIRTUAL TABLE INDEX 1: | SCAN u | " +
        "SEARCH sluice_deliveries USING INTEGER PRIMARY KEY (rowid=?)",
    );
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite worker: the WAL reaches the database file by the checkpointer, not at commits", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sluice.db`;
    const store = await openStore(`sqlite:${path}`, { worker: true });
    const before = (await Deno.stat(path)).size;
    const body = JSON.stringify({ type: "t", text: "x".repeat(3_000) });
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from(
          { length: 100 },
          (_, i) =>
            store.putEvent({ source: "webhook", dedupeId: `${batch}-${i}`, type: "t", body }),
        ),
      );
    }
    // 1,000 events of 3 KB: ~3 MB, under SQLite's automatic checkpoint at 1,000 pages, so only
    // the checkpointer can have copied them into the database file.
    const deadline = Date.now() + 10_000;
    while ((await Deno.stat(path)).size < before + 2_000_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assertEquals((await Deno.stat(path)).size > before + 2_000_000, true, "checkpointed");
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sqlite worker: under constant writes the WAL starts over instead of growing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sluice.db`;
    const store = await openStore(`sqlite:${path}`, { worker: true });
    const body = JSON.stringify({ type: "t", text: "x".repeat(3_000) });
    // First, one event, and wait until the checkpointer (a thread that takes a moment to start)
    // has copied it into the database file.
    const empty = (await Deno.stat(path)).size;
    await store.putEvent({ source: "webhook", dedupeId: "first", type: "t", body });
    while ((await Deno.stat(path)).size === empty) await new Promise((r) => setTimeout(r, 50));
    const before = (await Deno.stat(path)).size;
    let largestWal = 0;
    const deadline = Date.now() + 60_000;
    // Writes with no pause between them, so a checkpoint never finds the WAL idle; every page of
    // the database passed through the WAL, so a WAL that never started over is at least as large
    // as what the database grew by.
    for (let batch = 0; Date.now() < deadline; batch++) {
      await Promise.all(
        Array.from(
          { length: 50 },
          (_, i) =>
            store.putEvent({ source: "webhook", dedupeId: `${batch}-${i}`, type: "t", body }),
        ),
      );
      largestWal = Math.max(largestWal, (await Deno.stat(`${path}-wal`)).size);
      if ((await Deno.stat(path)).size - before > 64_000_000) break;
    }
    const grown = (await Deno.stat(path)).size - before;
    assertEquals(grown > 64_000_000, true, `the database grew ${grown} bytes`);
    assertEquals(largestWal < grown, true, `WAL ${largestWal} bytes, database +${grown}`);
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
