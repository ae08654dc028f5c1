/**
 * Entry point: command-line arguments to the CLI, its result to the exit status. In a bundle the
 * same module also starts the SQLite store's worker threads (`store/sqlite/worker.ts`, and its
 * `checkpointer.ts`).
 */
import { main } from "./cli/mod.ts";
import { serveStoreWorker, STORE_WORKER_NAME } from "./store/sqlite/worker.ts";
import { CHECKPOINTER_NAME, serveCheckpointer } from "./store/sqlite/checkpointer.ts";

const name = (globalThis as { name?: string }).name;
if (name === STORE_WORKER_NAME) {
  serveStoreWorker(self as unknown as Parameters<typeof serveStoreWorker>[0]);
} else if (name === CHECKPOINTER_NAME) {
  serveCheckpointer(self as unknown as Parameters<typeof serveCheckpointer>[0]);
} else {
  Deno.exit(await main(Deno.args));
}
