/**
 * The store's front door: `openStore(url)` gives the one {@link Store} over the database the URL
 * names: `sqlite:PATH` (embedded, one process) or `postgres://…` (shared by replicas).
 */
import { SqlStore, type SqlStoreOptions } from "./sql_store.ts";
import { SqliteDriver, StoreLockedError } from "./sqlite/driver.ts";
import { openWorkerStore } from "./sqlite/worker_store.ts";
import type { Store } from "./roles.ts";

export type * from "./roles.ts";
export type { RedispatchResult } from "./redispatch.ts";
export type { KeptRuleFile, KeptRuleSet } from "./rule_sets.ts";
export type { DueGroup, GroupSend } from "./groups.ts";
export type { Silence, ThrottleWindow } from "./silences.ts";
export { SEVEN_DAYS_MS } from "./roles.ts";
export { StoreLockedError };

/** A store URL that names no store sluice has. */
export class StoreUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`SLUICE_STORE "${redactUrl(url)}": ${reason}`);
    this.name = "StoreUrlError";
  }
}

/** The store could not be opened (no permission, a read-only disk, a refused connection, …). */
export class StoreOpenError extends Error {
  constructor(url: string, cause: unknown) {
    super(
      `SLUICE_STORE "${redactUrl(url)}": cannot open: ${
        cause instanceof Error ? cause.message : cause
      }`,
      { cause },
    );
    this.name = "StoreOpenError";
  }
}

/** Options for opening a store: time, windows, error counting, ownership, PostgreSQL's schema. */
export interface OpenOptions extends SqlStoreOptions {
  /** PostgreSQL only: the search path (tests use a schema each). */
  schema?: string;
  /** SQLite only: this process is the runtime and owns the file alone (a second one is refused). */
  owner?: boolean;
  /**
   * SQLite only: run the connection and the store in a Worker, so no statement blocks the calling
   * thread (`sluice run` does; CLI commands need not). `now` does not cross threads: see `clock`.
   */
  worker?: boolean;
  /** With `worker`, for tests: a float64 of epoch milliseconds shared with the worker. */
  clock?: SharedArrayBuffer;
}

/**
 * `sqlite:PATH` (`sqlite::memory:` for a throwaway one) or `postgres://…`. Throws
 * {@link StoreUrlError}, {@link StoreLockedError} or {@link StoreOpenError}.
 */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  try {
    if (url.startsWith("sqlite:") && options.worker) {
      return await openWorkerStore(url.slice("sqlite:".length), options);
    }
    if (url.startsWith("sqlite:")) {
      const driver = new SqliteDriver(url.slice("sqlite:".length), { owner: options.owner });
      return await SqlStore.open(driver, options);
    }
    if (/^postgres(ql)?:\/\//.test(url)) {
      const { PostgresDriver } = await import("./postgres/driver.ts");
      return await SqlStore.open(new PostgresDriver(url, { schema: options.schema }), options);
    }
  } catch (e) {
    if (e instanceof StoreLockedError) throw e;
    throw new StoreOpenError(url, e);
  }
  throw new StoreUrlError(url, "expected sqlite:PATH or a postgres:// URL");
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//[redacted]@");
}
