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

/** Inflates gzip bytes, refusing output over `max` bytes. */
export async function gunzipLimited(
  bytes: Uint8Array<ArrayBuffer>,
  max: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  try {
    return await readLimited(stream, max, true);
  } catch (e) {
    if (e instanceof BodyTooLargeError) throw e;
    throw new BadGzipError(e);
  }
}
