/**
 * What a log field may hold before it is written: every string cut to {@link MAX_LOG_STRING}
 * characters (with a marker saying how much was cut) before anything else looks at it, then its
 * secret shapes masked; values under secret-sounding keys masked whole; nesting and list lengths
 * bounded. So a line costs time and space bounded by its number of fields, whatever a request
 * carried, and redaction works on each value rather than on a whole serialised line.
 */
import { maskSecretShapes } from "./secret_shapes.ts";

/** The longest string written in a log field, in UTF-16 code units. */
export const MAX_LOG_STRING = 2048;

/** Objects and lists deeper than this are written as `"[nested]"`. */
const MAX_DEPTH = 6;

/** Entries of one object or list written before `"[… N more]"`. */
const MAX_ENTRIES = 100;

/**
 * Extra characters kept past the cap while masking, so a secret that straddles the cut is still
 * recognised as a whole before the final cut drops its end.
 */
const LOOKAHEAD = 512;

const SECRET_KEY_SUFFIXES = ["secret", "password", "passwd", "token", "authorization", "cookie"];

/** What a masked value is replaced with. */
const MASK = "[redacted]";

/** Whether a field name says its value is a credential (`admin_token`, `password`, …). */
export function isSecretKey(key: string): boolean {
  const k = key.toLowerCase();
  return SECRET_KEY_SUFFIXES.some((s) => k === s || k.endsWith(`_${s}`) || k.endsWith(`-${s}`));
}

/** A string cut to the cap, with its secret shapes masked. */
export function logString(text: string): string {
  if (text.length <= MAX_LOG_STRING) return maskSecretShapes(text);
  const masked = maskSecretShapes(text.slice(0, MAX_LOG_STRING + LOOKAHEAD));
  const kept = masked.slice(0, MAX_LOG_STRING);
  return `${kept}…[${text.length - MAX_LOG_STRING} more characters cut]`;
}

/** A copy of `value` fit to be written in a log line (see the module comment). */
export function logValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return logString(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" || typeof value === "symbol" || typeof value === "function"
      ? logString(String(value))
      : value;
  }
  if (value instanceof Error) return logString(value.message);
  if (value instanceof Date) return value.toISOString();
  if (depth >= MAX_DEPTH) return "[nested]";
  if (Array.isArray(value)) {
    const out = value.slice(0, MAX_ENTRIES).map((v) => logValue(v, depth + 1));
    if (value.length > MAX_ENTRIES) out.push(`[… ${value.length - MAX_ENTRIES} more]`);
    return out;
  }
  return logFields(value as Record<string, unknown>, depth);
}

/** `logValue` over an object's own entries, with secret-named keys masked. */
export function logFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue;
    if (n++ === MAX_ENTRIES) {
      out["[more]"] = "further fields cut";
      break;
    }
    const value = fields[key];
    if (value === undefined) continue;
    const name = logString(key);
    out[name] = isSecretKey(key) && value !== null ? MASK : logValue(value, depth + 1);
  }
  return out;
}
