/**
 * `POST /webhooks/sns`: AWS SNS HTTP(S) deliveries. With no topic configured every request is
 * refused before its body is read. The body is parsed whatever its Content-Type, the topic checked
 * against the allowlist before any network I/O, the signing certificate URL checked, the
 * `Timestamp` checked against the maximum event age, the signature verified; then a subscription
 * is confirmed, or a notification's event stored (deduped by `MessageId`). SNS counts any 2xx–4xx
 * as delivered, so only failures worth a retry (a certificate or confirmation we could not fetch)
 * answer 5xx. Refusals name the field at fault and never quote the request.
 */
import type { Context } from "hono";
import { decodeSnsMessage, UndecodableMessageError } from "../../event/decode.ts";
import type { Inbox, IntakeOutcome } from "../../inbox/inbox.ts";
import type { Logger } from "../../observe/log.ts";
import { BodyTimeoutError, readRequestBody } from "../body.ts";
import { BodyTooLargeError } from "../../event/compression.ts";
import { staleReason } from "../../event/event_age.ts";
import { CertificateCache, CertificateFetchError, checkSnsUrl, isSnsHost } from "./certificate.ts";
import { parseSnsMessage, type SnsMessage, SnsMessageError } from "./message.ts";
import { readSignature, verifySnsSignature } from "./signature.ts";

/**
 * Test seams. Never set from the CLI or the environment: tests use them to accept a local HTTPS
 * server in place of `sns.<region>.amazonaws.com`.
 */
export interface SnsTestOptions {
  hostPattern?: RegExp;
  fetch?: typeof fetch;
}

/** What the SNS endpoint needs. */
export interface SnsDeps {
  inbox: Inbox;
  topics: readonly string[];
  maxBodyBytes: number;
  /** Messages whose `Timestamp` is older are refused; undefined: no limit. */
  maxEventAgeMs?: number;
  /** The clock message ages are measured against; `Date.now` by default. */
  now?: () => number;
  log: Logger;
  test?: SnsTestOptions;
}

/** Builds the handler for `POST /webhooks/sns`. */
export function snsHandler(deps: SnsDeps) {
  const pattern = deps.test?.hostPattern;
  const host = pattern ? (h: string) => pattern.test(h) : isSnsHost;
  const now = deps.now ?? Date.now;
  const fetcher = deps.test?.fetch ?? fetch;
  const certificates = new CertificateCache(fetcher);
  const topics = new Set(deps.topics);
  const answer = (
    c: Context,
    outcome: Exclude<IntakeOutcome, "accepted" | "duplicate" | "quarantined">,
    status: 200 | 400 | 401 | 403 | 408 | 413 | 502 | 503,
    body: object,
    _type?: undefined,
    bodyRead = true,
  ) => {
    deps.inbox.refused("sns", outcome);
    if (status !== 200) deps.log.info("sns refused", { status, ...body });
    // A body left unread would keep the connection waiting for it; closing ends that.
    return c.json(body, status, bodyRead ? undefined : { connection: "close" });
  };

  return async (c: Context) => {
    if (topics.size === 0) {
      return answer(c, "forbidden", 403, { error: "no SNS topic is configured" }, undefined, false);
    }
    let message: SnsMessage;
    try {
      const raw = new TextDecoder().decode(await readRequestBody(c.req.raw, deps.maxBodyBytes));
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        return answer(c, "bad_request", 400, { error: "body is not JSON" });
      }
      message = parseSnsMessage(value, c.req.header("x-amz-sns-message-type"));
    } catch (e) {
      if (e instanceof BodyTooLargeError) {
        return answer(c, "too_large", 413, { error: e.message }, undefined, false);
      }
      if (e instanceof BodyTimeoutError) {
        return answer(c, "timeout", 408, { error: e.message }, undefined, false);
      }
      if (e instanceof SnsMessageError) return answer(c, "bad_request", 400, { error: e.message });
      throw e;
    }
    if (!topics.has(message.TopicArn)) {
      return answer(c, "forbidden", 403, { error: "TopicArn is not in SLUICE_SNS_TOPICS" });
    }
    const certProblem = checkSnsUrl(message.SigningCertURL, host, true);
    if (certProblem) {
      return answer(c, "unauthorized", 401, { error: `SigningCertURL ${certProblem}` });
    }
    const stale = staleReason(message.Timestamp, now(), deps.maxEventAgeMs, "Timestamp");
    if (stale) return answer(c, "stale", 400, { error: stale });
    try {
      readSignature(message);
    } catch (e) {
      if (e instanceof SnsMessageError) return answer(c, "bad_request", 400, { error: e.message });
      throw e;
    }
    try {
      const key = await certificates.publicKey(message.SigningCertURL);
      if (!verifySnsSignature(message, key)) {
        return answer(c, "unauthorized", 401, { error: "Signature does not verify" });
      }
    } catch (e) {
      if (e instanceof SnsMessageError) return answer(c, "bad_request", 400, { error: e.message });
      if (e instanceof CertificateFetchError) return answer(c, "error", 503, { error: e.message });
      throw e;
    }

    if (message.Type === "SubscriptionConfirmation") return await confirm(c, message);
    if (message.Type === "UnsubscribeConfirmation") {
      deps.log.warn("sns subscription removed", { topic: message.TopicArn });
      return answer(c, "unsubscribed", 200, { unsubscribed: true });
    }
    return await notify(c, message);
  };

  async function confirm(c: Context, message: SnsMessage) {
    const problem = checkSnsUrl(message.SubscribeURL!, host);
    if (problem) return answer(c, "unauthorized", 401, { error: `SubscribeURL ${problem}` });
    try {
      const res = await fetcher(message.SubscribeURL!, {
        signal: AbortSignal.timeout(10_000),
        redirect: "error",
      });
      await res.body?.cancel();
      if (!res.ok) return answer(c, "error", 502, { error: `confirmation answered ${res.status}` });
    } catch (e) {
      return answer(c, "error", 502, {
        error: `confirmation failed: ${e instanceof Error ? e.message : e}`,
      });
    }
    deps.log.info("sns subscription confirmed", { topic: message.TopicArn });
    return answer(c, "confirmed", 200, { confirmed: true });
  }

  async function notify(c: Context, message: SnsMessage) {
    let decoded;
    try {
      decoded = await decodeSnsMessage(message.Message, deps.maxBodyBytes);
    } catch (e) {
      if (!(e instanceof UndecodableMessageError)) throw e;
      const id = await deps.inbox.quarantine("sns", e.reason, message.Message);
      return c.json({ error: `${e.reason}; kept in quarantine as ${id}` }, 400);
    }
    const { id, duplicate } = await deps.inbox.accept({
      source: "sns",
      dedupeId: message.MessageId,
      event: decoded.event,
      json: decoded.json,
      meta: { topic: message.TopicArn },
    });
    return c.json(duplicate ? { id, duplicate: true } : { id }, 200);
  }
}
