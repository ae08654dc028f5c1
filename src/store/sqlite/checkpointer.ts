/**
 * WAL checkpoints on a thread and connection of their own. With SQLite's automatic checkpoint, the
 * commit that crosses 1,000 WAL pages copies them into the database file before it returns, and
 * every write waiting behind it waits too (4–12 ms). The writer turns that off
 * (`wal_autocheckpoint = 0`) and this thread runs `wal_checkpoint(PASSIVE)` on a timer: it copies
 * what no reader still needs without taking the write lock, so commits never wait for it. If the
 * thread fails, the writer turns automatic checkpoints back on, so the WAL never grows unbounded.
 *
 * A PASSIVE checkpoint alone never lets the WAL start over under constant writes: SQLite rewinds
 * the WAL only when a write begins with every frame already copied, and the writer appends while
 * the checkpoint copies. The WAL then grows without end (2.7 GB in 30 s at 4,000 events/s), and
 * every commit writes into new file blocks, which ext4 first zeroes (a third of the writer's
 * time). So when a pass has copied a WAL of at least `restartFrames` entirely, it raises a flag
 * the writer reads after its next commit: the writer then checkpoints itself, between commits,
 * copying only what the last few commits added, and its next write starts the WAL over, into
 * blocks already allocated. (A RESTART from this thread would hold the write lock while the
 * writer sleeps in its busy handler; the writer's own pass has no lock to wait for.)
 */
import { DatabaseSync } from "node:sqlite";

/** The checkpointer's worker name; `main.ts` serves it when started under it (bundles). */
export const CHECKPOINTER_NAME = "sluice-sqlite-checkpointer";

/** What the writer tells the checkpointer. */
export type CheckpointerMessage =
  | {
    kind: "start";
    path: string;
    intervalMs: number;
    restartFrames: number;
    rewind: SharedArrayBuffer;
  }
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
      const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
      const rewind = new Int32Array(data.rewind);
      timer = setInterval(() => {
        const { log, checkpointed } = passive.get() as { log: number; checkpointed: number };
        if (log >= data.restartFrames && checkpointed === log) Atomics.store(rewind, 0, 1);
      }, data.intervalMs);
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
  private readonly rewind = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    path: string,
    intervalMs: number,
    restartFrames: number,
    onFailure: (e: ErrorEvent) => void,
  ) {
    this.worker = new Worker(checkpointerUrl(), { type: "module", name: CHECKPOINTER_NAME });
    this.worker.onerror = (e) => {
      e.preventDefault();
      if (!this.stopped) onFailure(e);
      this.stopped = true;
      this.worker.terminate();
    };
    this.worker.postMessage(
      {
        kind: "start",
        path,
        intervalMs,
        restartFrames,
        rewind: this.rewind.buffer as SharedArrayBuffer,
      } satisfies CheckpointerMessage,
    );
  }

  /**
   * Whether the writer should checkpoint now, between commits: true once after a pass copied a
   * long WAL entirely, when what is left to copy is what the last few commits wrote.
   */
  takeRewind(): boolean {
    return Atomics.exchange(this.rewind, 0, 0) === 1;
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
