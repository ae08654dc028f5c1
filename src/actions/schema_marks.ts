/**
 * Marks an action's parameter schema carries besides validation: `x-secret` on a property whose
 * value is a secret (masked in `match`, `test`, logs, dead letters and the console), and JSON
 * Schema's own `default`. The secret paths and defaults are read from the schema, so a parameter's
 * type, doc, default and secrecy are written in one place.
 */
import type { JsonSchema } from "./spec.ts";

/** The schema keyword that marks a secret parameter (ajv is told about it). */
export const SECRET_MARK = "x-secret";

/** Dotted paths of every property marked secret, e.g. `webhook_url`, `headers.authorization`. */
export function secretPaths(schema: JsonSchema, prefix = ""): string[] {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const paths: string[] = [];
  for (const [key, sub] of Object.entries(properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (sub[SECRET_MARK] === true) paths.push(path);
    else paths.push(...secretPaths(sub, path));
  }
  return paths;
}

/** The top-level parameters with a schema `default`, by name. */
export function schemaDefaults(schema: JsonSchema): Record<string, unknown> {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  const defaults: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(properties ?? {})) {
    if ("default" in sub) defaults[key] = sub.default;
  }
  return defaults;
}
