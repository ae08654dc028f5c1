/**
 * Group commit for PostgreSQL: writes requested together share one transaction (one WAL flush),
 * with up to four transactions under way. If one write fails, the batch is undone and each write
 * retried in a transaction of its own, so only the failing one fails.
 */
import { setImmediate } from "node:timers";
import type postgres from "postgres";

type Tx = postgres.TransactionSql;

interface PendingWrite {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Batches writes into shared transactions on one connection pool. */
export class PostgresGroupCommit {
  private queue: PendingWrite[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly sql: postgres.Sql,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 4,
  ) {}

  /** Runs `fn` in the next shared transaction; resolves once that transaction has committed. */
  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
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

  private async commit(batch: PendingWrite[]) {
    try {
      // One write after another: writes of one transaction see each other's rows but not each
      // other's locks, so two claims interleaved here could take the same delivery.
      const results = await this.sql.begin(async (tx) => {
        const out: unknown[] = [];
        for (const op of batch) out.push(await op.fn(tx));
        return out;
      });
      batch.forEach((op, i) => op.resolve(results[i]));
    } catch {
      for (const op of batch) {
        try {
          op.resolve(await this.sql.begin((tx) => op.fn(tx)));
        } catch (e) {
          op.reject(e);
        }
      }
    }
  }
}
