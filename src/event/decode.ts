/**
 * Message bodies from SQS and SNS: the event JSON itself, base64 of its gzip (Stream's payload
 * compression), or, in SQS without raw delivery, a whole SNS envelope whose `Message` is either.
 */
import { BadGzipError, BodyTooLargeError, gunzipLimited, isGzip } from "./compression.ts";
import { isStreamEvent, type StreamEvent } from "./envelope.ts";
import { NESTING_REASON, nestsDeeperThan } from "./nesting.ts";

/** A body that holds no routable event; `reason` says why without quoting it. */
export class UndecodableMessageError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "UndecodableMessageError";
  }
}

/** A decoded event, its JSON text, and the SNS message id when it came in an SNS envelope. */
export interface DecodedMessage {
  event: StreamEvent;
  json: string;
  snsMessageId?: string;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]+={0,2}$/;

/** Decodes one message body; throws {@link UndecodableMessageError}. */
export async function decodeMessage(text: string, maxBytes: number): Promise<DecodedMessage> {
  const json = await toJson(text, maxBytes);
  const value = parse(json);
  if (isSnsEnvelope(value)) {
    const inner = await toJson(value.Message, maxBytes);
    const event = parse(inner);
    if (!isStreamEvent(event)) {
      throw new UndecodableMessageError('the SNS Message has no string "type"');
    }
    return { event: shallowEnough(event), json: inner, snsMessageId: value.MessageId };
  }
  if (!isStreamEvent(value)) throw new UndecodableMessageError('the message has no string "type"');
  return { event: shallowEnough(value), json };
}

/** Decodes the `Message` of an SNS notification (JSON or base64 of gzip). */
export async function decodeSnsMessage(message: string, maxBytes: number): Promise<DecodedMessage> {
  const json = await toJson(message, maxBytes);
  const event = parse(json);
  if (!isStreamEvent(event)) {
    throw new UndecodableMessageError('the SNS Message has no string "type"');
  }
  return { event: shallowEnough(event), json };
}

/** The event, if it nests no deeper than rules can evaluate. */
function shallowEnough(event: StreamEvent): StreamEvent {
  if (nestsDeeperThan(event)) throw new UndecodableMessageError(NESTING_REASON);
  return event;
}

function isSnsEnvelope(v: unknown): v is { Type: string; Message: string; MessageId?: string } {
  const o = v as Record<string, unknown>;
  return o !== null && typeof o === "object" && o.Type === "Notification" &&
    typeof o.Message === "string" && typeof o.TopicArn === "string";
}

async function toJson(text: string, maxBytes: number): Promise<string> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return trimmed;
  if (!BASE64.test(trimmed) || trimmed.replace(/[\r\n]/g, "").length % 4 !== 0) {
    throw new UndecodableMessageError("neither JSON nor base64");
  }
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = Uint8Array.from(atob(trimmed.replace(/[\r\n]/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new UndecodableMessageError("invalid base64");
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipLimited(bytes, maxBytes);
    } catch (e) {
      if (e instanceof BodyTooLargeError) throw new UndecodableMessageError(e.message);
      if (e instanceof BadGzipError) throw new UndecodableMessageError(e.message);
      throw e;
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UndecodableMessageError("decoded bytes are not UTF-8");
  }
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    throw new UndecodableMessageError("not valid JSON");
  }
}
