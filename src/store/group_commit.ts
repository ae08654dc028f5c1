/**
 * Group commit for a synchronous SQLite connection: writes requested in the same turn of the event
 * loop run in one transaction, so a burst of N requests costs one fsync instead of N. If one write
 * fails, the batch is undone and each write retried in a transaction of its own, so a failing
 * write never takes the others with it.
 */
import type { DatabaseSync } from "node:sqlite";
import { setImmediate } from "node:timers";

interface Pending {
  run: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Queues writes and commits them together. */
export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: DatabaseSync) {}

  /** Runs `fn` inside the next group transaction; resolves once that transaction is committed. */
  write<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // A macrotask, so requests whose I/O completes meanwhile join this batch; setImmediate,
        // not setTimeout(0), which browsers' nesting rules clamp to 4 ms in chains of writes.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also used before close). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: unknown[];
    try {
      results = this.transaction(() => batch.map((op) => op.run()));
    } catch {
      // One write failed: undo the batch and give each write a transaction of its own, so only
      // the failing one fails. This path is rare; the common one costs no savepoints.
      for (const op of batch) {
        try {
          op.resolve(this.transaction(op.run));
        } catch (e) {
          op.reject(e);
        }
      }
      return;
    }
    batch.forEach((op, i) => op.resolve(results[i]));
  }

  private transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      throw e;
    }
  }
}
