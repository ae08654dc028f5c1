/**
 * The shape of one event type: every field path with its JSON type(s), as generated into
 * `catalogue_shapes.json` by `deno task catalogue`. Paths are JSONata-like: arrays are transparent
 * (`activity.latest_reactions.type` is the `type` of each element), `*` stands for any key of an
 * object keyed by free words (`activity.reaction_groups.*.count`).
 *
 * A type is written `string`, `number`, `boolean`, `null`, `object`, `array<T>` or `map<T>` (free
 * keys, values of type T), joined by `|`, with a trailing `?` when the field may be absent.
 * `any` inside `<>` means nothing is known below: such a field accepts every path under it.
 */

/** One field's type, e.g. `string`, `array<object>`, `map<any>`, `string|null?`. */
export type FieldType = string;

/** The generated description of one event type. */
export interface EventShapeData {
  /** The fixtures (paths under `examples/events/`) the shape was built from. */
  fixtures: string[];
  /** Field path → type. */
  fields: Record<string, FieldType>;
}

/** The path key of a map key segment: any key of a keyed object. */
export const ANY_KEY = "*";

/**
 * Joins path segments into a path key. Segments that hold `.`, `*` or a backtick are written in
 * backticks (as JSONata would) so that the key stays unambiguous.
 */
export function pathKey(segments: readonly string[]): string {
  return segments.map(segmentKey).join(".");
}

function segmentKey(segment: string): string {
  if (segment === ANY_KEY) return segment;
  if (segment === "" || /[.*`]/.test(segment)) return "`" + segment.replaceAll("`", "``") + "`";
  return segment;
}

/** What a shape says about one step of a path. */
export type StepResult =
  /** The field exists; `key` is where to continue (the map's `*` entry for a keyed object). */
  | { kind: "known"; key: string }
  /** Nothing is known below the parent (free-form or only ever empty): accept the rest. */
  | { kind: "open" }
  | { kind: "unknown" };

/** Lookups over one event type's fields. */
export class EventShape {
  private readonly fields: ReadonlyMap<string, FieldType>;

  constructor(readonly type: string, data: EventShapeData) {
    this.fields = new Map(Object.entries(data.fields));
  }

  /** The type of the field at `key`, if known. */
  typeOf(key: string): FieldType | undefined {
    return this.fields.get(key);
  }

  /** Every field path key, in the generated order. */
  keys(): IterableIterator<string> {
    return this.fields.keys();
  }

  /**
   * One step from the field at `parent` (the path key so far; `""` is the event itself) to its
   * child `name`.
   */
  step(parent: string, name: string): StepResult {
    const child = parent === "" ? segmentKey(name) : `${parent}.${segmentKey(name)}`;
    if (this.fields.has(child)) return { kind: "known", key: child };
    if (parent === "") return { kind: "unknown" };
    const anyKey = `${parent}.${ANY_KEY}`;
    if (this.fields.has(anyKey)) return { kind: "known", key: anyKey };
    const type = this.fields.get(parent);
    return type !== undefined && isOpen(type) ? { kind: "open" } : { kind: "unknown" };
  }
}

/** Whether a field's type leaves what is below it unknown (`map<any>`, `array<any>`, `any`). */
export function isOpen(type: FieldType): boolean {
  return type.split(/[<>|?]/).includes("any");
}
