/** Request bodies read within the configured size limit. */
import { BodyTooLargeError, readLimited } from "../event/compression.ts";

/**
 * Reads a request body up to `max` bytes; throws {@link BodyTooLargeError} past that. A body
 * with a Content-Length within the limit is read in one go (the framing bounds it); others are
 * streamed and cut off at the limit.
 */
export async function readRequestBody(req: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const length = req.headers.get("content-length");
  if (length !== null && /^\d+$/.test(length)) {
    if (Number(length) > max) throw new BodyTooLargeError(max, false);
    return new Uint8Array(await req.arrayBuffer());
  }
  return await readLimited(req.body, max);
}
