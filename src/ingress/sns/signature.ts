/** Verifying an SNS message's signature: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. */
import { type KeyObject, verify } from "node:crypto";
import { type SnsMessage, SnsMessageError, stringToSign } from "./message.ts";

const ALGORITHMS: Record<string, string> = { "1": "RSA-SHA1", "2": "RSA-SHA256" };

/**
 * Checks `SignatureVersion` and that `Signature` is base64, before any certificate is fetched;
 * throws {@link SnsMessageError}. Returns the algorithm and the signature's bytes.
 */
export function readSignature(message: SnsMessage): { algorithm: string; signature: Uint8Array } {
  const algorithm = ALGORITHMS[message.SignatureVersion];
  if (!algorithm) throw new SnsMessageError("SignatureVersion", "not 1 or 2");
  return { algorithm, signature: decodeSignature(message.Signature) };
}

/** Whether the message's `Signature` is valid under `key`; an unknown version is refused. */
export function verifySnsSignature(message: SnsMessage, key: KeyObject): boolean {
  const { algorithm, signature } = readSignature(message);
  return verify(algorithm, new TextEncoder().encode(stringToSign(message)), key, signature);
}

/** RSA signatures of keys up to 8,192 bits, base64: at most 1,368 characters. */
const MAX_SIGNATURE_LENGTH = 2048;

/** The bytes of a base64 `Signature` (whitespace ignored); throws {@link SnsMessageError}. */
export function decodeSignature(text: string): Uint8Array<ArrayBuffer> {
  if (text.length > MAX_SIGNATURE_LENGTH) {
    throw new SnsMessageError("Signature", "longer than any RSA signature");
  }
  const compact = text.replace(/\s/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) {
    throw new SnsMessageError("Signature", "not base64");
  }
  return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
