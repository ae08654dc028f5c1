/**
 * Settings from `sluice.yaml` (optional) and the environment, the environment winning. `${VAR}`
 * in the file is replaced from the environment. Every problem names the file position or the
 * variable at fault, and stops start-up.
 */
import { type EnvLookup, processEnv } from "../template/env.ts";
import { parseDuration } from "../rules/duration.ts";
import { formatProblem } from "../rules/problem.ts";
import { compileSchemaCheck } from "../rules/schema_check.ts";
import { SourceFile } from "../rules/source.ts";
import { SEVEN_DAYS_MS } from "../store/roles.ts";
import { defaultMaxConnections } from "../ingress/connections.ts";
import { configSchema } from "./schema.ts";
import type { Settings, StreamApp } from "./settings.ts";

/** Configuration that cannot be used; the message lists every key at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Where settings come from. */
export interface ConfigSources {
  /** A config file path; when absent, `./sluice.yaml` is read if it exists. */
  file?: string;
  rulesDir?: string;
  env?: EnvLookup;
}

type FileConfig = Record<string, unknown> & {
  apps?: { api_key: string; secret: string; previous_secret?: string }[];
};

let check: ReturnType<typeof compileSchemaCheck> | undefined;

async function readFile(path: string | undefined, env: EnvLookup): Promise<FileConfig> {
  const file = path ?? "sluice.yaml";
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && path === undefined) return {};
    throw new ConfigError([`${file}: ${e instanceof Error ? e.message : e}`]);
  }
  const { source, problems, usable } = SourceFile.parse(file, text);
  if (usable) problems.push(...source.interpolateEnv(env));
  const data = (source.toData() ?? {}) as FileConfig;
  check ??= compileSchemaCheck(configSchema);
  if (problems.length === 0) problems.push(...check(data, source));
  if (problems.length) throw new ConfigError(problems.map(formatProblem));
  return data;
}

/** Loads and checks the settings; throws {@link ConfigError}. */
export async function loadSettings(sources: ConfigSources = {}): Promise<Settings> {
  const env = sources.env ?? processEnv;
  const file = await readFile(sources.file, env);
  const problems: string[] = [];
  const get = (name: string) => {
    const v = env(name);
    return v === undefined || v === "" ? undefined : v;
  };
  const list = (name: string) => get(name)?.split(",").map((s) => s.trim()).filter(Boolean);
  for (const url of list("SLUICE_SQS_QUEUES") ?? []) {
    if (!/^https?:\/\/[^/]+\/.+/.test(url)) {
      problems.push(`SLUICE_SQS_QUEUES: "${url}" is not a queue URL`);
    }
  }
  const section = (key: string) => (file[key] ?? {}) as Record<string, unknown>;

  const listenText = get("SLUICE_LISTEN") ?? (file.listen as string | undefined) ??
    "127.0.0.1:8080";
  const m = /^(.*):(\d+)$/.exec(listenText);
  if (!m || Number(m[2]) > 65535) problems.push(`SLUICE_LISTEN: "${listenText}" is not host:port`);

  const store = get("SLUICE_STORE") ?? (file.store as string | undefined) ??
    "sqlite:./data/sluice.db";
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(store)) {
    problems.push("SLUICE_STORE: expected sqlite:PATH or a postgres:// URL");
  }

  const maxBodyText = get("SLUICE_MAX_BODY");
  const maxBody = maxBodyText === undefined
    ? (file.max_body as number | undefined) ?? 1_048_576
    : Number(maxBodyText);
  if (!Number.isInteger(maxBody) || maxBody < 1024) {
    problems.push("SLUICE_MAX_BODY: expected an integer ≥ 1024");
  }

  const maxAgeText = get("SLUICE_MAX_EVENT_AGE") ??
    (section("webhook").max_event_age as string | undefined) ?? "1h";
  const maxEventAgeMs = maxAgeText === "off" ? undefined : parseDuration(maxAgeText);
  if (maxAgeText !== "off" && maxEventAgeMs === undefined) {
    problems.push("SLUICE_MAX_EVENT_AGE: expected a duration such as 1h, or off");
  }

  const log = get("SLUICE_LOG") ?? (file.log as string | undefined) ?? "info";
  if (!["debug", "info", "warn", "error"].includes(log)) {
    problems.push("SLUICE_LOG: expected debug, info, warn or error");
  }

  const apps: StreamApp[] = (file.apps ?? []).map((a) => ({
    apiKey: a.api_key,
    secret: a.secret,
    previousSecret: a.previous_secret,
  }));
  const key = get("STREAM_API_KEY");
  const secret = get("STREAM_API_SECRET");
  if ((key === undefined) !== (secret === undefined)) {
    problems.push("STREAM_API_KEY and STREAM_API_SECRET must be set together");
  } else if (key && secret) {
    const i = apps.findIndex((a) => a.apiKey === key);
    if (i >= 0) apps[i] = { ...apps[i], secret };
    else apps.push({ apiKey: key, secret });
  }

  const adminToken = get("SLUICE_ADMIN_TOKEN") ?? (file.admin_token as string | undefined);
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push("SLUICE_ADMIN_TOKEN: use at least 16 characters");
  }

  if (problems.length) throw new ConfigError(problems);
  const sqs = section("sqs");
  const http = section("http");
  const smtp = file.smtp as { url?: string; from?: string; ca_file?: string } | undefined;
  const slack = section("slack");
  const server = section("server");
  return {
    listen: { hostname: m![1] || "0.0.0.0", port: Number(m![2]) },
    store,
    rulesDir: sources.rulesDir ?? (file.rules as string | undefined) ?? "rules",
    apps,
    snsTopics: list("SLUICE_SNS_TOPICS") ?? (section("sns").topics as string[] | undefined) ?? [],
    sqs: {
      queues: list("SLUICE_SQS_QUEUES") ?? (sqs.queues as string[] | undefined) ?? [],
      pollersPerQueue: (sqs.pollers as number | undefined) ?? 1,
      waitSeconds: (sqs.wait_seconds as number | undefined) ?? 20,
      visibilitySeconds: (sqs.visibility_timeout as number | undefined) ?? 60,
      maxPending: (sqs.max_pending as number | undefined) ?? 10_000,
    },
    adminToken,
    log: log as Settings["log"],
    maxBodyBytes: maxBody,
    maxEventAgeMs,
    server: {
      headerTimeoutMs: parseDuration((server.header_timeout as string | undefined) ?? "10s")!,
      idleTimeoutMs: parseDuration((server.idle_timeout as string | undefined) ?? "75s")!,
      maxConnections: (server.max_connections as number | undefined) ?? defaultMaxConnections(),
    },
    dedupeWindowMs: parseDuration((file.dedupe_window as string | undefined) ?? "7d") ??
      SEVEN_DAYS_MS,
    executor: {
      concurrency: (section("executor").concurrency as number | undefined) ?? 32,
      leaseMs: parseDuration((section("executor").lease as string | undefined) ?? "60s") ?? 60_000,
    },
    smtp: smtp && { url: smtp.url, from: smtp.from, caFile: smtp.ca_file },
    http: {
      maxConcurrencyPerHost: (http.max_concurrency_per_host as number | undefined) ?? 16,
      ratePerHostPerSecond: http.rate_per_host as number | undefined,
    },
    slack: {
      ratePerSecond: (slack.rate_per_second as number | undefined) ?? 1,
      apiUrl: slack.api_url as string | undefined,
    },
  };
}
