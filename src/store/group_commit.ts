/**
 * Group commit for a synchronous SQLite connection: writes requested in the same turn of the event
 * loop run in one transaction, so a burst of N requests costs one fsync instead of N. Each write
 * runs in its own savepoint, so one failing write does not undo the others.
 */
import type { DatabaseSync } from "node:sqlite";

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
        // A macrotask, not a microtask: requests whose I/O completes meanwhile join this batch.
        setTimeout(() => this.flush(), 0);
      }
    });
  }

  /** Commits everything queued now (also used before close). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.db.exec("BEGIN IMMEDIATE");
      for (const op of batch) {
        this.db.exec("SAVEPOINT op");
        try {
          results.push({ ok: true, value: op.run() });
          this.db.exec("RELEASE op");
        } catch (e) {
          this.db.exec("ROLLBACK TO op");
          this.db.exec("RELEASE op");
          results.push({ ok: false, value: e });
        }
      }
      this.db.exec("COMMIT");
    } catch (e) {
      if (this.db.isTransaction) this.db.exec("ROLLBACK");
      for (const op of batch) op.reject(e);
      return;
    }
    batch.forEach((op, i) =>
      results[i].ok ? op.resolve(results[i].value) : op.reject(results[i].value)
    );
  }
}
