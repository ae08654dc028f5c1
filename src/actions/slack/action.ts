/**
 * The `slack` action: an incoming webhook (errors are an HTTP status and a text code) or Web API
 * `chat.postMessage` (HTTP 200 even on failure: the JSON `ok` decides). Rate limits are retried
 * after `Retry-After`; other Slack errors are permanent. Error messages never carry the webhook
 * URL or the token.
 */
import type { ActionContext, ActionOutcome } from "../action.ts";
import { excerpt, readCapped, USER_AGENT } from "../http_outcome.ts";
import type { TypedAction } from "../kind.ts";
import { parseRetryAfter } from "../retry_after.ts";
import type { SlackParams } from "./kind.ts";
import { KeyedLock, type ThreadBook, threadKey } from "./thread.ts";

/** Where the Web API lives (configurable for GovSlack or a proxy), and where threads are kept. */
export interface SlackActionOptions {
  apiUrl?: string;
  now?: () => number;
  /** Thread starts for `thread:`; without it, `thread` is ignored and messages go to the channel. */
  threads?: ThreadBook;
}

/** The most of an answer read (chat.postMessage echoes the message, blocks included). */
const MAX_ANSWER_BYTES = 262_144;

/** Posts Slack messages for `slack` deliveries. */
export class SlackAction implements TypedAction<SlackParams> {
  private readonly apiUrl: string;
  private readonly now: () => number;
  private readonly threads?: ThreadBook;
  private readonly threadLock = new KeyedLock();

  constructor(options: SlackActionOptions = {}) {
    this.apiUrl = (options.apiUrl ?? "https://slack.com/api").replace(/\/$/, "");
    this.now = options.now ?? Date.now;
    this.threads = options.threads;
  }

  async execute(params: SlackParams, ctx: ActionContext): Promise<ActionOutcome> {
    const threads = this.threads;
    if (params.thread === undefined || !threads || params.message.thread_ts) {
      const { ts: _ts, ...outcome } = await this.send(params, ctx);
      return outcome as ActionOutcome;
    }
    const key = await threadKey(String(params.token), String(params.channel), params.thread);
    return await this.threadLock.run(key, async () => {
      const ts = await threads.getThread(key);
      const message = ts
        ? { ...params.message, thread_ts: ts }
        : { ...params.message, reply_broadcast: undefined };
      const { ts: posted, ...outcome } = await this.send({ ...params, message }, ctx);
      if (outcome.kind === "ok" && !ts && posted) {
        // The message is out: failing to keep its ts must not make it be sent again; the next
        // message of the key then starts a new thread.
        await threads.setThread(key, posted).catch(() => undefined);
      }
      return outcome as ActionOutcome;
    });
  }

  /** One post; a Web API success carries the message's `ts`. */
  private async send(
    params: SlackParams,
    ctx: ActionContext,
  ): Promise<ActionOutcome & { ts?: string }> {
    const message = { ...params.message };
    const webhook = params.webhookUrl;
    const url = webhook ?? `${this.apiUrl}/chat.postMessage`;
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "user-agent": USER_AGENT,
    };
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
    const text = await readCapped(res, MAX_ANSWER_BYTES);
    const status = res.status;
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), this.now());
    const code = excerpt(text, 100);
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
    let body: { ok?: boolean; error?: string; ts?: unknown };
    try {
      body = JSON.parse(text);
    } catch {
      return {
        kind: "permanent",
        status,
        error: `chat.postMessage answered ${status} without JSON`,
      };
    }
    if (body.ok === true) {
      return { kind: "ok", status, ...(typeof body.ts === "string" ? { ts: body.ts } : {}) };
    }
    const error = String(body.error ?? "unknown_error");
    if (error === "ratelimited" || error === "rate_limited") {
      return { kind: "retry", status, retryAfterMs, error: `chat.postMessage: ${error}` };
    }
    return { kind: "permanent", status, error: `chat.postMessage: ${error}` };
  }
}
