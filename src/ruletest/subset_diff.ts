/**
 * Where an expected value is not a subset of an actual one, as readable lines such as
 * `slack.text: expected "3 flags", got "2 flags"`. Mappings compare only the expected keys;
 * lists and scalars compare whole.
 */
import { type FieldPath, formatFieldPath } from "../template/field_path.ts";

/** Formats a value in a diff line; `mask` hides secrets. */
export type ShowValue = (value: unknown, path: FieldPath) => string;

const show: ShowValue = (v) => v === undefined ? "nothing" : JSON.stringify(v);

/** The differences, empty when `expected` is a subset of `actual`. */
export function subsetDiff(
  expected: unknown,
  actual: unknown,
  path: FieldPath = [],
  showValue: ShowValue = show,
): string[] {
  if (isMapping(expected)) {
    if (!isMapping(actual)) {
      return [`${formatFieldPath(path)}: expected a mapping, got ${showValue(actual, path)}`];
    }
    return Object.entries(expected).flatMap(([k, v]) =>
      subsetDiff(v, actual[k], [...path, k], showValue)
    );
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      return [`${formatFieldPath(path)}: expected a list, got ${showValue(actual, path)}`];
    }
    const lines = expected.flatMap((v, i) => subsetDiff(v, actual[i], [...path, i], showValue));
    if (actual.length !== expected.length) {
      lines.push(
        `${formatFieldPath(path)}: expected ${expected.length} item(s), got ${actual.length}`,
      );
    }
    return lines;
  }
  if (Object.is(expected, actual)) return [];
  return [
    `${formatFieldPath(path)}: expected ${showValue(expected, path)}, got ${
      showValue(actual, path)
    }`,
  ];
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
