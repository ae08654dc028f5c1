/**
 * Which event shapes a rule's field paths are checked against: the union of the shapes of its
 * `on` types, globs expanded to the known types they match. A rule is not path-checked when its
 * `on` reaches events whose shape is unknown: a pattern of `*` alone, or an exact type the
 * catalogue does not know or has no fixture for.
 */
import { knownTypesMatching, shapeOf } from "../event/catalogue.ts";
import type { EventShape } from "../event/shape.ts";
import { isGlob } from "../event/type_pattern.ts";

/** The shapes to check against, and how to name them in a message. */
export interface PathScope {
  shapes: EventShape[];
  /** e.g. `feeds.comment.added`, or `any of the 7 event types of feeds.comment.*`. */
  describe: string;
}

/** The scope for a rule's `on` patterns, or undefined when the rule is not path-checked. */
export function pathScope(on: readonly unknown[]): PathScope | undefined {
  const shapes = new Map<string, EventShape>();
  for (const pattern of on) {
    if (typeof pattern !== "string" || pattern === "" || /^\**$/.test(pattern)) return undefined;
    if (!isGlob(pattern)) {
      const shape = shapeOf(pattern);
      if (!shape) return undefined;
      shapes.set(pattern, shape);
      continue;
    }
    const matched = knownTypesMatching(pattern).map(shapeOf).filter((s) => s !== undefined);
    if (matched.length === 0) return undefined;
    for (const s of matched) shapes.set(s.type, s);
  }
  if (shapes.size === 0) return undefined;
  const types = [...shapes.keys()];
  const describe = types.length === 1
    ? types[0]
    : types.length <= 3
    ? types.join(" or ")
    : `any of the ${types.length} event types of ${on.join(", ")}`;
  return { shapes: [...shapes.values()], describe };
}
