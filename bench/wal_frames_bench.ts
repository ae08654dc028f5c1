/**
 * WAL frames written per stored event: the store's `putDispatchedEvent` on SQLite with checkpoints
 * off, `--per-commit` events per group commit (4, 16, 64), after `--before` events are stored so
 * the indexes are large; webhook ids are random (UUIDs, as senders use). With `--drop INDEX`, the
 * same run again without that index, for what one index costs.
 *
 *   deno run -A bench/wal_frames_bench.ts [--before 50000] [--events 10000] [--drop NAME]
 */
import { parseArgs } from "node:util";
import { newEventId } from "../src/event/id.ts";
import { SqlStore } from "../src/store/sql_store.ts";
import { SqliteDriver } from "../src/store/sqlite/driver.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    before: { type: "string", default: "50000" },
    events: { type: "string", default: "10000" },
    drop: { type: "string", default: "" },
  },
});
const body = JSON.stringify({ type: "feeds.activity.added", pad: "x".repeat(1700) });

/** Frames (4 KB pages) per event and commit time per event, for `perCommit` events per commit. */
async function measure(perCommit: number, drop: string) {
  const dir = await Deno.makeTempDir({ prefix: "sluice-wal-bench-" });
  const path = `${dir}/s.db`;
  // A checkpointer that never runs: the WAL keeps every frame the run writes.
  const driver = new SqliteDriver(path, { checkpointEveryMs: 1e9 });
  const store = await SqlStore.open(driver, {});
  if (drop) await driver.write((tx) => tx.run(`DROP INDEX ${drop}`));
  const put = async (count: number) => {
    for (let i = 0; i < count; i += perCommit) {
      await Promise.all(Array.from({ length: perCommit }, () =>
        store.putDispatchedEvent(
          {
            source: "webhook",
            dedupeId: crypto.randomUUID(),
            bodyKey: crypto.randomUUID(),
            type: "feeds.activity.added",
            body,
            id: newEventId(),
            receivedAt: Date.now(),
          },
          [],
          { rules: [], errors: [] },
        )));
    }
  };
  await put(Number(values.before));
  const startSize = (await Deno.stat(`${path}-wal`)).size;
  const events = Number(values.events);
  const started = performance.now();
  await put(events);
  const ms = performance.now() - started;
  const bytes = (await Deno.stat(`${path}-wal`)).size - startSize;
  await store.close();
  await Deno.remove(dir, { recursive: true });
  return { frames: bytes / 4120 / events, us: ms * 1000 / events };
}

console.log("| events per commit | index dropped | WAL frames per event | commit time per event |");
console.log("| --- | --- | --- | --- |");
for (const perCommit of [4, 16, 64]) {
  for (const drop of values.drop ? ["", values.drop] : [""]) {
    const { frames, us } = await measure(perCommit, drop);
    console.log(`| ${perCommit} | ${drop || "-"} | ${frames.toFixed(2)} | ${us.toFixed(0)} µs |`);
  }
}
