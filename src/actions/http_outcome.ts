/**
 * What the `http` and `slack` actions share about HTTP answers: the User-Agent they send, which
 * statuses are worth retrying, reading a response body up to a cap, and a one-line excerpt of it.
 */

/** Sent with every request an action makes. */
export const USER_AGENT = "sluice/0.1";

const RETRYABLE = new Set([408, 425, 429]);

/** Whether an HTTP status is worth retrying: 408, 425, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status) || status >= 500;
}

/** Reads at most `max` bytes of a response body (the rest is cancelled), decoded as UTF-8. */
export async function readCapped(res: Response, max: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < max) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
  }
  if (size >= max) await reader.cancel();
  const bytes = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const c of chunks) {
    bytes.set(c.subarray(0, bytes.length - at), at);
    at += Math.min(c.length, bytes.length - at);
  }
  return new TextDecoder().decode(bytes);
}

/** A body as one line of at most `length` characters, for an error message. */
export function excerpt(body: string, length: number): string {
  return body.slice(0, length * 4).replace(/\s+/g, " ").trim().slice(0, length);
}
