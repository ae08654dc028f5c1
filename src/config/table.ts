/**
 * Every setting of sluice, declared once. The shape of this object is the shape of `Settings`
 * (`settings.ts` derives the type), and from it come the JSON Schema of `sluice.yaml`, the loader
 * (`load.ts`) and the table in the README (`docs.ts`, checked by `test/settings_doc_test.ts`).
 */
import { defaultMaxConnections } from "../ingress/connections.ts";
import { SEVEN_DAYS_MS } from "../store/roles.ts";
import {
  durationOrOffParser,
  durationParser,
  durationSchema,
  enumParser,
  hostPortParser,
  integerParser,
  listParser,
  type Parsed,
  setting,
} from "./setting.ts";

/** One Stream app whose webhooks are accepted; `previousSecret` is accepted during rotation. */
export interface StreamApp {
  apiKey: string;
  secret: string;
  previousSecret?: string;
}

const count = (min: number, max?: number) => ({
  type: "integer",
  minimum: min,
  ...(max ? { maximum: max } : {}),
});
const optional = <T>(v: T | undefined) => v;

/** The settings. */
export const settingsTable = {
  listen: setting({
    key: "listen",
    env: "SLUICE_LISTEN",
    schema: { type: "string", pattern: "^[^:]*:[0-9]+$" },
    parse: hostPortParser,
    default: { hostname: "127.0.0.1", port: 8080 },
    defaultDoc: "`127.0.0.1:8080` (the Docker image: `0.0.0.0:8080`)",
    doc: "`host:port` of the HTTP server (the public webhook port)",
  }),
  adminListen: setting({
    key: "admin_listen",
    env: "SLUICE_ADMIN_LISTEN",
    schema: { type: "string", pattern: "^[^:]*:[0-9]+$" },
    parse: hostPortParser,
    default: optional<{ hostname: string; port: number }>(undefined),
    defaultDoc: "unset: on `SLUICE_LISTEN` (the Docker image: `0.0.0.0:9090`)",
    doc:
      "`host:port` for `/admin/*`, `/ui/` and `/metrics`; when set they are served there and not on `SLUICE_LISTEN`",
  }),
  apps: setting({
    key: "apps",
    envDoc: "`STREAM_API_KEY`, `STREAM_API_SECRET`",
    schema: {
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
    // The file's list, and the app STREAM_API_KEY/STREAM_API_SECRET name (`load.ts` joins them).
    parse: (raw) => ({
      value: (raw as { api_key: string; secret: string; previous_secret?: string }[]).map((a) => ({
        apiKey: a.api_key,
        secret: a.secret,
        previousSecret: a.previous_secret,
      })),
    }),
    default: [] as StreamApp[],
    defaultDoc: "none: the webhook refuses everything and start-up warns",
    doc: "Stream apps whose webhooks are accepted (`apps: [{api_key, secret, previous_secret}]`; " +
      "`STREAM_API_KEY` with `STREAM_API_SECRET` adds or updates one); `previous_secret` is accepted during rotation",
  }),
  store: setting({
    key: "store",
    env: "SLUICE_STORE",
    schema: { type: "string", pattern: "^(sqlite:.+|postgres(ql)?://.+)$" },
    parse: (raw): Parsed<string> =>
      /^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(String(raw))
        ? { value: String(raw) }
        : { error: "expected sqlite:PATH or a postgres:// URL" },
    default: "sqlite:./data/sluice.db",
    doc: "`sqlite:PATH`, or a `postgres://…` URL for several replicas",
  }),
  rulesDir: setting({
    key: "rules",
    schema: { type: "string", minLength: 1 },
    default: "rules",
    doc: "the rules folder (`run --rules DIR` wins)",
  }),
  ruleEnv: setting({
    key: "rule_env",
    schema: { type: "array", items: { type: "string", minLength: 1 } },
    default: ["*"],
    doc: "glob patterns of the environment variables rules may read with `${VAR}`; sluice's own " +
      "secrets (`STREAM_API_SECRET`, `SLUICE_ADMIN_TOKEN`, the store URL, AWS credentials) never",
    defaultDoc: '`["*"]`: all but sluice\'s own secrets',
  }),
  snsTopics: setting({
    key: "sns.topics",
    env: "SLUICE_SNS_TOPICS",
    schema: { type: "array", items: { type: "string", pattern: "^arn:" } },
    parse: listParser((t) => (t.startsWith("arn:") ? undefined : "is not a topic ARN")),
    default: [] as string[],
    defaultDoc: "none: SNS refused",
    doc: "comma-separated topic ARNs accepted on `/webhooks/sns`",
  }),
  sqs: {
    queues: setting({
      key: "sqs.queues",
      env: "SLUICE_SQS_QUEUES",
      schema: { type: "array", items: { type: "string", pattern: "^https?://" } },
      parse: listParser((
        u,
      ) => (/^https?:\/\/[^/]+\/.+/.test(u) ? undefined : "is not a queue URL")),
      default: [] as string[],
      defaultDoc: "none",
      doc: "comma-separated queue URLs to poll",
    }),
    pollersPerQueue: setting({
      key: "sqs.pollers",
      schema: count(1, 50),
      default: 1,
      doc: "long polls at once per queue",
    }),
    waitSeconds: setting({
      key: "sqs.wait_seconds",
      schema: count(1, 20),
      default: 20,
      doc: "long-poll wait, seconds",
    }),
    visibilitySeconds: setting({
      key: "sqs.visibility_timeout",
      schema: count(1, 43_000),
      default: 60,
      doc: "visibility of messages in hand, seconds (extended while they are held)",
    }),
    maxPending: setting({
      key: "sqs.max_pending",
      schema: count(1),
      default: 10_000,
      doc: "pending events or deliveries above which polling pauses",
    }),
  },
  adminToken: setting({
    key: "admin_token",
    env: "SLUICE_ADMIN_TOKEN",
    schema: { type: "string", minLength: 16 },
    parse: (raw): Parsed<string> =>
      String(raw).length >= 16 ? { value: String(raw) } : { error: "use at least 16 characters" },
    default: optional<string>(undefined),
    defaultDoc: "none: the admin API and the console are off",
    doc: "bearer token for `/admin/*` and the console's sign-in",
  }),
  log: setting({
    key: "log",
    env: "SLUICE_LOG",
    schema: { enum: ["debug", "info", "warn", "error"] },
    parse: enumParser(["debug", "info", "warn", "error"] as const),
    default: "info" as "debug" | "info" | "warn" | "error",
    doc: "`debug`, `info`, `warn` or `error`",
  }),
  maxBodyBytes: setting({
    key: "max_body",
    env: "SLUICE_MAX_BODY",
    schema: count(1024),
    parse: integerParser(1024),
    default: 1_048_576,
    doc: "largest accepted request body, also after gunzip, bytes",
  }),
  maxEventAgeMs: setting({
    key: "webhook.max_event_age",
    env: "SLUICE_MAX_EVENT_AGE",
    schema: { type: "string", pattern: "^(off|[0-9]+(\\.[0-9]+)?(ms|s|m|h|d))$" },
    parse: durationOrOffParser,
    default: optional<number>(3_600_000),
    defaultDoc: "`1h`",
    doc: "a signed webhook whose `created_at` is older is quarantined (`400`), an SNS message " +
      "with an older `Timestamp` refused; `off` disables",
  }),
  server: {
    headerTimeoutMs: setting({
      key: "server.header_timeout",
      schema: durationSchema,
      parse: durationParser,
      default: 10_000,
      defaultDoc: "`10s`",
      doc: "time for a new connection's request headers",
    }),
    idleTimeoutMs: setting({
      key: "server.idle_timeout",
      schema: durationSchema,
      parse: durationParser,
      default: 75_000,
      defaultDoc: "`75s`",
      doc: "idle keep-alive connections are closed after",
    }),
    maxConnections: setting({
      key: "server.max_connections",
      schema: count(1),
      default: defaultMaxConnections,
      defaultDoc: "¾ of the open-file limit (16–10,000)",
      doc: "open connections at most (the longest-idle is closed to admit a new one)",
    }),
  },
  dedupeWindowMs: setting({
    key: "dedupe_window",
    schema: durationSchema,
    parse: durationParser,
    default: SEVEN_DAYS_MS,
    defaultDoc: "`7d`",
    doc: "how long a webhook/SNS/SQS id (and a webhook body) is remembered",
  }),
  evaluationBudgetMs: setting({
    key: "evaluation_budget",
    schema: durationSchema,
    parse: durationParser,
    default: 20,
    defaultDoc: "`20ms`",
    doc: "time an event's rules may take before its answer: within it the event is written once, " +
      "already dispatched; past it (or with `0ms`) it is written first and dispatched after the answer",
  }),
  executor: {
    concurrency: setting({
      key: "executor.concurrency",
      schema: count(1, 1024),
      default: 32,
      doc: "deliveries in flight at once",
    }),
    leaseMs: setting({
      key: "executor.lease",
      schema: durationSchema,
      parse: durationParser,
      default: 60_000,
      defaultDoc: "`60s`",
      doc: "how long a claim on an event or delivery lasts before another process may take it over",
    }),
  },
  smtp: {
    url: setting({
      key: "smtp.url",
      schema: { type: "string", pattern: "^smtps?://" },
      default: optional<string>(undefined),
      defaultDoc: "none",
      doc: "default SMTP server for `email` actions (a secret: never logged)",
    }),
    from: setting({
      key: "smtp.from",
      schema: { type: "string", minLength: 1 },
      default: optional<string>(undefined),
      defaultDoc: "none",
      doc: "default sender for `email` actions",
    }),
    caFile: setting({
      key: "smtp.ca_file",
      schema: { type: "string", minLength: 1 },
      default: optional<string>(undefined),
      defaultDoc: "none",
      doc: "a PEM file of extra CAs to trust",
    }),
  },
  http: {
    maxConcurrencyPerHost: setting({
      key: "http.max_concurrency_per_host",
      schema: count(1),
      default: 16,
      doc: "`http` requests in flight per host at once (per process)",
    }),
    ratePerHostPerSecond: setting({
      key: "http.rate_per_host",
      schema: { type: "number", exclusiveMinimum: 0 },
      default: optional<number>(undefined),
      defaultDoc: "none",
      doc: "`http` requests per second per host, spaced through the store",
    }),
  },
  slack: {
    ratePerSecond: setting({
      key: "slack.rate_per_second",
      schema: { type: "number", exclusiveMinimum: 0 },
      default: 1,
      doc: "Slack messages per second per webhook or channel",
    }),
    apiUrl: setting({
      key: "slack.api_url",
      schema: { type: "string", pattern: "^https?://" },
      default: optional<string>(undefined),
      defaultDoc: "`https://slack.com/api`",
      doc: "Slack Web API base URL",
    }),
  },
};
