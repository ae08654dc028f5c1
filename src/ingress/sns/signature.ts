/** Verifying an SNS message's signature: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. */
import { type KeyObject, verify } from "node:crypto";
import { type SnsMessage, SnsMessageError, stringToSign } from "./message.ts";

const ALGORITHMS: Record<string, string> = { "1": "RSA-SHA1", "2": "RSA-SHA256" };

/** Whether the message's `Signature` is valid under `key`; an unknown version is refused. */
export function verifySnsSignature(message: SnsMessage, key: KeyObject): boolean {
  const algorithm = ALGORITHMS[message.SignatureVersion];
  if (!algorithm) {
    throw new SnsMessageError(
      "SignatureVersion",
      `${JSON.stringify(message.SignatureVersion)} is not 1 or 2`,
    );
  }
  const signature = Uint8Array.from(
    atob(message.Signature.replace(/\s+/g, "")),
    (c) => c.charCodeAt(0),
  );
  return verify(algorithm, new TextEncoder().encode(stringToSign(message)), key, signature);
}
