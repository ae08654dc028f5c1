/** The SQLite schema, as numbered migrations applied in order (tracked in `PRAGMA user_version`). */

/** Each entry moves the schema one version up. Never edit a shipped entry; append a new one. */
export const sqliteMigrations: readonly string[] = [
  `
  CREATE TABLE events (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    dedupe_key TEXT UNIQUE,
    type TEXT NOT NULL,
    body TEXT NOT NULL,
    meta TEXT,
    received_at INTEGER NOT NULL,
    dispatched_at INTEGER,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX events_pending ON events (received_at) WHERE dispatched_at IS NULL;
  CREATE INDEX events_type ON events (type, received_at);

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    action_index INTEGER NOT NULL,
    action_type TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    mode TEXT NOT NULL,
    params TEXT,
    render_error TEXT,
    retry TEXT NOT NULL,
    timeout_ms INTEGER NOT NULL,
    rate_key TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,
    first_at INTEGER NOT NULL,
    last_error TEXT,
    lease_owner TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX deliveries_due ON deliveries (next_at) WHERE status = 'pending';
  CREATE INDEX deliveries_dead ON deliveries (id) WHERE status = 'dead';
  CREATE INDEX deliveries_event ON deliveries (event_id);

  CREATE TABLE attempts (
    delivery_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    error TEXT
  );
  CREATE INDEX attempts_delivery ON attempts (delivery_id);

  CREATE TABLE throttles (
    rule TEXT NOT NULL,
    key TEXT NOT NULL,
    until INTEGER NOT NULL,
    PRIMARY KEY (rule, key)
  );

  CREATE TABLE quarantine (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  `,
  `
  ALTER TABLE deliveries ADD COLUMN rate_interval_ms INTEGER;
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    next_at INTEGER NOT NULL
  );
  `,
  `
  ALTER TABLE events ADD COLUMN decision TEXT;
  `,
];
