/** Parameters of the `slack` action: an incoming webhook or `chat.postMessage`. */
import { SECRET_MARK } from "../schema_marks.ts";
import { type ActionSpec, actionSpec, type ParamProblem } from "../spec.ts";
import { checkSlackMessage, escapeForSlack, fingerprint, fitSlackMessage } from "./format.ts";

/** The `slack` action's declaration. */
export const slackSpec: ActionSpec = actionSpec({
  name: "slack",
  description:
    "Post a Slack message through an incoming webhook (webhook_url) or chat.postMessage (token + channel).",
  params: {
    type: "object",
    additionalProperties: false,
    properties: {
      webhook_url: {
        type: "string",
        minLength: 1,
        [SECRET_MARK]: true,
        description: "Incoming webhook URL (a secret; never from {{ }})",
      },
      token: {
        type: "string",
        minLength: 1,
        [SECRET_MARK]: true,
        description: "Bot token for chat.postMessage (never from {{ }})",
      },
      channel: { type: "string", minLength: 1, description: "Channel id or name, with `token`" },
      text: {
        type: "string",
        description: "Message text (mrkdwn); the fallback when blocks are set",
      },
      blocks: { type: ["array", "string"], description: "Block Kit blocks" },
      thread_ts: { type: "string", description: "Reply in this thread" },
      thread: {
        type: "string",
        minLength: 1,
        description:
          "JSONata: messages whose key renders the same go to one thread (token + channel only)",
      },
      reply_broadcast: {
        type: "boolean",
        description: "Thread replies are also shown in the channel",
      },
      username: { type: "string" },
      icon_emoji: { type: "string" },
      icon_url: { type: "string" },
      unfurl_links: { type: "boolean" },
      unfurl_media: { type: "boolean" },
    },
  },
  expressions: ["thread"],
  escape: escapeForSlack,
  fit: fitSlackMessage,
  checkRendered: checkSlackMessage,
  rateKey(params) {
    if (typeof params.webhook_url === "string") {
      return `slack:hook:${fingerprint(params.webhook_url)}`;
    }
    return `slack:${fingerprint(String(params.token))}:${params.channel}`;
  },
  check(params) {
    const problems: ParamProblem[] = [];
    const hasWebhook = params.webhook_url !== undefined;
    const hasToken = params.token !== undefined;
    if (hasWebhook === hasToken) {
      problems.push({
        path: [],
        message: 'slack needs either "webhook_url", or "token" with "channel"',
      });
    } else if (hasToken && params.channel === undefined) {
      problems.push({ path: ["token"], message: '"token" needs a "channel"' });
    } else if (hasWebhook && params.channel !== undefined) {
      problems.push({
        path: ["channel"],
        message: '"channel" is fixed by an incoming webhook; use "token" to choose it',
      });
    }
    for (const key of ["webhook_url", "token"]) {
      const v = params[key];
      if (typeof v === "string" && v.includes("{{")) {
        problems.push({
          path: [key],
          message:
            `${key} must be literal text or \${VAR}, not a {{ }} template (an event must not choose where the message and credential go)`,
        });
      }
    }
    if (params.thread !== undefined && hasWebhook) {
      problems.push({
        path: ["thread"],
        message:
          '"thread" needs "token" and "channel" (an incoming webhook does not say which message it posted)',
      });
    }
    if (params.text === undefined && params.blocks === undefined) {
      problems.push({ path: [], message: 'slack needs "text", "blocks" or both' });
    }
    return problems;
  },
});
