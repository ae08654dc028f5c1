/**
 * How deeply an event may nest. JSON.parse takes thousands of levels in its stride, but the
 * JSONata evaluator and template renderer recurse per level and throw far from any guard; ingress
 * measures the parsed value with an iterative walk (no recursion of its own) and refuses deeper
 * bodies up front.
 */

/** Deepest nesting accepted: `{"a":{"b":1}}` is 2 levels; Stream's events use under 10. */
export const MAX_NESTING = 64;

/** Whether `value` has objects or lists nested more than `max` levels deep. */
export function nestsDeeperThan(value: unknown, max: number = MAX_NESTING): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [0];
  while (stack.length > 0) {
    const node = stack.pop();
    const depth = depths.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (child !== null && typeof child === "object") {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/** The reason a too-deep body is quarantined with. */
export const NESTING_REASON = `nested deeper than ${MAX_NESTING} levels`;
