/**
 * Email header safety: CR, LF or NUL in any rendered header value is refused (never stripped), and
 * addresses must be `local@domain.tld` or `Name <local@domain.tld>`.
 */

const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+\.[^\s@<>(),;:"\\[\]]+$/;
const NAMED = /^([^<>"\r\n\0]*)<([^<>]+)>$/;

/** The address part of `addr` or `Name <addr>`, if it is valid. */
export function parseAddress(text: string): string | undefined {
  const trimmed = text.trim();
  const named = NAMED.exec(trimmed);
  const address = named ? named[2].trim() : trimmed;
  return ADDRESS.test(address) ? address : undefined;
}

/** Whether a header value holds a character that could start a new header line. */
export function hasLineBreak(text: string): boolean {
  return /[\r\n\0]/.test(text);
}

/** The most recipients one email delivery may have (to + cc + bcc). */
export const MAX_RECIPIENTS = 50;

const HEADER_FIELDS = ["from", "to", "cc", "bcc", "reply_to", "subject"] as const;

/** Why rendered email parameters may not be sent, or undefined. */
export function checkEmailHeaders(params: Record<string, unknown>): string | undefined {
  let recipients = 0;
  for (const field of HEADER_FIELDS) {
    const value = params[field];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      if (typeof v !== "string") return `${field} must be text, got ${JSON.stringify(v)}`;
      if (hasLineBreak(v)) {
        return `${field} contains a line break or NUL (header injection refused)`;
      }
      if (field === "subject") continue;
      if (!parseAddress(v)) return `${field}: ${JSON.stringify(v)} is not an email address`;
      if (field === "to" || field === "cc" || field === "bcc") recipients++;
    }
  }
  if (recipients > MAX_RECIPIENTS) {
    return `${recipients} recipients; the limit is ${MAX_RECIPIENTS}`;
  }
  if (recipients === 0) return "no recipient";
  return undefined;
}
