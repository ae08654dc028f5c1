/**
 * Slack formatting rules: `&`, `<` and `>` in values that come from events are escaped in text
 * fields, so an event cannot inject `<!channel>`, `<@U…>` or a disguised link; and the message
 * limits Slack enforces are checked before sending.
 */
import type { FieldPath } from "../../template/field_path.ts";

/** Slack's own escaping: only these three characters (api.slack.com formatting#escaping). */
export function escapeSlackText(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * Escapes a template's value for Slack: a string landing in a `text` field, or every `text`
 * field inside a mapping or list the template produced (e.g. whole blocks).
 */
export function escapeForSlack(value: unknown, path: FieldPath): unknown {
  if (typeof value === "string") return path.at(-1) === "text" ? escapeSlackText(value) : value;
  if (Array.isArray(value)) return value.map((v, i) => escapeForSlack(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, escapeForSlack(v, [...path, k])]),
    );
  }
  return value;
}

/** Slack's documented limits, checked on the rendered message. */
export function checkSlackLimits(params: Record<string, unknown>): string | undefined {
  const text = params.text;
  if (text !== undefined && String(text).length > 40_000) {
    return `text is ${String(text).length} characters; Slack's limit is 40,000`;
  }
  const blocks = params.blocks;
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return "blocks must render to a list of blocks";
  if (blocks.length > 50) return `${blocks.length} blocks; Slack's limit is 50`;
  for (const [i, block] of blocks.entries()) {
    const b = block as { type?: string; text?: { text?: unknown }; fields?: { text?: unknown }[] };
    const size = (v: unknown) => (typeof v === "string" ? v.length : 0);
    if (b?.type === "section" && size(b.text?.text) > 3_000) {
      return `blocks[${i}] section text is ${
        size(b.text?.text)
      } characters; Slack's limit is 3,000`;
    }
    if (b?.type === "header" && size(b.text?.text) > 150) {
      return `blocks[${i}] header text is ${size(b.text?.text)} characters; Slack's limit is 150`;
    }
    if (Array.isArray(b?.fields)) {
      if (b.fields.length > 10) {
        return `blocks[${i}] has ${b.fields.length} fields; Slack's limit is 10`;
      }
      const long = b.fields.findIndex((f) => size(f?.text) > 2_000);
      if (long >= 0) return `blocks[${i}].fields[${long}] is over Slack's 2,000 characters`;
    }
  }
  return undefined;
}

/** A short, stable, non-reversible tag for a secret (rate keys must not store webhook URLs). */
export function fingerprint(secret: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(secret)) {
    h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  }
  return h.toString(36);
}
