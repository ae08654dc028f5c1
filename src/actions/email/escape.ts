/**
 * Event values in an email, encoded for where they land: in an address field a value that is not
 * a bare address becomes one quoted string, so it can only ever be a display name (never a second
 * recipient, a group, or a new sender); in `html` it is HTML-escaped; in `subject` line breaks
 * become spaces. The rule author's literal text is kept as written.
 */
import type { FieldPath } from "../../template/field_path.ts";
import { ADDRESS_FIELDS, isBareAddress } from "./address.ts";

const ADDRESS_FIELD_NAMES: ReadonlySet<unknown> = new Set(ADDRESS_FIELDS);

/** The longest subject line kept; RFC 5322 allows 998 characters per header line. */
export const MAX_SUBJECT = 998;

/** HTML-escapes text for an element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** A value as an RFC 5322 quoted string (line breaks and NUL become spaces). */
export function quoteDisplayName(text: string): string {
  const flat = text.replace(/[\r\n\0]+/g, " ");
  return `"${flat.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Where the end of `text` is, as RFC 5322 reads an address field: inside a quoted string (`"…`,
 * where a backslash escapes the next character), inside a comment (`(…`, which nests), or not.
 */
export function addressContext(text: string): "quoted" | "comment" | "plain" {
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if ((quoted || depth > 0) && c === "\\") i++;
    else if (quoted) quoted = c !== '"';
    else if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (c === '"' && depth === 0) quoted = true;
  }
  return quoted ? "quoted" : depth > 0 ? "comment" : "plain";
}

/**
 * Encodes a template's result for the email parameter at `path`; `before` is what precedes it in
 * the same string (inside quotes the author wrote, a value is escaped, not quoted again).
 */
export function escapeEmailValue(
  value: unknown,
  path: FieldPath,
  _written?: Record<string, unknown>,
  before = "",
): unknown {
  const field = path[0];
  if (Array.isArray(value)) return value.map((v, i) => escapeEmailValue(v, [...path, i]));
  if (typeof value !== "string") return value;
  if (ADDRESS_FIELD_NAMES.has(field)) {
    const context = addressContext(before);
    if (context === "quoted") return quoteDisplayName(value).slice(1, -1);
    if (context === "comment") return value.replace(/[()\\\r\n\0]/g, " ");
    return isBareAddress(value) ? value : quoteDisplayName(value);
  }
  if (field === "html") return escapeHtml(value);
  if (field === "subject") return value.replace(/[\r\n\0]+/g, " ");
  return value;
}

/** Cuts an over-long subject with `…`; says so. */
export function fitEmail(params: Record<string, unknown>): string[] {
  const subject = params.subject;
  if (typeof subject !== "string" || subject.length <= MAX_SUBJECT) return [];
  params.subject = subject.slice(0, MAX_SUBJECT - 1) + "…";
  return [`subject cut from ${subject.length} to ${MAX_SUBJECT} characters`];
}
