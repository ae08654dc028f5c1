/**
 * The `http` action: one request per attempt, `Idempotency-Key` on every one, redirects followed
 * only to the same origin (scheme, host and port: never https to http, so headers such as
 * `Authorization` never go anywhere else or in clear text), the response read up to a size cap, and the outcome classified:
 * 2xx (or `expect_status`) ok; network errors, timeouts, 408, 425, 429 and 5xx retried; the rest
 * permanent.
 */
import type { Action, ActionContext, ActionOutcome } from "../action.ts";
import { parseRetryAfter } from "../retry_after.ts";
import { HostLimiter } from "./host_limiter.ts";

/** Limits of the http action. */
export interface HttpActionOptions {
  /** Bytes of a response body read at most (the rest is discarded); default 64 KiB. */
  maxResponseBytes?: number;
  /** Same-origin redirects followed at most; default 5. */
  maxRedirects?: number;
  /** Requests in flight to one host at once (per process); default 16. */
  maxConcurrencyPerHost?: number;
  now?: () => number;
}

const RETRYABLE = new Set([408, 425, 429]);

/** Whether an HTTP status is worth retrying. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE.has(status) || status >= 500;
}

/** Sends HTTP requests for `http` deliveries. */
export class HttpAction implements Action {
  readonly name = "http";
  private readonly maxBytes: number;
  private readonly maxRedirects: number;
  private readonly now: () => number;
  private readonly hosts: HostLimiter;

  constructor(options: HttpActionOptions = {}) {
    this.maxBytes = options.maxResponseBytes ?? 65_536;
    this.maxRedirects = options.maxRedirects ?? 5;
    this.now = options.now ?? Date.now;
    this.hosts = new HostLimiter(options.maxConcurrencyPerHost ?? 16);
  }

  async execute(params: Record<string, unknown>, ctx: ActionContext): Promise<ActionOutcome> {
    let request;
    try {
      request = buildRequest(params, ctx.idempotencyKey);
    } catch (e) {
      return { kind: "permanent", error: `invalid request: ${e instanceof Error ? e.message : e}` };
    }
    const release = await this.hosts.acquire(request.url.host, ctx.signal);
    if (!release) {
      return {
        kind: "retry",
        error: `timed out after ${ctx.timeoutMs}ms waiting for a connection slot`,
      };
    }
    try {
      return await this.send(request, params, ctx);
    } finally {
      release();
    }
  }

  private async send(
    request: ReturnType<typeof buildRequest>,
    params: Record<string, unknown>,
    ctx: ActionContext,
  ): Promise<ActionOutcome> {
    let { url, method, body } = request;
    try {
      for (let hop = 0;; hop++) {
        const res = await fetch(url, {
          method,
          headers: request.headers,
          body,
          redirect: "manual",
          signal: ctx.signal,
        });
        const location = res.headers.get("location");
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel();
          const next = new URL(location, url);
          if (next.origin !== url.origin) {
            return {
              kind: "permanent",
              status: res.status,
              error: `HTTP ${res.status}: redirect to another origin (${
                next.protocol === "http:" || next.protocol === "https:"
                  ? next.origin
                  : next.protocol
              }) not followed`,
            };
          }
          if (hop >= this.maxRedirects) {
            return { kind: "permanent", status: res.status, error: "too many redirects" };
          }
          if (
            res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")
          ) {
            method = "GET";
            body = undefined;
          }
          url = next;
          continue;
        }
        const excerpt = await readCapped(res, this.maxBytes);
        return classify(res, excerpt, params.expect_status, this.now());
      }
    } catch (e) {
      if (ctx.signal.aborted) {
        return { kind: "retry", error: `timed out after ${ctx.timeoutMs}ms` };
      }
      return { kind: "retry", error: `network error: ${e instanceof Error ? e.message : e}` };
    }
  }
}

function buildRequest(params: Record<string, unknown>, idempotencyKey: string) {
  const url = new URL(String(params.url));
  if (!/^https?:$/.test(url.protocol)) throw new Error(`scheme ${url.protocol} is not http(s)`);
  const method = String(params.method ?? "POST");
  const headers = new Headers();
  for (const [k, v] of Object.entries((params.headers ?? {}) as Record<string, unknown>)) {
    headers.set(k, String(v));
  }
  if (!headers.has("idempotency-key")) headers.set("idempotency-key", idempotencyKey);
  if (!headers.has("user-agent")) headers.set("user-agent", "sluice/0.1");
  let body: string | undefined;
  if (params.json !== undefined) {
    body = JSON.stringify(params.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  } else if (params.body !== undefined) {
    body = String(params.body);
  }
  if (body !== undefined && method === "GET") throw new Error("a GET request cannot have a body");
  return { url, method, headers, body };
}

async function readCapped(res: Response, max: number): Promise<string> {
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

function classify(res: Response, body: string, expect: unknown, now: number): ActionOutcome {
  const status = res.status;
  const expected = expect === undefined
    ? status >= 200 && status < 300
    : (Array.isArray(expect) ? expect : [expect]).includes(status);
  if (expected) return { kind: "ok", status };
  const excerpt = body.replace(/\s+/g, " ").trim().slice(0, 200);
  const error = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}${
    excerpt ? `: ${excerpt}` : ""
  }`;
  if (isRetryableStatus(status)) {
    return {
      kind: "retry",
      status,
      error,
      retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), now),
    };
  }
  return { kind: "permanent", status, error };
}
