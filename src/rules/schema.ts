/**
 * The JSON Schema of a rule file, built from the action declarations so that a new action needs
 * no change here. `sluice schema` prints it; validation uses it through ajv.
 */
import type { ActionSpec, JsonSchema } from "../actions/spec.ts";

const duration = { type: "string", format: "duration" };

/** `retry` and `timeout`, accepted by every action. */
export const deliveryOptions: JsonSchema = {
  retry: {
    type: "object",
    additionalProperties: false,
    description: "Retry policy; defaults: 6 attempts, 1s to 5m apart, within 1h",
    properties: {
      max_attempts: { type: "integer", minimum: 1, maximum: 100 },
      initial_delay: duration,
      max_delay: duration,
      max_duration: duration,
    },
  },
  timeout: { ...duration, description: "Per-attempt timeout; default 10s" },
};

/** The schema of one rule file, with one `do` entry shape per action. */
export function buildRuleSchema(actions: readonly ActionSpec[]): JsonSchema {
  const actionProperties: Record<string, JsonSchema> = {};
  for (const spec of actions) {
    const params = spec.params as { properties?: JsonSchema };
    actionProperties[spec.name] = {
      ...spec.params,
      description: spec.description,
      properties: { ...params.properties, ...deliveryOptions },
    };
  }
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: "https://sluice.dev/schema/rule.schema.json",
    title: "sluice rule",
    type: "object",
    additionalProperties: false,
    required: ["on", "do"],
    properties: {
      name: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9_.-]*$", maxLength: 200 },
      description: { type: "string" },
      enabled: { type: "boolean" },
      on: {
        type: ["string", "array"],
        minLength: 1,
        minItems: 1,
        items: { type: "string", minLength: 1 },
        description: "Event type(s); * matches any run of characters",
      },
      if: { type: "string", minLength: 1, description: "JSONata condition; truthy fires" },
      throttle: {
        type: "object",
        additionalProperties: false,
        required: ["per"],
        properties: {
          key: { type: "string", minLength: 1, description: "JSONata expression; default: none" },
          per: duration,
        },
      },
      group: {
        type: "object",
        additionalProperties: false,
        required: ["key"],
        description:
          "Collect events with the same key and send them together (instead of throttle): first " +
          "`wait` after the group's first event, then at most once per `interval` while events come",
        properties: {
          key: { type: "string", minLength: 1, description: "JSONata expression: the group key" },
          wait: { ...duration, description: "first send after the first event; default 30s" },
          interval: { ...duration, description: "later sends at most this often; default 5m" },
          max: {
            type: "integer",
            minimum: 1,
            maximum: 1000,
            description: "events kept in $group.events (the newest); default 50",
          },
        },
      },
      mode: { enum: ["live", "shadow"] },
      do: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          minProperties: 1,
          maxProperties: 1,
          additionalProperties: false,
          properties: actionProperties,
        },
      },
    },
  };
}
