/**
 * SNS signing certificates: the URL is checked before any fetch (https, an
 * `sns.<region>.amazonaws.com(.cn)` host, a `.pem` path), then fetched with a timeout and a size
 * cap and cached by URL. The same host check guards `SubscribeURL` before it is visited.
 */
import { type KeyObject, X509Certificate } from "node:crypto";
import { readLimited } from "../../event/compression.ts";

/** The hosts SNS signs from and sends confirmations from (AWS's own validators use this). */
export const SNS_HOST = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/** Why a URL found in an SNS message may not be fetched, or undefined if it may. */
export function checkSnsUrl(url: string, host: RegExp, pathSuffix?: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "https:") return "not https";
  if (!host.test(parsed.hostname)) return `host ${parsed.hostname} is not an SNS host`;
  if (parsed.username || parsed.password) return "has credentials";
  if (pathSuffix && !parsed.pathname.endsWith(pathSuffix)) {
    return `path does not end in ${pathSuffix}`;
  }
  return undefined;
}

/** A certificate that could not be fetched or read (the sender should retry). */
export class CertificateFetchError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CertificateFetchError";
  }
}

/** Fetches and caches signing certificates' public keys. */
export class CertificateCache {
  private readonly keys = new Map<string, Promise<KeyObject>>();

  constructor(
    private readonly fetcher: typeof fetch = fetch,
    private readonly maxEntries = 100,
    private readonly timeoutMs = 5_000,
  ) {}

  /** The public key of the certificate at `url` (already checked by {@link checkSnsUrl}). */
  publicKey(url: string): Promise<KeyObject> {
    let key = this.keys.get(url);
    if (!key) {
      if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value!);
      key = this.load(url);
      this.keys.set(url, key);
      key.catch(() => this.keys.delete(url));
    }
    return key;
  }

  private async load(url: string): Promise<KeyObject> {
    let pem: string;
    try {
      const res = await this.fetcher(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "error",
      });
      if (!res.ok) {
        await res.body?.cancel();
        throw new CertificateFetchError(`certificate download answered ${res.status}`);
      }
      pem = new TextDecoder().decode(await readLimited(res.body, 65_536));
    } catch (e) {
      if (e instanceof CertificateFetchError) throw e;
      throw new CertificateFetchError(
        `certificate download failed: ${e instanceof Error ? e.message : e}`,
        { cause: e },
      );
    }
    try {
      return new X509Certificate(pem).publicKey;
    } catch (e) {
      throw new CertificateFetchError("the certificate is not a PEM X.509 certificate", {
        cause: e,
      });
    }
  }
}
