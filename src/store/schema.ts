/**
 * The store's schema: each driver's legacy migrations (the two stores grew apart before the core
 * was shared), then the shared ones, written once with {@link DdlTypes} for the few type names that
 * differ. Never edit a shipped migration; append a new one.
 */
import type { Dialect } from "./driver.ts";
import { postgresLegacyMigrations } from "./postgres/legacy_schema.ts";
import { sqliteLegacyMigrations } from "./sqlite/legacy_schema.ts";

/** Type names that differ in DDL. */
export interface DdlTypes {
  /** An auto-incrementing integer primary key. */
  serial: string;
  /** A 64-bit integer (epoch milliseconds, ids). */
  bigint: string;
}

const types: Record<Dialect["name"], DdlTypes> = {
  sqlite: { serial: "INTEGER PRIMARY KEY AUTOINCREMENT", bigint: "INTEGER" },
  postgres: { serial: "bigserial PRIMARY KEY", bigint: "bigint" },
};

/** Migrations every driver applies after its legacy ones, in order. */
const shared: readonly ((t: DdlTypes) => string)[] = [
  // Claims that never finished, so a poison event or delivery is stopped after a few.
  () => `
  ALTER TABLE sluice_events ADD COLUMN claims integer NOT NULL DEFAULT 0;
  ALTER TABLE sluice_deliveries ADD COLUMN claims integer NOT NULL DEFAULT 0;
  DELETE FROM sluice_rate_limits WHERE next_at < 0;
  `,
  // A dedupe key from the signed body, so a replayed body is a duplicate whatever its id.
  () => `
  ALTER TABLE sluice_events ADD COLUMN body_key text;
  CREATE UNIQUE INDEX sluice_events_body_key ON sluice_events (body_key);
  `,
  // Finding events: the sender's id, the outcome, what each rule did; discarded dead letters.
  (t) => `
  ALTER TABLE sluice_events ADD COLUMN sender_id text;
  ALTER TABLE sluice_events ADD COLUMN outcome text;
  CREATE INDEX sluice_events_sender ON sluice_events (sender_id);
  CREATE TABLE sluice_rule_outcomes (
    event_id text NOT NULL,
    rule text NOT NULL,
    outcome text NOT NULL,
    at ${t.bigint} NOT NULL,
    PRIMARY KEY (event_id, rule)
  );
  CREATE INDEX sluice_rule_outcomes_rule ON sluice_rule_outcomes (rule, at);
  ALTER TABLE sluice_deliveries ADD COLUMN discard_reason text;
  CREATE INDEX sluice_deliveries_status ON sluice_deliveries (status, id);
  `,
  // The last rule set that loaded, so a broken file on restart is not an outage.
  (t) => `
  CREATE TABLE sluice_rule_sets (
    id ${t.serial},
    files text NOT NULL,
    saved_at ${t.bigint} NOT NULL
  );
  `,
  // Silences, groups (digests) and Slack threads: state shared by every process on the store.
  (t) => `
  CREATE TABLE sluice_silences (
    id ${t.serial},
    rule text NOT NULL,
    condition text,
    reason text NOT NULL,
    created_by text NOT NULL,
    created_at ${t.bigint} NOT NULL,
    until ${t.bigint} NOT NULL
  );
  CREATE INDEX sluice_silences_until ON sluice_silences (until);
  CREATE TABLE sluice_groups (
    id ${t.serial},
    rule text NOT NULL,
    key text NOT NULL,
    opened_at ${t.bigint} NOT NULL,
    next_send_at ${t.bigint} NOT NULL,
    sends integer NOT NULL DEFAULT 0,
    lease_owner text,
    lease_until ${t.bigint} NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX sluice_groups_rule_key ON sluice_groups (rule, key);
  CREATE INDEX sluice_groups_due ON sluice_groups (next_send_at);
  CREATE TABLE sluice_group_events (
    group_id ${t.bigint} NOT NULL,
    event_id text NOT NULL,
    at ${t.bigint} NOT NULL,
    send_no integer,
    PRIMARY KEY (group_id, event_id)
  );
  CREATE TABLE sluice_threads (
    key text PRIMARY KEY,
    ts text NOT NULL,
    at ${t.bigint} NOT NULL
  );
  `,
  // What fitting a delivery to its destination changed (a field cut with `…`), as JSON.
  () => `ALTER TABLE sluice_deliveries ADD COLUMN notes text;`,
  // Parameters keep `${VAR}` references (1) instead of the values, which never reach the store.
  () => `ALTER TABLE sluice_deliveries ADD COLUMN env_refs integer NOT NULL DEFAULT 0;`,
  // Sender-id search through the dedupe key's unique index (`senderIdIs` in events.ts): one index
  // fewer written per event, whose entries land on random pages (a quarter of the WAL an event
  // wrote). Only events whose key was forgotten, past the window, keep an index of their sender's id.
  () => `
  DROP INDEX sluice_events_sender;
  CREATE INDEX sluice_events_forgotten_sender ON sluice_events (sender_id)
    WHERE dedupe_key IS NULL AND sender_id IS NOT NULL;
  `,
];

/** Every migration for `dialect`, in the order they apply. */
export function migrationsFor(dialect: Dialect): string[] {
  const legacy = dialect.name === "sqlite" ? sqliteLegacyMigrations : postgresLegacyMigrations;
  return [...legacy, ...shared.map((m) => m(types[dialect.name]))];
}

/** The channel on which new and replayed deliveries are announced. */
export const DELIVERIES_CHANNEL = "sluice_deliveries";
