/**
 * The `slack` action declared once: its spec and its typed parameters (the implementation,
 * `action.ts`, is paired with it by type in `../registry.ts`).
 */
import { type ActionKind, optionalText, ParamsRefused } from "../kind.ts";
import { slackSpec } from "./spec.ts";

/** The keys of a rendered `slack` action that go into the posted message as they are. */
const MESSAGE_KEYS = [
  "text",
  "blocks",
  "thread_ts",
  "reply_broadcast",
  "username",
  "icon_emoji",
  "icon_url",
  "unfurl_links",
  "unfurl_media",
] as const;

/** Rendered `slack` parameters: where the message goes, and the message. */
export interface SlackParams {
  /** An incoming webhook; otherwise `token` and `channel` (chat.postMessage). */
  webhookUrl?: string;
  token?: string;
  channel?: string;
  /** The rendered `thread` key: messages with the same one share a thread. */
  thread?: string;
  /** The message body as Slack takes it (`text` as text). */
  message: Record<string, unknown>;
}

/** Reads rendered `slack` parameters. */
export function parseSlackParams(params: Record<string, unknown>): SlackParams | ParamsRefused {
  const webhookUrl = optionalText(params, "webhook_url");
  const token = optionalText(params, "token");
  const channel = optionalText(params, "channel");
  for (const v of [webhookUrl, token, channel]) if (v instanceof ParamsRefused) return v;
  if (webhookUrl === undefined && (token === undefined || channel === undefined)) {
    return new ParamsRefused('slack needs either "webhook_url", or "token" with "channel"');
  }
  const message: Record<string, unknown> = {};
  for (const key of MESSAGE_KEYS) if (params[key] !== undefined) message[key] = params[key];
  if (message.text !== undefined) message.text = String(message.text);
  const thread = params.thread;
  return {
    webhookUrl: webhookUrl as string | undefined,
    token: token as string | undefined,
    channel: channel as string | undefined,
    thread: thread === undefined || thread === null
      ? undefined
      : typeof thread === "string"
      ? thread
      : JSON.stringify(thread),
    message,
  };
}

/** The `slack` action. */
export const slackKind: ActionKind<SlackParams> = {
  spec: slackSpec,
  parse: parseSlackParams,
};
