/**
 * The PostgreSQL schema as it was before the store core: numbered migrations applied under an
 * advisory lock, ending with the index SQLite had and PostgreSQL lacked. Later migrations are
 * shared (`../schema.ts`). Never edit a shipped entry.
 */
export const postgresLegacyMigrations: readonly string[] = [
  `
  CREATE TABLE sluice_events (
    id text PRIMARY KEY,
    source text NOT NULL,
    dedupe_key text UNIQUE,
    type text NOT NULL,
    body text NOT NULL,
    meta text,
    received_at bigint NOT NULL,
    dispatched_at bigint,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0
  );
  CREATE INDEX sluice_events_pending ON sluice_events (received_at) WHERE dispatched_at IS NULL;

  CREATE TABLE sluice_deliveries (
    id bigserial PRIMARY KEY,
    event_id text NOT NULL,
    rule text NOT NULL,
    action_index int NOT NULL,
    action_type text NOT NULL,
    idempotency_key text NOT NULL UNIQUE,
    mode text NOT NULL,
    params text,
    render_error text,
    retry text NOT NULL,
    timeout_ms int NOT NULL,
    rate_key text,
    rate_interval_ms int,
    status text NOT NULL,
    attempts int NOT NULL DEFAULT 0,
    next_at bigint NOT NULL,
    first_at bigint NOT NULL,
    last_error text,
    lease_owner text,
    lease_until bigint NOT NULL DEFAULT 0,
    updated_at bigint NOT NULL
  );
  CREATE INDEX sluice_deliveries_due ON sluice_deliveries (next_at) WHERE status = 'pending';
  CREATE INDEX sluice_deliveries_dead ON sluice_deliveries (id) WHERE status = 'dead';
  CREATE INDEX sluice_deliveries_event ON sluice_deliveries (event_id);

  CREATE TABLE sluice_attempts (
    id bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL,
    at bigint NOT NULL,
    duration_ms int NOT NULL,
    outcome text NOT NULL,
    status int,
    error text
  );
  CREATE INDEX sluice_attempts_delivery ON sluice_attempts (delivery_id);

  CREATE TABLE sluice_throttles (
    rule text NOT NULL,
    key text NOT NULL,
    until bigint NOT NULL,
    PRIMARY KEY (rule, key)
  );

  CREATE TABLE sluice_rate_limits (
    key text PRIMARY KEY,
    next_at bigint NOT NULL
  );

  CREATE TABLE sluice_quarantine (
    id text PRIMARY KEY,
    source text NOT NULL,
    reason text NOT NULL,
    body text NOT NULL,
    received_at bigint NOT NULL
  );
  `,
  `
  ALTER TABLE sluice_events ADD COLUMN decision text;
  `,
  `
  CREATE INDEX sluice_events_type ON sluice_events (type, received_at);
  `,
];
