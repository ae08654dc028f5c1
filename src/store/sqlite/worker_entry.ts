/** The store worker's entry module when sluice runs from source (bundles start `main.ts` instead). */
import { serveStoreWorker } from "./worker.ts";

serveStoreWorker(self as unknown as Parameters<typeof serveStoreWorker>[0]);
