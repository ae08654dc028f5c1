/** The JSON Schema of `sluice.yaml`: one declaration drives validation and its error messages. */
import type { JsonSchema } from "../actions/spec.ts";

const duration = { type: "string", format: "duration" };

/** The config file's schema. */
export const configSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    listen: { type: "string", pattern: "^[^:]*:[0-9]+$", description: "host:port" },
    store: { type: "string", pattern: "^(sqlite:.+|postgres(ql)?://.+)$" },
    rules: { type: "string", minLength: 1 },
    log: { enum: ["debug", "info", "warn", "error"] },
    max_body: { type: "integer", minimum: 1024 },
    dedupe_window: duration,
    webhook: {
      type: "object",
      additionalProperties: false,
      properties: {
        max_event_age: {
          type: "string",
          pattern: "^(off|[0-9]+(\\.[0-9]+)?(ms|s|m|h|d))$",
          description: "a duration such as 1h, or off",
        },
      },
    },
    server: {
      type: "object",
      additionalProperties: false,
      properties: {
        header_timeout: { ...duration, description: "first request's headers; default 10s" },
        idle_timeout: { ...duration, description: "idle keep-alive connections; default 75s" },
        max_connections: { type: "integer", minimum: 1, description: "open connections at most" },
      },
    },
    apps: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["api_key", "secret"],
        properties: {
          api_key: { type: "string", minLength: 1 },
          secret: { type: "string", minLength: 1 },
          previous_secret: { type: "string", minLength: 1 },
        },
      },
    },
    sns: {
      type: "object",
      additionalProperties: false,
      properties: { topics: { type: "array", items: { type: "string", pattern: "^arn:" } } },
    },
    sqs: {
      type: "object",
      additionalProperties: false,
      properties: {
        queues: { type: "array", items: { type: "string", pattern: "^https?://" } },
        pollers: { type: "integer", minimum: 1, maximum: 50, description: "long polls per queue" },
        wait_seconds: { type: "integer", minimum: 1, maximum: 20 },
        visibility_timeout: { type: "integer", minimum: 1, maximum: 43_000 },
        max_pending: {
          type: "integer",
          minimum: 1,
          description: "pause polling above this backlog",
        },
      },
    },
    admin_token: { type: "string", minLength: 16 },
    executor: {
      type: "object",
      additionalProperties: false,
      properties: {
        concurrency: { type: "integer", minimum: 1, maximum: 1024 },
        lease: { ...duration, description: "how long a claim holds work; default 60s" },
      },
    },
    smtp: {
      type: "object",
      additionalProperties: false,
      required: ["url"],
      properties: {
        url: { type: "string", pattern: "^smtps?://" },
        from: { type: "string", minLength: 1 },
        ca_file: { type: "string", minLength: 1, description: "PEM file of extra CAs to trust" },
      },
    },
    http: {
      type: "object",
      additionalProperties: false,
      properties: {
        max_concurrency_per_host: { type: "integer", minimum: 1 },
        rate_per_host: { type: "number", exclusiveMinimum: 0, description: "requests per second" },
      },
    },
    slack: {
      type: "object",
      additionalProperties: false,
      properties: {
        rate_per_second: {
          type: "number",
          exclusiveMinimum: 0,
          description: "messages per second per channel or webhook; default 1",
        },
        api_url: { type: "string", pattern: "^https?://", description: "Web API base URL" },
      },
    },
  },
};
