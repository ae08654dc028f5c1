/**
 * Text as every database can hold it: PostgreSQL refuses NUL in `text`, so a NUL from an event
 * (an escaped `\u0000` in its type, a throttle key) or from a destination's error would fail the
 * write on every retry. Both drivers store U+FFFD in its place, so the two stores behave alike.
 */
export function storableText(s: string): string {
  return s.includes("\0") ? s.replaceAll("\0", "\uFFFD") : s;
}

/** JSON text of `value` whose strings are {@link storableText} (for rows passed as one parameter). */
export function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "string" ? storableText(v) : v));
}
