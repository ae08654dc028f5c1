/**
 * Event type patterns: exact types, or globs where `*` matches any run of characters, dots
 * included. A glob is matched by scanning its literal segments left to right (the first segment
 * as a prefix, the last as a suffix, the middle ones each at its first place after the previous
 * one), never by a backtracking regex: the type comes from the event, which can be a megabyte long.
 */

/** Whether a pattern contains a wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*");
}

/** A compiled type pattern: whether `type` matches it. */
export type TypeMatcher = (type: string) => boolean;

/**
 * A matcher for a type pattern; each call costs time linear in the type's length (times the
 * pattern's, which the rule author wrote).
 */
export function compileTypePattern(pattern: string): TypeMatcher {
  if (!isGlob(pattern)) return (type) => type === pattern;
  const segments = pattern.split("*");
  const first = segments[0];
  const last = segments[segments.length - 1];
  const middle = segments.slice(1, -1).filter((s) => s.length > 0);
  const fixed = first.length + last.length;
  return (type) => {
    if (type.length < fixed || !type.startsWith(first) || !type.endsWith(last)) return false;
    // Greedy leftmost placement of each middle segment is exact for `*`-only globs: placing a
    // segment earlier never leaves less room for the ones after it.
    let at = first.length;
    const end = type.length - last.length;
    for (const segment of middle) {
      const found = type.indexOf(segment, at);
      if (found < 0 || found + segment.length > end) return false;
      at = found + segment.length;
    }
    return true;
  };
}
