/**
 * WAL checkpoints on a thread and connection of their own. With SQLite's automatic checkpoint, the
 * commit that crosses 1,000 WAL pages copies them into the database file before it returns, and
 * every write waiting behind it waits too (4–12 ms). The writer turns that off
 * (`wal_autocheckpoint = 0`) and this thread runs `wal_checkpoint(PASSIVE)` on a timer: it copies
 * what no reader still needs without taking the write lock, so commits never wait for it. If the
 * thread fails, the writer turns automatic checkpoints back on, so the WAL never grows unbounded.
 */
import { DatabaseSync } from "node:sqlite";

/** The checkpointer's worker name; `main.ts` serves it when started under it (bundles). */
export const CHECKPOINTER_NAME = "sluice-sqlite-checkpointer";

/** What the writer tells the checkpointer. */
export type CheckpointerMessage =
  | { kind: "start"; path: string; intervalMs: number }
  | { kind: "stop" };

/** Runs checkpoints on this worker until told to stop. */
export function serveCheckpointer(scope: {
  postMessage(message: "stopped"): void;
  onmessage: ((e: MessageEvent<CheckpointerMessage>) => void) | null;
  close(): void;
}): void {
  let db: DatabaseSync | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  scope.onmessage = ({ data }) => {
    if (data.kind === "start") {
      db = new DatabaseSync(data.path);
      // A checkpoint that meets the writer's lock gives way at once; the next tick tries again.
      db.exec("PRAGMA busy_timeout = 0");
      timer = setInterval(() => db!.exec("PRAGMA wal_checkpoint(PASSIVE)"), data.intervalMs);
      return;
    }
    clearInterval(timer);
    db?.close();
    scope.postMessage("stopped");
    scope.close();
  };
}

/** The entry module from source; a bundle starts itself (`main.ts`) under the worker's name. */
function checkpointerUrl(): string | URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("./checkpointer_entry.ts", import.meta.url)
    : import.meta.url;
}

/** A running checkpointer: `onFailure` runs once if its thread dies. */
export class Checkpointer {
  private readonly worker: Worker;
  private stopped = false;

  constructor(path: string, intervalMs: number, onFailure: (e: ErrorEvent) => void) {
    this.worker = new Worker(checkpointerUrl(), { type: "module", name: CHECKPOINTER_NAME });
    this.worker.onerror = (e) => {
      e.preventDefault();
      if (!this.stopped) onFailure(e);
      this.stopped = true;
      this.worker.terminate();
    };
    this.worker.postMessage({ kind: "start", path, intervalMs } satisfies CheckpointerMessage);
  }

  /** Stops after the checkpoint in progress, if any. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const done = Promise.withResolvers<void>();
    this.worker.onmessage = () => done.resolve();
    this.worker.postMessage({ kind: "stop" } satisfies CheckpointerMessage);
    await Promise.race([done.promise, new Promise((r) => setTimeout(r, 2_000))]);
    this.worker.terminate();
  }
}
