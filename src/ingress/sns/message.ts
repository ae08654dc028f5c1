/**
 * SNS HTTP(S) messages: the three types, their required fields, and the exact string AWS signs
 * (`Name\nValue\n` pairs in byte order, present keys only, every pair ending in a newline).
 */

/** The message types SNS posts. */
export type SnsType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";

/** An SNS message with Lambda-style spellings normalised. */
export interface SnsMessage {
  Type: SnsType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  SignatureVersion: string;
  Signature: string;
  SigningCertURL: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  UnsubscribeURL?: string;
}

/**
 * A message that is not a well-formed SNS message; `field` names what is wrong. The message never
 * quotes the request's values: they are unauthenticated and may be a megabyte long.
 */
export class SnsMessageError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "SnsMessageError";
  }
}

const SIGNED_KEYS = [
  "Message",
  "MessageId",
  "Subject",
  "SubscribeURL",
  "Timestamp",
  "Token",
  "TopicArn",
  "Type",
] as const;

const COMMON_FIELDS = [
  "MessageId",
  "TopicArn",
  "Message",
  "Timestamp",
  "SignatureVersion",
  "Signature",
  "SigningCertURL",
];

const REQUIRED: Record<SnsType, readonly string[]> = {
  Notification: COMMON_FIELDS,
  SubscriptionConfirmation: [...COMMON_FIELDS, "Token", "SubscribeURL"],
  UnsubscribeConfirmation: [...COMMON_FIELDS, "Token", "SubscribeURL"],
};

/** Checks a parsed body against its type's required fields; `headerType` is x-amz-sns-message-type. */
export function parseSnsMessage(value: unknown, headerType: string | undefined): SnsMessage {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new SnsMessageError("body", "not a JSON object");
  }
  const o: Record<string, unknown> = { ...value as Record<string, unknown> };
  for (
    const [lambda, http] of [
      ["SigningCertUrl", "SigningCertURL"],
      ["SubscribeUrl", "SubscribeURL"],
      ["UnsubscribeUrl", "UnsubscribeURL"],
    ]
  ) {
    if (o[http] === undefined && o[lambda] !== undefined) o[http] = o[lambda];
  }
  if (o.Subject === null) delete o.Subject;
  const type = o.Type as SnsType;
  if (typeof type !== "string" || !Object.hasOwn(REQUIRED, type)) {
    throw new SnsMessageError(
      "Type",
      "not Notification, SubscriptionConfirmation or UnsubscribeConfirmation",
    );
  }
  if (headerType !== undefined && headerType !== type) {
    throw new SnsMessageError("x-amz-sns-message-type", "the header and the body's Type differ");
  }
  for (const field of REQUIRED[type]) {
    if (typeof o[field] !== "string") throw new SnsMessageError(field, "missing or not a string");
  }
  return o as unknown as SnsMessage;
}

/** The exact bytes AWS signed for this message. */
export function stringToSign(m: SnsMessage): string {
  const notification = m.Type === "Notification";
  let out = "";
  for (const key of SIGNED_KEYS) {
    if (notification && (key === "SubscribeURL" || key === "Token")) continue;
    if (!notification && key === "Subject") continue;
    const value = m[key];
    if (value === undefined) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}
