/**
 * The store's front door: `openStore(url)` gives the one {@link Store} over the database the URL
 * names: `sqlite:PATH` (embedded, one process) or `postgres://…` (shared by replicas).
 */
import { SqlStore, type SqlStoreOptions } from "./sql_store.ts";
import { SqliteDriver } from "./sqlite/driver.ts";
import type { Store } from "./roles.ts";

export type * from "./roles.ts";
export { SEVEN_DAYS_MS } from "./roles.ts";

/** A store URL that names no store sluice has. */
export class StoreUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`SLUICE_STORE "${url.replace(/\/\/[^@/]*@/, "//[redacted]@")}": ${reason}`);
    this.name = "StoreUrlError";
  }
}

/** Options for opening a store: time, windows, error counting, and PostgreSQL's schema. */
export interface OpenOptions extends SqlStoreOptions {
  /** PostgreSQL only: the search path (tests use a schema each). */
  schema?: string;
}

/** `sqlite:PATH` (`sqlite::memory:` for a throwaway one) or `postgres://…`. */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  if (url.startsWith("sqlite:")) {
    return await SqlStore.open(new SqliteDriver(url.slice("sqlite:".length)), options);
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { PostgresDriver } = await import("./postgres/driver.ts");
    return await SqlStore.open(new PostgresDriver(url, { schema: options.schema }), options);
  }
  throw new StoreUrlError(url, "expected sqlite:PATH or a postgres:// URL");
}
