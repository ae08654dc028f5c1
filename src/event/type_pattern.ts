/** Event type patterns: exact types, or globs where `*` matches any run of characters, dots included. */

/** Whether a pattern contains a wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*");
}

/** An anchored regular expression for a type pattern. */
export function typePatternRegExp(pattern: string): RegExp {
  const body = pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${body}$`);
}
