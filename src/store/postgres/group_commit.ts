/**
 * Group commit for PostgreSQL: writes requested together share one transaction (one WAL flush),
 * with up to four transactions under way. Within a transaction the writes' statements are
 * pipelined (sent without waiting for each other's answers), except `ordered` writes, which run
 * one after another: claims, because two claims in one transaction see each other's rows but not
 * each other's locks, and would take the same delivery if their statements interleaved. If one
 * write fails, the batch is undone and each write retried in a transaction of its own, so only the
 * failing one fails.
 */
import { setImmediate } from "node:timers";

/** Runs `fn` in a transaction of its own on the pool, committing when it resolves. */
export type Begin<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface PendingWrite<Tx> {
  fn: (tx: Tx) => Promise<unknown>;
  ordered: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Batches writes into shared transactions on one connection pool. */
export class PostgresGroupCommit<Tx> {
  private queue: PendingWrite<Tx>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly begin: Begin<Tx>,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 4,
  ) {}

  /**
   * Runs `fn` in the next shared transaction; resolves once that transaction has committed.
   * `ordered` writes start only when the transaction's previous ordered write has finished.
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options: { ordered?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const ordered = options.ordered ?? false;
      this.queue.push({ fn, ordered, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush() {
    this.scheduled = false;
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      this.commit(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async commit(batch: PendingWrite<Tx>[]) {
    try {
      const results = await this.begin(async (tx) => {
        let chain: Promise<unknown> = Promise.resolve();
        const settled = await Promise.allSettled(batch.map((op) => {
          if (!op.ordered) return op.fn(tx);
          const run = chain.then(() => op.fn(tx));
          // The next ordered write waits for this one either way; a failure is reported by `run`.
          chain = run.then(() => {}, () => {});
          return run;
        }));
        // Every write has finished before the transaction ends, so none runs outside it.
        const failed = settled.find((r) => r.status === "rejected");
        if (failed) throw failed.reason;
        return settled.map((r) => (r as PromiseFulfilledResult<unknown>).value);
      });
      batch.forEach((op, i) => op.resolve(results[i]));
    } catch {
      for (const op of batch) {
        try {
          op.resolve(await this.begin((tx) => op.fn(tx)));
        } catch (e) {
          op.reject(e);
        }
      }
    }
  }
}
