/**
 * Console sessions: signing in with the admin token sets a signed, expiring, HttpOnly,
 * SameSite=Strict cookie (Secure when the request came over TLS); every form that changes
 * something carries a CSRF token derived from the session. The signing key is derived from the
 * admin token, so replicas sharing the token accept each other's sessions and changing the token
 * ends every session.
 */
import { sameSecret } from "../admin/mod.ts";

/** The session cookie's name. */
export const SESSION_COOKIE = "sluice_session";
/** How long a session lasts. */
export const SESSION_MS = 8 * 60 * 60 * 1000;

const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

async function hmacHex(key: Promise<CryptoKey>, message: string): Promise<string> {
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", await key, encoder.encode(message)));
  return Array.from(sig, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Makes and checks sessions and CSRF tokens for one admin token. */
export class Sessions {
  /** Derived once from the admin token: what every cookie, CSRF token and notice is signed with. */
  private readonly key: Promise<CryptoKey>;

  constructor(token: string, private readonly now: () => number = Date.now) {
    this.key = hmacHex(hmacKey(token), "sluice console session key").then(hmacKey);
  }

  /** A new session cookie value: `expiry.nonce.signature`. */
  async create(): Promise<string> {
    const expires = this.now() + SESSION_MS;
    const nonce = crypto.randomUUID().replaceAll("-", "");
    return `${expires}.${nonce}.${await hmacHex(this.key, `${expires}.${nonce}`)}`;
  }

  /** The session's nonce if the cookie is genuine and not expired, else undefined. */
  async verify(cookie: string | undefined): Promise<string | undefined> {
    const parts = (cookie ?? "").split(".");
    if (parts.length !== 3 || !/^\d{1,16}$/.test(parts[0]) || !/^[0-9a-f]{32}$/.test(parts[1])) {
      return undefined;
    }
    const [expires, nonce, sig] = parts;
    if (Number(expires) < this.now()) return undefined;
    const expected = await hmacHex(this.key, `${expires}.${nonce}`);
    return sameSecret(sig, expected) ? nonce : undefined;
  }

  /** The CSRF token of a session. */
  async csrf(nonce: string): Promise<string> {
    return await hmacHex(this.key, `csrf:${nonce}`);
  }

  /**
   * A signature for a message shown after a redirect (`?notice=…&sig=…`), bound to the session,
   * so a link made elsewhere cannot put words on a signed-in operator's page.
   */
  async signNotice(nonce: string, text: string): Promise<string> {
    return (await hmacHex(this.key, `notice:${nonce}:${text}`)).slice(0, 32);
  }

  /** Whether `sig` signs `text` for the session. */
  async checkNotice(nonce: string, text: string, sig: string | undefined): Promise<boolean> {
    return typeof sig === "string" && sameSecret(sig, await this.signNotice(nonce, text));
  }

  /** Whether `given` is the CSRF token of the session. */
  async checkCsrf(nonce: string, given: unknown): Promise<boolean> {
    return typeof given === "string" && sameSecret(given, await this.csrf(nonce));
  }
}

/** The Set-Cookie value for a session (or, with `value` empty, its removal). */
export function sessionCookie(value: string, secure: boolean): string {
  const attributes = ["Path=/ui", "HttpOnly", "SameSite=Strict"];
  if (secure) attributes.push("Secure");
  attributes.push(value ? `Max-Age=${SESSION_MS / 1000}` : "Max-Age=0");
  return `${SESSION_COOKIE}=${value}; ${attributes.join("; ")}`;
}
