/** Opens the store a `SLUICE_STORE` value names. */
import { SqliteStore } from "./sqlite.ts";
import type { Store, StoreOptions } from "./store.ts";

/** A store URL that names no store sluice has. */
export class StoreUrlError extends Error {
  constructor(url: string, reason: string) {
    super(`SLUICE_STORE "${url.replace(/\/\/[^@/]*@/, "//[redacted]@")}": ${reason}`);
    this.name = "StoreUrlError";
  }
}

/** A store that can also take back leases left by a crashed predecessor. */
export type RuntimeStore = Store & { reclaimLeases?(): Promise<void> };

/** `sqlite:PATH` (`sqlite::memory:` for a throwaway one) or `postgres://…`. */
export function openStore(url: string, options: StoreOptions = {}): Promise<RuntimeStore> {
  if (url.startsWith("sqlite:")) {
    return Promise.resolve(new SqliteStore(url.slice("sqlite:".length), options));
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return import("./postgres.ts").then(({ PostgresStore }) => PostgresStore.open(url, options));
  }
  return Promise.reject(new StoreUrlError(url, "expected sqlite:PATH or a postgres:// URL"));
}
