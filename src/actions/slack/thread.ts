/**
 * Slack threads by key: messages of a `thread:` key go to one thread per (token, channel, key).
 * The first message that is posted starts it (its `ts` is kept in the store, shared by replicas);
 * later ones reply with `thread_ts`. A failed first message keeps nothing, so the next one starts
 * the thread. Messages of one key are posted one at a time in a process, so two cannot both
 * start a thread; across replicas the first `ts` stored wins and later replies go to it.
 */
import { fingerprint } from "./format.ts";

/** Where thread starts are kept (the store's `sluice_threads`). */
export interface ThreadBook {
  getThread(key: string): Promise<string | undefined>;
  setThread(key: string, ts: string): Promise<void>;
}

/** The store key of a thread: short and fixed-length whatever the event's key is. */
export async function threadKey(token: string, channel: string, key: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`${channel}\n${key}`),
  );
  const hex = Array.from(
    new Uint8Array(digest).subarray(0, 16),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
  return `slack:${fingerprint(token)}:${hex}`;
}

/** Runs `fn` for one key at a time; other keys run alongside. */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const done = Promise.withResolvers<void>();
    const tail = before.then(() => done.promise);
    this.tails.set(key, tail);
    await before;
    try {
      return await fn();
    } finally {
      done.resolve();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
