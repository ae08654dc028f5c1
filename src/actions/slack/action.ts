/**
 * The `slack` action: an incoming webhook (errors are an HTTP status and a text code) or Web API
 * `chat.postMessage` (HTTP 200 even on failure: the JSON `ok` decides). Rate limits are retried
 * after `Retry-After`; other Slack errors are permanent. Error messages never carry the webhook
 * URL or the token.
 */
import type { Action, ActionContext, ActionOutcome } from "../action.ts";
import { parseRetryAfter } from "../retry_after.ts";

/** Where the Web API lives; configurable for Slack GovSlack or a proxy. */
export interface SlackActionOptions {
  apiUrl?: string;
  now?: () => number;
}

const MESSAGE_KEYS = [
  "text",
  "blocks",
  "thread_ts",
  "username",
  "icon_emoji",
  "icon_url",
  "unfurl_links",
  "unfurl_media",
] as const;

/** Posts Slack messages for `slack` deliveries. */
export class SlackAction implements Action {
  readonly name = "slack";
  private readonly apiUrl: string;
  private readonly now: () => number;

  constructor(options: SlackActionOptions = {}) {
    this.apiUrl = (options.apiUrl ?? "https://slack.com/api").replace(/\/$/, "");
    this.now = options.now ?? Date.now;
  }

  async execute(params: Record<string, unknown>, ctx: ActionContext): Promise<ActionOutcome> {
    const message: Record<string, unknown> = {};
    for (const key of MESSAGE_KEYS) if (params[key] !== undefined) message[key] = params[key];
    if (message.text !== undefined) message.text = String(message.text);
    const webhook = typeof params.webhook_url === "string" ? params.webhook_url : undefined;
    const url = webhook ?? `${this.apiUrl}/chat.postMessage`;
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
    if (!webhook) {
      headers.authorization = `Bearer ${params.token}`;
      message.channel = params.channel;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method: "POST",
        headers,
        body: JSON.stringify(message),
        signal: ctx.signal,
        redirect: "error",
      });
    } catch (e) {
      if (ctx.signal.aborted) return { kind: "retry", error: `timed out after ${ctx.timeoutMs}ms` };
      const reason = e instanceof TypeError ? "could not connect or was refused" : "request failed";
      return { kind: "retry", error: `Slack ${webhook ? "webhook" : "API"} ${reason}` };
    }
    const text = (await res.text()).slice(0, 2_000);
    const status = res.status;
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.now());
    const code = text.replace(/\s+/g, " ").trim().slice(0, 100);
    if (status === 429) {
      return { kind: "retry", status, retryAfterMs, error: "Slack rate limited (429)" };
    }
    if (status >= 500) {
      return { kind: "retry", status, error: `Slack answered ${status}${code ? ` ${code}` : ""}` };
    }
    if (webhook) {
      if (status >= 200 && status < 300) return { kind: "ok", status };
      return {
        kind: "permanent",
        status,
        error: `Slack webhook answered ${status}${code ? ` ${code}` : ""}`,
      };
    }
    let body: { ok?: boolean; error?: string };
    try {
      body = JSON.parse(text);
    } catch {
      return {
        kind: "permanent",
        status,
        error: `chat.postMessage answered ${status} without JSON`,
      };
    }
    if (body.ok === true) return { kind: "ok", status };
    const error = String(body.error ?? "unknown_error");
    if (error === "ratelimited" || error === "rate_limited") {
      return { kind: "retry", status, retryAfterMs, error: `chat.postMessage: ${error}` };
    }
    return { kind: "permanent", status, error: `chat.postMessage: ${error}` };
  }
}
