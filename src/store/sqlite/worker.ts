/**
 * The SQLite store inside a Worker: the connection, its group commit and the store's logic run on
 * a thread of their own, so a synchronous statement (a commit's fsync, a lock held by another
 * process for the whole busy timeout) never stalls the HTTP thread. The main thread talks to it
 * through `worker_store.ts`; this file answers its messages.
 */
import { setImmediate } from "node:timers";
import { SqlStore } from "../sql_store.ts";
import type { Store } from "../roles.ts";
import { decodeArgs } from "./call_codec.ts";
import { SqliteDriver } from "./driver.ts";

/** Opening the store in the worker. */
export interface OpenMessage {
  kind: "open";
  path: string;
  owner: boolean;
  dedupeWindowMs?: number;
  retentionMs?: number;
  /** Tests: the clock, as one float64 of epoch milliseconds the test thread writes. */
  clock?: SharedArrayBuffer;
}

/** One call of a store method. */
export interface Call {
  id: number;
  method: string;
  args: unknown[];
}

/** The calls made in one turn of the main thread's event loop, posted as one message. */
export interface CallsMessage {
  kind: "calls";
  calls: Call[];
}

/** The answer to one call: its value, or the error it raised. */
export type Answer = { id: number; value: unknown } | { id: number; error: SerializedError };

/** What the worker posts back. */
export type WorkerReply =
  | { kind: "opened"; exclusive: boolean }
  | { kind: "failed"; error: SerializedError }
  | { kind: "answers"; answers: Answer[] }
  | { kind: "wake" }
  | { kind: "store-error"; error: SerializedError };

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
}

/** How often the store worker's checkpointer copies the WAL into the database file. */
const CHECKPOINT_EVERY_MS = 100;

/**
 * Under concurrent writes, a commit at most every 2 ms: at 4,000 events/s the writer committed
 * 3.8 events at a time without it; with it, 0.91–0.95× the CPU per event for up to 2 ms more on
 * the median answer (`docs/PERFORMANCE.md`). A lone writer is never delayed.
 */
const GATHER_MS = 2;

/** The worker's name; `main.ts` serves the store when it is started under it (bundles). */
export const STORE_WORKER_NAME = "sluice-sqlite-store";

const serialize = (e: unknown): SerializedError =>
  e instanceof Error ? { name: e.name, message: e.message } : { name: "Error", message: String(e) };

/** Serves the store on this worker's messages until the store is closed. */
export function serveStoreWorker(scope: {
  postMessage(message: WorkerReply): void;
  onmessage: ((e: MessageEvent<OpenMessage | CallsMessage>) => void) | null;
  close(): void;
}): void {
  let store: Store | undefined;
  scope.onmessage = async ({ data }) => {
    if (data.kind === "open") {
      try {
        const clock = data.clock && new Float64Array(data.clock);
        const driver = new SqliteDriver(data.path, {
          owner: data.owner,
          checkpointEveryMs: CHECKPOINT_EVERY_MS,
          gatherMs: GATHER_MS,
          onCheckpointerFailed: (e) =>
            scope.postMessage({
              kind: "store-error",
              error: {
                name: "CheckpointerError",
                message:
                  `the WAL checkpointer failed (${e.message}); SQLite checkpoints at commits again`,
              },
            }),
        });
        store = await SqlStore.open(driver, {
          dedupeWindowMs: data.dedupeWindowMs,
          retentionMs: data.retentionMs,
          now: clock ? () => clock[0] : undefined,
          onError: (e) => scope.postMessage({ kind: "store-error", error: serialize(e) }),
        });
        await store.subscribe(() => scope.postMessage({ kind: "wake" }));
        scope.postMessage({ kind: "opened", exclusive: store.exclusive });
      } catch (e) {
        scope.postMessage({ kind: "failed", error: serialize(e) });
        scope.close();
      }
      return;
    }
    for (const call of data.calls) serve(call);
  };
  // Answers that are ready in the same turn (a group commit resolves all of its writes at once)
  // go back as one message.
  let answers: Answer[] = [];
  const answer = (a: Answer) => {
    answers.push(a);
    if (answers.length === 1) setImmediate(postAnswers);
  };
  const postAnswers = () => {
    const batch = answers;
    answers = [];
    if (batch.length === 0) return;
    try {
      scope.postMessage({ kind: "answers", answers: batch });
    } catch {
      // A value that cannot be cloned (not expected: answers are data) fails its own call only.
      for (const a of batch) {
        try {
          scope.postMessage({ kind: "answers", answers: [a] });
        } catch (e) {
          scope.postMessage({ kind: "answers", answers: [{ id: a.id, error: serialize(e) }] });
        }
      }
    }
  };
  const serve = async ({ id, method, args }: Call) => {
    try {
      const fn =
        (store as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method];
      answer({ id, value: await fn.apply(store, decodeArgs(method, args)) });
      if (method === "close") {
        postAnswers();
        scope.close();
      }
    } catch (e) {
      answer({ id, error: serialize(e) });
    }
  };
}
