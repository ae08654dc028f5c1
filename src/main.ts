/**
 * Entry point: command-line arguments to the CLI, its result to the exit status. In a bundle the
 * same module also starts the SQLite store's worker thread (`store/sqlite/worker.ts`).
 */
import { main } from "./cli/mod.ts";
import { serveStoreWorker, STORE_WORKER_NAME } from "./store/sqlite/worker.ts";

if ((globalThis as { name?: string }).name === STORE_WORKER_NAME) {
  serveStoreWorker(self as unknown as Parameters<typeof serveStoreWorker>[0]);
} else {
  Deno.exit(await main(Deno.args));
}
