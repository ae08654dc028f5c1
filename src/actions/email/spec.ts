/** Parameters of the `email` action: one message over SMTP. */
import type { ActionSpec, ParamProblem } from "../spec.ts";
import { checkEmailHeaders } from "./address.ts";

const addresses = {
  type: ["string", "array"],
  minLength: 1,
  items: { type: "string", minLength: 1 },
};

/** The `email` action's declaration. */
export const emailSpec: ActionSpec = {
  name: "email",
  description: "Send an email over SMTP (smtp_url, or the config file's default).",
  params: {
    type: "object",
    additionalProperties: false,
    required: ["to", "subject"],
    properties: {
      smtp_url: {
        type: "string",
        description: "smtp:// or smtps:// URL with optional user:password@",
      },
      from: { type: "string", minLength: 1 },
      to: addresses,
      cc: addresses,
      bcc: addresses,
      reply_to: { type: "string", minLength: 1 },
      subject: { type: "string" },
      text: { type: "string" },
      html: { type: "string" },
    },
  },
  secretKeys: ["smtp_url"],
  checkRendered: checkEmailHeaders,
  check(params) {
    const problems: ParamProblem[] = [];
    if (params.text === undefined && params.html === undefined) {
      problems.push({ path: [], message: 'email needs "text", "html" or both' });
    }
    const smtp = params.smtp_url;
    if (typeof smtp === "string" && !smtp.includes("{{") && !/^smtps?:\/\//i.test(smtp)) {
      problems.push({
        path: ["smtp_url"],
        message: "smtp_url must start with smtp:// or smtps://",
      });
    }
    return problems;
  },
};
