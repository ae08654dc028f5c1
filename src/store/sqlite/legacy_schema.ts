/**
 * The SQLite schema as it was before the store core: numbered migrations (tracked in `PRAGMA
 * user_version`), ending with the one that renames the tables to the `sluice_*` names PostgreSQL
 * uses. Later migrations are shared (`../schema.ts`). Never edit a shipped entry.
 */
export const sqliteLegacyMigrations: readonly string[] = [
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
  `
  ALTER TABLE events RENAME TO sluice_events;
  DROP INDEX events_pending;
  DROP INDEX events_type;
  CREATE INDEX sluice_events_pending ON sluice_events (received_at) WHERE dispatched_at IS NULL;
  CREATE INDEX sluice_events_type ON sluice_events (type, received_at);

  ALTER TABLE deliveries RENAME TO sluice_deliveries;
  DROP INDEX deliveries_due;
  DROP INDEX deliveries_dead;
  DROP INDEX deliveries_event;
  CREATE INDEX sluice_deliveries_due ON sluice_deliveries (next_at) WHERE status = 'pending';
  CREATE INDEX sluice_deliveries_dead ON sluice_deliveries (id) WHERE status = 'dead';
  CREATE INDEX sluice_deliveries_event ON sluice_deliveries (event_id);

  CREATE TABLE sluice_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    status INTEGER,
    error TEXT
  );
  INSERT INTO sluice_attempts (delivery_id, at, duration_ms, outcome, status, error)
    SELECT delivery_id, at, duration_ms, outcome, status, error FROM attempts ORDER BY rowid;
  DROP TABLE attempts;
  CREATE INDEX sluice_attempts_delivery ON sluice_attempts (delivery_id);

  ALTER TABLE throttles RENAME TO sluice_throttles;
  ALTER TABLE rate_limits RENAME TO sluice_rate_limits;
  ALTER TABLE quarantine RENAME TO sluice_quarantine;
  `,
];
