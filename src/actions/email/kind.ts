/**
 * The `email` action declared once: its spec and its typed parameters (the implementation,
 * `action.ts`, is paired with it by type in `../registry.ts`).
 */
import { type ActionKind, optionalText, ParamsRefused } from "../kind.ts";
import { ADDRESS_FIELDS } from "./address.ts";
import { emailSpec } from "./spec.ts";

/** Rendered `email` parameters; `smtp_url` and `from` fall back on the config file's. */
export interface EmailParams {
  smtpUrl?: string;
  /** The rendered `to`, `cc`, `bcc`, `reply_to` and `from`, parsed into mailboxes when sent. */
  addresses: Record<string, unknown>;
  subject: string;
  text?: string;
  html?: string;
}

/** Reads rendered `email` parameters. */
export function parseEmailParams(params: Record<string, unknown>): EmailParams | ParamsRefused {
  const smtpUrl = optionalText(params, "smtp_url");
  const subject = optionalText(params, "subject");
  const text = optionalText(params, "text");
  const html = optionalText(params, "html");
  for (const v of [smtpUrl, subject, text, html]) if (v instanceof ParamsRefused) return v;
  const addresses: Record<string, unknown> = {};
  for (const field of ADDRESS_FIELDS) {
    if (params[field] !== undefined) addresses[field] = params[field];
  }
  return {
    smtpUrl: smtpUrl as string | undefined,
    addresses,
    subject: (subject as string | undefined) ?? "",
    text: text as string | undefined,
    html: html as string | undefined,
  };
}

/** The `email` action. */
export const emailKind: ActionKind<EmailParams> = {
  spec: emailSpec,
  parse: parseEmailParams,
};
