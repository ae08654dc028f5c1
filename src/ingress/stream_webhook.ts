/**
 * `POST /webhooks/stream`: Stream's signed webhooks. The body is read within the size limit,
 * inflated if gzip, verified against the app named by `X-Api-Key` (current or previous secret),
 * parsed, and written to the inbox before the answer. `X-Webhook-Id` dedupes Stream's retries.
 * Errors never echo the body or a secret.
 */
import type { Context } from "hono";
import type { StreamApp } from "../config/settings.ts";
import { isStreamEvent } from "../event/envelope.ts";
import type { Inbox } from "../inbox/inbox.ts";
import type { Logger } from "../observe/log.ts";
import { BadGzipError, BodyTooLargeError, gunzipLimited, isGzip } from "../event/compression.ts";
import { readRequestBody } from "./body.ts";
import { verifyStreamSignature } from "./stream_signature.ts";

/** What the webhook endpoint needs. */
export interface StreamWebhookDeps {
  inbox: Inbox;
  apps: readonly StreamApp[];
  maxBodyBytes: number;
  log: Logger;
}

/** How a webhook request ended. */
export type WebhookOutcome =
  | "accepted"
  | "duplicate"
  | "unauthorized"
  | "too_large"
  | "bad_request"
  | "error";

/** Builds the handler for `POST /webhooks/stream`. */
export function streamWebhookHandler(deps: StreamWebhookDeps) {
  const secrets = new Map(
    deps.apps.map((a) => [a.apiKey, [a.secret, a.previousSecret].filter(Boolean) as string[]]),
  );
  const refuse = (
    c: Context,
    outcome: WebhookOutcome,
    status: 400 | 401 | 413 | 500,
    error: string,
  ) => {
    deps.inbox.refused("webhook", outcome);
    deps.log.info("webhook refused", { status, error, webhook_id: c.req.header("x-webhook-id") });
    return c.json({ error }, status);
  };

  return async (c: Context) => {
    const apiKey = c.req.header("x-api-key");
    const signature = c.req.header("x-signature");
    if (secrets.size === 0) return refuse(c, "unauthorized", 401, "no Stream app is configured");
    if (!apiKey) return refuse(c, "unauthorized", 401, "missing X-Api-Key header");
    if (!signature) return refuse(c, "unauthorized", 401, "missing X-Signature header");
    const appSecrets = secrets.get(apiKey);
    if (!appSecrets) return refuse(c, "unauthorized", 401, "unknown X-Api-Key");
    let body: Uint8Array<ArrayBuffer>;
    try {
      body = await readRequestBody(c.req.raw, deps.maxBodyBytes);
      if (isGzip(body)) body = await gunzipLimited(body, deps.maxBodyBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) return refuse(c, "too_large", 413, e.message);
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
    if (!isStreamEvent(event)) {
      const reason = event === undefined ? "body is not JSON" : 'body has no string "type"';
      const id = await deps.inbox.quarantine("webhook", reason, text);
      return c.json({ error: `${reason}; kept in quarantine as ${id}` }, 400);
    }

    const webhookId = c.req.header("x-webhook-id") || undefined;
    const attempt = Number(c.req.header("x-webhook-attempt") ?? 1);
    const { id, duplicate } = await deps.inbox.accept({
      source: "webhook",
      dedupeId: webhookId,
      signedBy: apiKey,
      event,
      json: text,
      meta: { webhook_id: webhookId, attempt: Number.isFinite(attempt) ? attempt : 1 },
    });
    deps.log.debug(duplicate ? "webhook duplicate" : "webhook accepted", {
      event_id: id,
      type: event.type,
      webhook_id: webhookId,
    });
    return c.json(duplicate ? { id, duplicate: true } : { id }, 200);
  };
}
