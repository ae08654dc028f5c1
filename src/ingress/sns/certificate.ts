/**
 * SNS signing certificates: the URL is checked before any fetch (https, an
 * `sns.<region>.amazonaws.com(.cn)` host, the path `/SimpleNotificationService-<32 hex>.pem`),
 * then fetched with a timeout and a size cap and cached by URL. The same host check guards
 * `SubscribeURL` before it is visited. Checks scan the parsed URL's parts; none is a regex over
 * the attacker's text, and no refusal quotes it.
 */
import { type KeyObject, X509Certificate } from "node:crypto";
import { readLimited } from "../../event/compression.ts";

/**
 * Whether `hostname` is `sns.<region>.amazonaws.com` or `….amazonaws.com.cn`, where the region is
 * two letters, one or more lowercase words and a number (`us-east-1`, `us-gov-west-1`,
 * `cn-north-1`). Stricter than AWS's own `sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com` pattern, which
 * also admits S3 bucket hosts such as `sns.s3-eu-west-1.amazonaws.com`.
 */
export function isSnsHost(hostname: string): boolean {
  const labels = hostname.split(".");
  const cn = labels.length === 5 && labels[4] === "cn";
  if (labels.length !== (cn ? 5 : 4)) return false;
  if (labels[0] !== "sns" || labels[2] !== "amazonaws" || labels[3] !== "com") return false;
  const parts = labels[1].split("-");
  if (parts.length < 3) return false;
  const [area, ...rest] = parts;
  const number = rest.pop()!;
  return isLetters(area) && area.length === 2 && rest.every(isLetters) && isDigits(number);
}

const CERT_PREFIX = "/SimpleNotificationService-";

/** Whether `path` is `/SimpleNotificationService-<32 hex digits>.pem`, the only shape SNS uses. */
export function isSnsCertificatePath(path: string): boolean {
  if (path.length !== CERT_PREFIX.length + 32 + 4) return false;
  if (!path.startsWith(CERT_PREFIX) || !path.endsWith(".pem")) return false;
  for (let i = CERT_PREFIX.length; i < CERT_PREFIX.length + 32; i++) {
    if (!isHexDigit(path.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * Why a URL found in an SNS message may not be fetched, or undefined if it may. `certificate`
 * also pins the path. The reasons name the field's fault, never its value.
 */
export function checkSnsUrl(
  url: string,
  isHost: (hostname: string) => boolean,
  certificate = false,
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.protocol !== "https:") return "not https";
  if (!isHost(parsed.hostname)) return "host is not an SNS host";
  if (parsed.username || parsed.password) return "has credentials";
  if (certificate && (!isSnsCertificatePath(parsed.pathname) || parsed.search !== "")) {
    return "path is not /SimpleNotificationService-<32 hex>.pem";
  }
  return undefined;
}

function isLetters(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 3) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
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
