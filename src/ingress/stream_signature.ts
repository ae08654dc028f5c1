/**
 * Stream's webhook signature: lowercase hex HMAC-SHA256 of the raw (uncompressed) body, keyed with
 * the app's API secret, compared in constant time (`timingSafeEqual`). `node:crypto` runs the HMAC
 * synchronously in native code: 9 µs for a 3.5 KB body, against 18–54 µs of CPU for Web Crypto's
 * `verify`, whose hand-off to a thread pool costs more than the hash (docs/PERFORMANCE.md).
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";

/** The 32 bytes a signature names, or undefined unless it is exactly 64 hex digits. */
function fromHex(hex: string): Buffer | undefined {
  if (hex.length !== 64) return undefined;
  // Decoding stops at the first pair that is not hex, so 32 bytes means all 64 digits were.
  const bytes = Buffer.from(hex, "hex");
  return bytes.length === 32 ? bytes : undefined;
}

function hmac(body: Uint8Array, secret: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** Whether `signature` is the HMAC of `body` under any of `secrets` (current, then previous). */
export function verifyStreamSignature(
  body: Uint8Array,
  signature: string,
  secrets: readonly string[],
): Promise<boolean> {
  const expected = fromHex(signature.trim());
  if (!expected) return Promise.resolve(false);
  for (const secret of secrets) {
    if (timingSafeEqual(hmac(body, secret), expected)) return Promise.resolve(true);
  }
  return Promise.resolve(false);
}

/** The signature Stream would send for `body` (used by `sluice send` and tests). */
export function signStreamBody(body: Uint8Array, secret: string): Promise<string> {
  return Promise.resolve(hmac(body, secret).toString("hex"));
}
