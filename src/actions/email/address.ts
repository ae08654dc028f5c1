/**
 * Email addresses and headers. Rendered address fields are parsed as the mailer parses them
 * (nodemailer's own address parser), so what is counted and checked is what would be sent:
 * every mailbox, group members included, must be `local@domain.tld`; at most 50 recipients;
 * `from` and `reply_to` exactly one. CR, LF or NUL that the rule author wrote in a header is
 * refused (never stripped); event values are made safe before that by `escape.ts`.
 */
import addressparser from "nodemailer/lib/addressparser";

/** One part of an address: no space, `@` or specials (one character class: linear). */
const ATOMS = /^[^\s@<>(),;:"\\[\]]+$/;

/**
 * Whether `text` is a bare address, `local@domain.tld`: one `@`, and a dot inside the domain.
 * Checked without a backtracking pattern, since it runs on event values of any length.
 */
export function isBareAddress(text: string): boolean {
  const at = text.indexOf("@");
  if (at <= 0 || text.indexOf("@", at + 1) >= 0) return false;
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  return ATOMS.test(local) && ATOMS.test(domain) && domain.slice(1, -1).includes(".");
}

/** One mailbox as the mailer takes it. */
export interface Mailbox {
  name: string;
  address: string;
}

/** The address fields, as rule parameters name them. */
export const ADDRESS_FIELDS = ["from", "to", "cc", "bcc", "reply_to"] as const;
type AddressField = typeof ADDRESS_FIELDS[number];

/** The most recipients one email delivery may have (to + cc + bcc). */
export const MAX_RECIPIENTS = 50;

/** Whether a header value holds a character that could start a new header line. */
export function hasLineBreak(text: string): boolean {
  return /[\r\n\0]/.test(text);
}

/** The mailboxes of one rendered address field, or why it has none that can be sent to. */
export function parseMailboxes(field: string, value: unknown): Mailbox[] | string {
  const values = Array.isArray(value) ? value : [value];
  const out: Mailbox[] = [];
  for (const v of values) {
    if (typeof v !== "string") return `${field} must be text, got ${JSON.stringify(v)}`;
    if (hasLineBreak(v)) return `${field} contains a line break or NUL (header injection refused)`;
    const parsed = addressparser(v, { flatten: true });
    if (parsed.length === 0) return `${field}: ${JSON.stringify(v)} is not an email address`;
    for (const m of parsed) {
      if (!isBareAddress(m.address ?? "")) {
        return `${field}: ${JSON.stringify(v.slice(0, 200))} is not an email address`;
      }
      out.push({ name: m.name ?? "", address: m.address });
    }
  }
  return out;
}

/** Every address field of rendered parameters, parsed; or the first reason one cannot be sent. */
export function parseAddressFields(
  params: Record<string, unknown>,
): Partial<Record<AddressField, Mailbox[]>> | string {
  const fields: Partial<Record<AddressField, Mailbox[]>> = {};
  for (const field of ADDRESS_FIELDS) {
    if (params[field] === undefined) continue;
    const mailboxes = parseMailboxes(field, params[field]);
    if (typeof mailboxes === "string") return mailboxes;
    if ((field === "from" || field === "reply_to") && mailboxes.length !== 1) {
      return `${field} must be one address, got ${mailboxes.length}`;
    }
    fields[field] = mailboxes;
  }
  const recipients = (fields.to?.length ?? 0) + (fields.cc?.length ?? 0) +
    (fields.bcc?.length ?? 0);
  if (recipients > MAX_RECIPIENTS) {
    return `${recipients} recipients; the limit is ${MAX_RECIPIENTS}`;
  }
  if (recipients === 0) return "no recipient";
  return fields;
}

/** Why rendered email parameters may not be sent, or undefined. */
export function checkEmailHeaders(params: Record<string, unknown>): string | undefined {
  const subject = params.subject;
  if (subject !== undefined && typeof subject !== "string") {
    return `subject must be text, got ${JSON.stringify(subject)}`;
  }
  if (typeof subject === "string" && hasLineBreak(subject)) {
    return "subject contains a line break or NUL (header injection refused)";
  }
  const fields = parseAddressFields(params);
  return typeof fields === "string" ? fields : undefined;
}
