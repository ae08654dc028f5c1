/**
 * `POST /webhooks/stream`: Stream's signed webhooks. The body is read within the size limit,
 * inflated if gzip, verified against the app named by `X-Api-Key` (current or previous secret),
 * parsed, checked for depth and age, and written to the inbox before the answer. `X-Webhook-Id`
 * dedupes Stream's retries. Errors never echo the body or a secret, and nothing an
 * unauthenticated request carried is logged, only its length.
 */
import type { Context } from "hono";
import type { StreamApp } from "../config/settings.ts";
import { isStreamEvent, type StreamEvent } from "../event/envelope.ts";
import { staleReason } from "../event/event_age.ts";
import { NESTING_REASON, nestsDeeperThan } from "../event/nesting.ts";
import type { Inbox, IntakeOutcome } from "../inbox/inbox.ts";
import type { Logger } from "../observe/log.ts";
import { BadGzipError, BodyTooLargeError, gunzipLimited, isGzip } from "../event/compression.ts";
import { BodyTimeoutError, readRequestBody } from "./body.ts";
import { verifyStreamSignature } from "./stream_signature.ts";

/** What the webhook endpoint needs. */
export interface StreamWebhookDeps {
  inbox: Inbox;
  apps: readonly StreamApp[];
  maxBodyBytes: number;
  /** Signed events whose `created_at` is older are quarantined; undefined: no limit. */
  maxEventAgeMs?: number;
  /** The clock event ages are measured against; `Date.now` by default. */
  now?: () => number;
  log: Logger;
}

/** How a refused webhook request ended. */
type WebhookOutcome = Extract<
  IntakeOutcome,
  "unauthorized" | "too_large" | "timeout" | "bad_request"
>;

/** Builds the handler for `POST /webhooks/stream`. */
export function streamWebhookHandler(deps: StreamWebhookDeps) {
  const secrets = new Map(
    deps.apps.map((a) => [a.apiKey, [a.secret, a.previousSecret].filter(Boolean) as string[]]),
  );
  const now = deps.now ?? Date.now;
  const refuse = (
    c: Context,
    outcome: WebhookOutcome,
    status: 400 | 401 | 408 | 413,
    error: string,
    bodyRead = true,
  ) => {
    deps.inbox.refused("webhook", outcome);
    // The id is unsigned and may be a megabyte long: its length says enough.
    const webhookIdLength = c.req.header("x-webhook-id")?.length;
    deps.log.info("webhook refused", { status, error, webhook_id_length: webhookIdLength });
    // A body left unread would keep the connection waiting for it; closing ends that.
    return c.json({ error }, status, bodyRead ? undefined : { connection: "close" });
  };

  return async (c: Context) => {
    const apiKey = c.req.header("x-api-key");
    const signature = c.req.header("x-signature");
    const unauthorized = (error: string) => refuse(c, "unauthorized", 401, error, false);
    if (secrets.size === 0) return unauthorized("no Stream app is configured");
    if (!apiKey) return unauthorized("missing X-Api-Key header");
    if (!signature) return unauthorized("missing X-Signature header");
    const appSecrets = secrets.get(apiKey);
    if (!appSecrets) return unauthorized("unknown X-Api-Key");
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readRequestBody(c.req.raw, deps.maxBodyBytes);
      if (isGzip(body)) body = await gunzipLimited(body, deps.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        return refuse(c, "too_large", 413, e.message, e.inflated);
      }
      if (e instanceof BodyTimeoutError) return refuse(c, "timeout", 408, e.message, false);
      if (e instanceof BadGzipError) return refuse(c, "bad_request", 400, e.message);
      throw e;
    }
    if (!(await verifyStreamSignature(body, signature, appSecrets))) {
      return refuse(c, "unauthorized", 401, "X-Signature does not match the body");
    }

    const text = new TextDecoder().decode(body);
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      event = undefined;
    }
    const problem = unusable(event, now(), deps.maxEventAgeMs);
    if (problem) {
      const id = await deps.inbox.quarantine("webhook", problem, text);
      return c.json({ error: `${problem}; kept in quarantine as ${id}` }, 400);
    }
    const routed = event as StreamEvent;
    const webhookId = c.req.header("x-webhook-id") || undefined;
    const attempt = Number(c.req.header("x-webhook-attempt") ?? 1);
    const { id, duplicate } = await deps.inbox.accept({
      source: "webhook",
      dedupeId: webhookId,
      signedBy: apiKey,
      event: routed,
      json: text,
      meta: { webhook_id: webhookId, attempt: Number.isFinite(attempt) ? attempt : 1 },
    });
    deps.log.debug(duplicate ? "webhook duplicate" : "webhook accepted", {
      event_id: id,
      type: routed.type,
      webhook_id: webhookId,
    });
    return c.json(duplicate ? { id, duplicate: true } : { id }, 200);
  };
}

/** Why a signed body cannot be routed (it is quarantined then), or undefined if it can. */
function unusable(event: unknown, nowMs: number, maxAgeMs: number | undefined): string | undefined {
  if (event === undefined) return "body is not JSON";
  if (!isStreamEvent(event)) return 'body has no string "type"';
  if (nestsDeeperThan(event)) return NESTING_REASON;
  return staleReason(event.created_at, nowMs, maxAgeMs);
}
