/**
 * The `http` action: one request per attempt, `Idempotency-Key` on every one, redirects followed
 * only to the same origin (scheme, host and port: never https to http, so headers such as
 * `Authorization` never go anywhere else or in clear text), the response read up to a size cap, and the outcome classified:
 * 2xx (or `expect_status`) ok; network errors, timeouts, 408, 425, 429 and 5xx retried; the rest
 * permanent.
 */
import type { ActionContext, ActionOutcome } from "../action.ts";
import { excerpt, isRetryableStatus, readCapped, USER_AGENT } from "../http_outcome.ts";
import type { TypedAction } from "../kind.ts";
import { parseRetryAfter } from "../retry_after.ts";
import { HostLimiter } from "./host_limiter.ts";
import type { HttpParams } from "./kind.ts";

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

/** Sends HTTP requests for `http` deliveries. */
export class HttpAction implements TypedAction<HttpParams> {
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

  async execute(params: HttpParams, ctx: ActionContext): Promise<ActionOutcome> {
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
    params: HttpParams,
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
        const text = await readCapped(res, this.maxBytes);
        return classify(res, text, params.expectStatus, this.now());
      }
    } catch (e) {
      if (ctx.signal.aborted) {
        return { kind: "retry", error: `timed out after ${ctx.timeoutMs}ms` };
      }
      return { kind: "retry", error: `network error: ${e instanceof Error ? e.message : e}` };
    }
  }
}

function buildRequest(params: HttpParams, idempotencyKey: string) {
  const url = new URL(params.url);
  if (!/^https?:$/.test(url.protocol)) throw new Error(`scheme ${url.protocol} is not http(s)`);
  const method = params.method;
  const headers = new Headers();
  for (const [k, v] of params.headers) headers.set(k, v);
  if (!headers.has("idempotency-key")) headers.set("idempotency-key", idempotencyKey);
  if (!headers.has("user-agent")) headers.set("user-agent", USER_AGENT);
  let body: string | undefined;
  if ("json" in params) {
    body = JSON.stringify(params.json);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  } else if (params.body !== undefined) {
    body = params.body;
  }
  if (body !== undefined && method === "GET") throw new Error("a GET request cannot have a body");
  return { url, method, headers, body };
}

function classify(
  res: Response,
  body: string,
  expect: number[] | undefined,
  now: number,
): ActionOutcome {
  const status = res.status;
  const expected = expect === undefined ? status >= 200 && status < 300 : expect.includes(status);
  if (expected) return { kind: "ok", status };
  const shown = excerpt(body, 200);
  const error = `HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}${
    shown ? `: ${shown}` : ""
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
