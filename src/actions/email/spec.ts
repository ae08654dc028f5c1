/** Parameters of the `email` action: one message over SMTP. */
import { SECRET_MARK } from "../schema_marks.ts";
import { type ActionSpec, actionSpec, type ParamProblem } from "../spec.ts";
import { checkEmailHeaders } from "./address.ts";
import { escapeEmailValue, fitEmail } from "./escape.ts";

const addresses = {
  type: ["string", "array"],
  minLength: 1,
  items: { type: "string", minLength: 1 },
};

/** The `email` action's declaration. */
export const emailSpec: ActionSpec = actionSpec({
  name: "email",
  description: "Send an email over SMTP (smtp_url, or the config file's default).",
  params: {
    type: "object",
    additionalProperties: false,
    required: ["to", "subject"],
    properties: {
      smtp_url: {
        type: "string",
        [SECRET_MARK]: true,
        description:
          "smtp:// or smtps:// URL with optional user:password@ (a secret; never from {{ }})",
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
  escape: escapeEmailValue,
  fit: fitEmail,
  checkRendered: checkEmailHeaders,
  check(params) {
    const problems: ParamProblem[] = [];
    if (params.text === undefined && params.html === undefined) {
      problems.push({ path: [], message: 'email needs "text", "html" or both' });
    }
    const smtp = params.smtp_url;
    if (typeof smtp === "string" && smtp.includes("{{")) {
      problems.push({
        path: ["smtp_url"],
        message:
          "smtp_url must be literal text or ${VAR}, not a {{ }} template (an event must not choose where the SMTP password goes)",
      });
    } else if (typeof smtp === "string" && !/^smtps?:\/\//i.test(smtp)) {
      problems.push({
        path: ["smtp_url"],
        message: "smtp_url must start with smtp:// or smtps://",
      });
    }
    return problems;
  },
});
