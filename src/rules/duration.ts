/** Durations as rule and config files write them: `500ms`, `10s`, `5m`, `1h`, `7d`, `1.5s`. */

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The pattern a duration string must match (used in JSON Schemas as well). */
export const DURATION_PATTERN = "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$";

const DURATION = new RegExp(DURATION_PATTERN);

/** Milliseconds in a duration string, or `undefined` if it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return undefined;
  return Math.round(Number(text.slice(0, -m[2].length)) * UNITS[m[2]]);
}
