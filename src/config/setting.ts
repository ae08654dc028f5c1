/**
 * One setting, declared once: where it is read (a `sluice.yaml` key and, for some, an environment
 * variable), its JSON Schema in the file, how a value is parsed, its default and its doc. The
 * file's schema, the `Settings` type, the loader and the README's table are all derived from the
 * declarations in `table.ts`.
 */
import type { JsonSchema } from "../actions/spec.ts";
import { parseDuration } from "../rules/duration.ts";

/** A parsed value, or why the raw one cannot be used. */
export type Parsed<T> = { value: T } | { error: string };

/** A setting's declaration. */
export interface Setting<T> {
  readonly kind: "setting";
  /** The dotted key in `sluice.yaml`, e.g. `sqs.pollers`. */
  readonly key: string;
  /** The environment variable that overrides the file, if there is one. */
  readonly env?: string;
  /** The schema of the value in the file. */
  readonly schema: JsonSchema;
  /** Reads the value from the environment's text or the file's (schema-checked) value. */
  readonly parse: (raw: unknown, from: "env" | "file") => Parsed<T>;
  /** The value when neither gives one (a function for one computed at load). */
  readonly default: T | (() => T);
  readonly doc: string;
  /** The default as the README says it, when printing it would not do. */
  readonly defaultDoc?: string;
  /** The variables as the README names them, when they are not just `env`. */
  readonly envDoc?: string;
}

/** A declaration of `T`, with the value's parsing and doc. */
export function setting<T>(
  spec: Omit<Setting<T>, "kind" | "parse"> & { parse?: Setting<T>["parse"] },
): Setting<T> {
  return {
    kind: "setting",
    parse: spec.parse ?? ((raw) => ({ value: raw as T })),
    ...spec,
  };
}

/** A duration (`500ms`, `10s`, `5m`, `1h`, `7d`) as milliseconds. */
export function durationParser(raw: unknown): Parsed<number> {
  const ms = parseDuration(String(raw));
  return ms === undefined ? { error: "expected a duration such as 30s, 5m or 1h" } : { value: ms };
}

/** A duration as milliseconds, or `off` (undefined). */
export function durationOrOffParser(raw: unknown): Parsed<number | undefined> {
  if (String(raw) === "off") return { value: undefined };
  const ms = parseDuration(String(raw));
  return ms === undefined ? { error: "expected a duration such as 1h, or off" } : { value: ms };
}

/** An integer from the environment's text (the file's is schema-checked), within bounds. */
export function integerParser(
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): Setting<number>["parse"] {
  return (raw, from) => {
    const n = from === "env" ? Number(raw) : raw as number;
    return Number.isInteger(n) && n >= min && n <= max ? { value: n } : {
      error: `expected an integer from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ""}`,
    };
  };
}

/** A comma-separated list from the environment, a list in the file; each item checked. */
export function listParser(
  check: (item: string) => string | undefined,
): Setting<string[]>["parse"] {
  return (raw, from) => {
    const items = from === "env"
      ? String(raw).split(",").map((s) => s.trim()).filter(Boolean)
      : raw as string[];
    for (const item of items) {
      const problem = check(item);
      if (problem) return { error: `"${item.slice(0, 200)}" ${problem}` };
    }
    return { value: items };
  };
}

/** `host:port` as its parts. */
export function hostPortParser(raw: unknown): Parsed<{ hostname: string; port: number }> {
  const m = /^(.*):(\d{1,5})$/.exec(String(raw));
  if (!m || Number(m[2]) > 65535) {
    return { error: `"${String(raw).slice(0, 200)}" is not host:port` };
  }
  return { value: { hostname: m[1] || "0.0.0.0", port: Number(m[2]) } };
}

/** One of the given words. */
export function enumParser<T extends string>(values: readonly T[]): Setting<T>["parse"] {
  return (raw) =>
    values.includes(raw as T)
      ? { value: raw as T }
      : { error: `expected ${values.slice(0, -1).join(", ")} or ${values.at(-1)}` };
}

/** A duration in a schema. */
export const durationSchema = { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$" };
