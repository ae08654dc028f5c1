/**
 * Slack formatting rules: `&`, `<` and `>` in values that come from events are escaped in text
 * fields, so an event cannot inject `<!channel>`, `<@U…>` or a disguised link; and a message is
 * fitted to the limits Slack enforces before sending.
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

/** Slack's documented limits (characters, and counts of blocks and fields). */
export const SLACK_LIMITS = {
  text: 40_000,
  blocks: 50,
  section: 3_000,
  header: 150,
  fields: 10,
  field: 2_000,
  context: 2_000,
  button: 75,
  url: 3_000,
  altText: 2_000,
} as const;

/**
 * The length of stored-form text as it will be sent: `$$` (an escaped `$`, see
 * `template/env_refs.ts`) is one character.
 */
export function sentLength(text: string): number {
  let n = text.length;
  for (let at = text.indexOf("$$"); at >= 0; at = text.indexOf("$$", at + 2)) n--;
  return n;
}

/**
 * Stored-form `text` cut to `max` characters as sent, the last being `…` (never half a surrogate
 * pair or half an escaped `$$`).
 */
export function cutText(text: string, max: number): string {
  if (sentLength(text) <= max) return text;
  let i = 0;
  for (let shown = 0; shown < max - 1 && i < text.length; shown++) {
    i += text[i] === "$" && text[i + 1] === "$" ? 2 : 1;
  }
  let cut = text.slice(0, i);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + "…";
}

/**
 * Fits a rendered message to Slack's limits in place, so a long or odd event value never stops an
 * alert: over-long texts are cut with `…`, extra blocks and fields dropped. Returns what it did.
 */
export function fitSlackMessage(params: Record<string, unknown>): string[] {
  const notes: string[] = [];
  const cut = (owner: Record<string, unknown>, key: string, max: number, where: string) => {
    const v = owner[key];
    if (typeof v !== "string") return;
    const length = sentLength(v);
    if (length <= max) return;
    owner[key] = cutText(v, max);
    notes.push(`${where} cut from ${length} to ${max} characters`);
  };
  const object = (v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? v as Record<string, unknown>
      : undefined;
  cut(params, "text", SLACK_LIMITS.text, "text");
  const blocks = params.blocks;
  if (!Array.isArray(blocks)) return notes;
  if (blocks.length > SLACK_LIMITS.blocks) {
    notes.push(`${blocks.length - SLACK_LIMITS.blocks} of ${blocks.length} blocks left out`);
    blocks.length = SLACK_LIMITS.blocks;
  }
  for (const [i, block] of blocks.entries()) {
    if (block === null || typeof block !== "object") continue;
    const b = block as Record<string, unknown>;
    const text = b.text !== null && typeof b.text === "object"
      ? b.text as Record<string, unknown>
      : undefined;
    if (text && b.type === "section") cut(text, "text", SLACK_LIMITS.section, `blocks[${i}].text`);
    if (text && b.type === "header") cut(text, "text", SLACK_LIMITS.header, `blocks[${i}].text`);
    if (b.type === "image") cut(b, "alt_text", SLACK_LIMITS.altText, `blocks[${i}].alt_text`);
    for (const [j, el] of (Array.isArray(b.elements) ? b.elements : []).entries()) {
      const e = object(el);
      if (!e) continue;
      const where = `blocks[${i}].elements[${j}]`;
      if (b.type === "context") {
        cut(e, "text", SLACK_LIMITS.context, `${where}.text`);
        cut(e, "alt_text", SLACK_LIMITS.altText, `${where}.alt_text`);
      }
      if (e.type === "button") {
        const label = object(e.text);
        if (label) cut(label, "text", SLACK_LIMITS.button, `${where}.text`);
        if (typeof e.url === "string" && sentLength(e.url) > SLACK_LIMITS.url) {
          // A cut URL would be a broken link: the button goes without it.
          notes.push(`${where}.url left out: ${sentLength(e.url)} characters, over 3,000`);
          delete e.url;
        }
      }
    }
    if (!Array.isArray(b.fields)) continue;
    if (b.fields.length > SLACK_LIMITS.fields) {
      notes.push(`blocks[${i}]: ${b.fields.length - SLACK_LIMITS.fields} fields left out`);
      b.fields.length = SLACK_LIMITS.fields;
    }
    for (const [j, field] of b.fields.entries()) {
      if (field !== null && typeof field === "object") {
        cut(
          field as Record<string, unknown>,
          "text",
          SLACK_LIMITS.field,
          `blocks[${i}].fields[${j}]`,
        );
      }
    }
  }
  return notes;
}

/** What fitting cannot mend: blocks that are not a list. */
export function checkSlackMessage(params: Record<string, unknown>): string | undefined {
  if (params.blocks !== undefined && !Array.isArray(params.blocks)) {
    return "blocks must render to a list of blocks";
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
