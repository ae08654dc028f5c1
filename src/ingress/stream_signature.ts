/**
 * Stream's webhook signature: lowercase hex HMAC-SHA256 of the raw (uncompressed) body, keyed with
 * the app's API secret. Checked with Web Crypto's `verify`, which compares in constant time.
 */

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keys.set(secret, key);
  }
  return key;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Whether `signature` is the HMAC of `body` under any of `secrets` (current, then previous). */
export async function verifyStreamSignature(
  body: Uint8Array<ArrayBuffer>,
  signature: string,
  secrets: readonly string[],
): Promise<boolean> {
  const expected = fromHex(signature.trim());
  if (!expected) return false;
  for (const secret of secrets) {
    if (await crypto.subtle.verify("HMAC", await hmacKey(secret), expected, body)) return true;
  }
  return false;
}

/** The signature Stream would send for `body` (used by `sluice send` and tests). */
export async function signStreamBody(
  body: Uint8Array<ArrayBuffer>,
  secret: string,
): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret), body);
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}
