/**
 * Bytes read within a size limit, and gzip data (found by its magic bytes, as Stream's SDKs do)
 * inflated within the same limit, so a gzip bomb costs at most `max` bytes.
 */

/** A body, raw or inflated, over the configured limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number, readonly inflated: boolean) {
    super(`${inflated ? "decompressed body" : "body"} is larger than ${limit} bytes`);
    this.name = "BodyTooLargeError";
  }
}

/** Gzip data that does not inflate. */
export class BadGzipError extends Error {
  constructor(cause: unknown) {
    super("body starts like gzip but does not decompress", { cause });
    this.name = "BadGzipError";
  }
}

/** Reads a stream up to `max` bytes; throws {@link BodyTooLargeError} past that. */
export async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  max: number,
  inflated = false,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(new ArrayBuffer(0));
  if (!stream) return out;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(max, inflated);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return bytes;
}

/** Whether bytes start with the gzip magic number `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Compressed bytes fed to the inflater at a time: deflate's ratio is at most ~1,032 to 1. */
const INFLATE_STEP = 1024;

/**
 * Inflates gzip bytes, refusing output over `max` bytes. The input goes in {@link INFLATE_STEP}
 * slices and the output is counted as it comes, so inflating stops within about a megabyte past
 * the limit: a 1 MB gzip bomb (a gigabyte of zeros) costs a few milliseconds and a few megabytes,
 * where piping the whole body through the inflater first queued the whole gigabyte.
 */
export async function gunzipLimited(
  bytes: Uint8Array<ArrayBuffer>,
  max: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const inflater = new DecompressionStream("gzip");
  const writer = inflater.writable.getWriter();
  const reader = inflater.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let tooLarge = false;
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.length;
      if (size > max) {
        tooLarge = true;
        await reader.cancel();
        return;
      }
      chunks.push(value);
    }
  })();
  const writing = (async () => {
    for (let at = 0; at < bytes.length && !tooLarge; at += INFLATE_STEP) {
      await writer.write(bytes.subarray(at, at + INFLATE_STEP));
    }
    if (!tooLarge) await writer.close();
  })();
  const [read, written] = await Promise.allSettled([reading, writing]);
  if (tooLarge) throw new BodyTooLargeError(max, true);
  if (read.status === "rejected") throw new BadGzipError(read.reason);
  if (written.status === "rejected") throw new BadGzipError(written.reason);
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
