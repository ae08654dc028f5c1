/** The runtime's settings, after the config file and the environment are merged and checked. */

/** One Stream app whose webhooks are accepted; `previousSecret` is accepted during rotation. */
export interface StreamApp {
  apiKey: string;
  secret: string;
  previousSecret?: string;
}

/** Everything `run` and the store-using commands need. */
export interface Settings {
  /** host:port of the HTTP server. */
  listen: { hostname: string; port: number };
  /** `sqlite:PATH` or a `postgres://…` URL. */
  store: string;
  rulesDir: string;
  apps: StreamApp[];
  snsTopics: string[];
  sqs: {
    queues: string[];
    pollersPerQueue: number;
    waitSeconds: number;
    visibilitySeconds: number;
    /** Pending events or deliveries above which polling pauses. */
    maxPending: number;
  };
  adminToken?: string;
  log: "debug" | "info" | "warn" | "error";
  maxBodyBytes: number;
  /** Signed webhooks (and SNS messages) older than this are refused; undefined: no limit. */
  maxEventAgeMs?: number;
  /** The public listener's connection limits. */
  server: { headerTimeoutMs: number; idleTimeoutMs: number; maxConnections: number };
  dedupeWindowMs: number;
  /** Deliveries in flight, and how long a claim on an event or delivery lasts. */
  executor: { concurrency: number; leaseMs: number };
  smtp?: { url?: string; from?: string; caFile?: string };
  http: { maxConcurrencyPerHost: number; ratePerHostPerSecond?: number };
  slack: { ratePerSecond: number; apiUrl?: string };
}
