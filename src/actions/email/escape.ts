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

/** Encodes a template's result for the email parameter at `path`. */
export function escapeEmailValue(value: unknown, path: FieldPath): unknown {
  const field = path[0];
  if (Array.isArray(value)) return value.map((v, i) => escapeEmailValue(v, [...path, i]));
  if (typeof value !== "string") return value;
  if (ADDRESS_FIELD_NAMES.has(field)) return isBareAddress(value) ? value : quoteDisplayName(value);
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
