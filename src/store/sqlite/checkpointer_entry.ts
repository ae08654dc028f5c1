/** The checkpointer's entry module when sluice runs from source (bundles start `main.ts`). */
import { serveCheckpointer } from "./checkpointer.ts";

serveCheckpointer(self as unknown as Parameters<typeof serveCheckpointer>[0]);
