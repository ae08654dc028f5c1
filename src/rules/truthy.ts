/**
 * JSONata's boolean casting (`$boolean`), used to decide whether a rule's `if` fires: an empty
 * string, 0, null, an empty list or mapping, and a list of only falsy values are false.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}
