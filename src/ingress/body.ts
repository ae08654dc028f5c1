/** Request bodies read within the configured size limit and a time limit. */
import { BodyTooLargeError, readLimited } from "../event/compression.ts";

/** How long a request body may take to arrive, from the moment its headers did. */
export const BODY_TIMEOUT_MS = 10_000;

/** A body that had not fully arrived within the time limit (answered 408, connection closed). */
export class BodyTimeoutError extends Error {
  constructor(readonly limitMs: number) {
    super(`the request body did not arrive within ${limitMs / 1000} s`);
    this.name = "BodyTimeoutError";
  }
}

/**
 * Reads a request body up to `max` bytes within `timeoutMs`; throws {@link BodyTooLargeError}
 * past the size and {@link BodyTimeoutError} past the time. A body with a Content-Length within
 * the limit is read in one go (the framing bounds it); others are streamed and cut off at the
 * limit. A body dripped a byte at a time is cut off at the deadline either way.
 */
export async function readRequestBody(
  req: Request,
  max: number,
  timeoutMs: number = BODY_TIMEOUT_MS,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = req.headers.get("content-length");
  let reading: Promise<Uint8Array<ArrayBuffer>>;
  if (length !== null && /^\d{1,15}$/.test(length)) {
    if (Number(length) > max) throw new BodyTooLargeError(max, false);
    reading = req.arrayBuffer().then((b) => new Uint8Array(b));
  } else {
    reading = readLimited(req.body, max);
  }
  const expired = Promise.withResolvers<never>();
  const pending = {
    due: Date.now() + timeoutMs,
    expire: () => expired.reject(new BodyTimeoutError(timeoutMs)),
  };
  deadlines.add(pending);
  try {
    return await Promise.race([reading, expired.promise]);
  } catch (e) {
    if (e instanceof BodyTimeoutError) {
      // The connection is closed after the 408; the read then fails, and that is expected.
      reading.catch(() => undefined);
      await req.body?.cancel().catch(() => undefined);
    }
    throw e;
  } finally {
    deadlines.delete(pending);
  }
}

/**
 * Bodies being read, checked by one timer twice a second rather than a timer per request (a
 * deadline may so pass up to half a second late).
 */
class Deadlines {
  private readonly pending = new Set<{ due: number; expire: () => void }>();
  private timer?: ReturnType<typeof setInterval>;

  add(entry: { due: number; expire: () => void }) {
    this.pending.add(entry);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.check(), 500);
      Deno.unrefTimer(this.timer);
    }
  }

  delete(entry: { due: number; expire: () => void }) {
    this.pending.delete(entry);
  }

  private check() {
    const now = Date.now();
    for (const entry of this.pending) {
      if (entry.due <= now) {
        this.pending.delete(entry);
        entry.expire();
      }
    }
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

const deadlines = new Deadlines();
