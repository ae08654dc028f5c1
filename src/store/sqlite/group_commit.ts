/**
 * Group commit for a SQLite connection: writes requested in the same turn of the event loop run
 * in one transaction, so a burst of N requests costs one fsync instead of N. If one write fails,
 * the batch is undone and each write retried in a transaction of its own, so a failing write
 * never takes the others with it. Writes run one after another: statements on this connection
 * are synchronous, so a write's `await`s only wait for microtasks and no other write interleaves.
 *
 * With `gatherMs`, a write that follows a commit of several writes waits until `gatherMs` after
 * that commit began: writers are arriving concurrently, and waiting lets more of them share the
 * next commit (its fsync, and the rewrite of each index's last page). A write after a commit of
 * one (a lone or sequential writer) is never delayed.
 */
import { setImmediate } from "node:timers";

interface Pending {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The transaction control a group commit needs from the connection. */
export interface TransactionControl {
  begin(): void;
  commit(): void;
  rollback(): void;
  /** Called after a commit (notifications). */
  committed(): void;
}

/** How writes are gathered. */
export interface GroupCommitOptions {
  /** After a commit of more than one write, the next begins no sooner than this; default 0. */
  gatherMs?: number;
}

/** Queues writes and commits them together. */
export class SqliteGroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private lastStartedAt = 0;
  private lastSize = 0;
  private gathering?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly control: TransactionControl,
    private readonly options: GroupCommitOptions = {},
  ) {}

  /** Runs `fn` inside the next group transaction; resolves once that transaction is committed. */
  write<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // A macrotask, so requests whose I/O completes meanwhile join this batch; setImmediate,
        // not setTimeout(0), which nesting rules clamp to 4 ms in chains of writes.
        const wait = this.lastSize > 1
          ? this.lastStartedAt + (this.options.gatherMs ?? 0) - performance.now()
          : 0;
        if (wait > 0) this.gathering = setTimeout(() => this.flush(), wait);
        else setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now; resolves when done (also used before close). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.commitQueued());
    return this.flushing;
  }

  private async commitQueued(): Promise<void> {
    this.scheduled = false;
    clearTimeout(this.gathering);
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.lastStartedAt = performance.now();
    this.lastSize = batch.length;
    let results: unknown[];
    try {
      results = await this.transaction(async () => {
        const out = [];
        for (const op of batch) out.push(await op.run());
        return out;
      });
    } catch {
      // One write failed: undo the batch and give each write a transaction of its own, so only
      // the failing one fails. This path is rare; the common one costs no savepoints.
      for (const op of batch) {
        try {
          op.resolve(await this.transaction(op.run));
        } catch (e) {
          op.reject(e);
        }
      }
      return;
    }
    batch.forEach((op, i) => op.resolve(results[i]));
  }

  private async transaction<T>(fn: () => Promise<T>): Promise<T> {
    this.control.begin();
    let result: T;
    try {
      result = await fn();
      this.control.commit();
    } catch (e) {
      this.control.rollback();
      throw e;
    }
    this.control.committed();
    return result;
  }
}
