/**
 * The SQLite store seen from the main thread: every {@link Store} method is a message to the
 * worker that owns the connection (`worker.ts`), answered when its transaction has committed.
 * Waiting is asynchronous, so `/healthz` and the webhook stay responsive while the database is
 * slow or locked; readiness (`ping`) then reports it.
 */
import type { Store } from "../roles.ts";
import { encodeArgs } from "./call_codec.ts";
import { StoreLockedError } from "./driver.ts";
import { setImmediate } from "node:timers";
import {
  type Call,
  type CallsMessage,
  type OpenMessage,
  type SerializedError,
  STORE_WORKER_NAME,
  type WorkerReply,
} from "./worker.ts";

/** Options of a worker-hosted store. */
export interface WorkerStoreOptions {
  owner?: boolean;
  dedupeWindowMs?: number;
  retentionMs?: number;
  onError?: (error: unknown) => void;
  /** Tests: a float64 of epoch milliseconds shared with the worker, for a manual clock. */
  clock?: SharedArrayBuffer;
}

/** An error the worker's store raised, with its original name. */
export class RemoteStoreError extends Error {
  constructor(e: SerializedError) {
    super(e.message);
    this.name = e.name;
  }
}

/**
 * The worker's module: the entry file when running from source (and `deno compile`, which keeps
 * modules), or the bundle itself, whose `main.ts` serves the store under the worker's name.
 */
function workerUrl(): string | URL {
  return import.meta.url.endsWith(".ts")
    ? new URL("./worker_entry.ts", import.meta.url)
    : import.meta.url;
}

/** Starts the worker and opens the store at `path` in it. */
export async function openWorkerStore(
  path: string,
  options: WorkerStoreOptions = {},
): Promise<Store> {
  const worker = new Worker(workerUrl(), { type: "module", name: STORE_WORKER_NAME });
  const opened = Promise.withResolvers<boolean>();
  const calls = new Map<number, PromiseWithResolvers<unknown>>();
  const listeners = new Set<() => void>();
  worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
    switch (data.kind) {
      case "opened":
        return opened.resolve(data.exclusive);
      case "failed":
        return opened.reject(
          data.error.name === "StoreLockedError"
            ? new StoreLockedError(path)
            : new RemoteStoreError(data.error),
        );
      case "answers":
        for (const a of data.answers) {
          const pending = calls.get(a.id);
          calls.delete(a.id);
          if ("error" in a) pending?.reject(new RemoteStoreError(a.error));
          else pending?.resolve(a.value);
        }
        return;
      case "wake":
        for (const fn of listeners) fn();
        return;
      case "store-error":
        options.onError?.(new RemoteStoreError(data.error));
    }
  };
  worker.onerror = (e) => {
    e.preventDefault();
    const error = new Error(`the store worker failed: ${e.message}`);
    opened.reject(error);
    for (const c of calls.values()) c.reject(error);
    calls.clear();
  };
  const open: OpenMessage = {
    kind: "open",
    path,
    owner: options.owner ?? false,
    dedupeWindowMs: options.dedupeWindowMs,
    retentionMs: options.retentionMs,
    clock: options.clock,
  };
  worker.postMessage(open);
  let exclusive: boolean;
  try {
    exclusive = await opened.promise;
  } catch (e) {
    worker.terminate();
    throw e;
  }
  let next = 0;
  // The calls of one turn (requests whose bodies arrived together) go as one message.
  let outbox: Call[] = [];
  const post = () => {
    worker.postMessage({ kind: "calls", calls: outbox } satisfies CallsMessage);
    outbox = [];
  };
  const call = (method: string, args: unknown[]) => {
    const id = next++;
    const pending = Promise.withResolvers<unknown>();
    calls.set(id, pending);
    outbox.push({ id, method, args: encodeArgs(method, args) });
    if (outbox.length === 1) setImmediate(post);
    return pending.promise;
  };
  const proxy = (method: keyof Store) => (...args: unknown[]) => call(method, args);
  const store = {
    exclusive,
    subscribe(fn: () => void) {
      listeners.add(fn);
      return Promise.resolve(() => {
        listeners.delete(fn);
        return Promise.resolve();
      });
    },
    async close() {
      await call("close", []);
      worker.terminate();
    },
  } as Record<string, unknown>;
  for (const method of STORE_METHODS) store[method] = proxy(method);
  return store as unknown as Store;
}

/** Every store method that is a plain call (arguments and answers are data). */
const STORE_METHODS = [
  "putEvent",
  "putDispatchedEvent",
  "claimEvents",
  "completeDispatch",
  "redispatch",
  "quarantine",
  "claimDeliveries",
  "finishDelivery",
  "releaseDeliveries",
  "nextDueAt",
  "listDeadLetters",
  "replayDeadLetters",
  "discardDeadLetters",
  "ruleCounts",
  "saveRuleSet",
  "lastRuleSet",
  "claimDueGroups",
  "completeGroupSend",
  "closeGroup",
  "listGroups",
  "addSilence",
  "listSilences",
  "expireSilence",
  "listThrottles",
  "resetThrottle",
  "getThread",
  "setThread",
  "listEvents",
  "scanEvents",
  "eventsPerMinute",
  "getEvent",
  "listDeliveries",
  "listQuarantine",
  "stats",
  "ping",
  "prune",
  "reclaimLeases",
] as const satisfies readonly (keyof Store)[];

type Missing = Exclude<
  keyof Store,
  (typeof STORE_METHODS)[number] | "subscribe" | "close" | "exclusive"
>;
/** Fails to type-check when a store method is added without being listed above. */
const everyMethodListed: [Missing] extends [never] ? true : Missing = true;
void everyMethodListed;
