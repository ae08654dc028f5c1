/** The JSON Schema of `sluice.yaml`, derived from the settings table: one key per setting. */
import type { JsonSchema } from "../actions/spec.ts";
import { settingsTable } from "./table.ts";
import { declarations } from "./walk.ts";

/** The config file's schema: nested mappings from the dotted keys, no other key allowed. */
export function buildConfigSchema(table: object = settingsTable): JsonSchema {
  const root: JsonSchema = { type: "object", additionalProperties: false, properties: {} };
  for (const { setting } of declarations(table)) {
    let node = root;
    const parts = setting.key.split(".");
    for (const part of parts.slice(0, -1)) {
      const props = node.properties as Record<string, JsonSchema>;
      props[part] ??= { type: "object", additionalProperties: false, properties: {} };
      node = props[part];
    }
    (node.properties as Record<string, JsonSchema>)[parts.at(-1)!] = {
      ...setting.schema,
      description: setting.doc,
    };
  }
  return root;
}
