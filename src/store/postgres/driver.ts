/**
 * The shared database: PostgreSQL through `npm:postgres` (the one file importing it), for several
 * sluice replicas. Writes are group-committed with up to four transactions under way
 * (`group_commit.ts`); `LISTEN/NOTIFY` carries wake-ups between replicas; migrations run under an
 * advisory lock so replicas starting together do not race.
 */
import postgres from "postgres";
import type { Driver, Row, Tx } from "../driver.ts";
import { storableText } from "../text.ts";
import { postgresDialect } from "./dialect.ts";
import { PostgresGroupCommit } from "./group_commit.ts";

const MIGRATION_LOCK = 7_355_608;

type Queryable = postgres.Sql | postgres.TransactionSql;

/** Connection options beyond the URL. */
export interface PostgresDriverOptions {
  /** The search path (tests use one schema each); the URL's `?search_path=` works too. */
  schema?: string;
  /** Connections in the pool; default 10. */
  max?: number;
}

/** A {@link Driver} on a PostgreSQL database shared by replicas. */
export class PostgresDriver implements Driver {
  readonly dialect = postgresDialect;
  readonly exclusive = false;
  private readonly sql: postgres.Sql;
  private readonly commits: PostgresGroupCommit<postgres.TransactionSql>;

  constructor(url: string, options: PostgresDriverOptions = {}) {
    this.sql = postgres(url, {
      max: options.max ?? 10,
      onnotice: () => {},
      connection: options.schema ? { search_path: options.schema } : {},
      types: {
        bigint: {
          to: 20,
          from: [20],
          serialize: (x: number) => String(x),
          parse: (x: string) => Number(x),
        },
      },
    });
    this.commits = new PostgresGroupCommit((fn) =>
      this.sql.begin(fn) as Promise<Awaited<ReturnType<typeof fn>>>
    );
  }

  write<T>(fn: (tx: Tx) => Promise<T>, options?: { ordered?: boolean }): Promise<T> {
    return this.commits.write((tx) => fn(statements(tx)), options);
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(statements(this.sql));
  }

  async listen(channel: string, fn: () => void): Promise<() => Promise<void>> {
    const { unlisten } = await this.sql.listen(channel, () => fn());
    return unlisten;
  }

  async migrate(migrations: readonly string[]): Promise<void> {
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS sluice_migrations (version int PRIMARY KEY)`;
      const [{ version }] =
        await tx`SELECT COALESCE(MAX(version), 0)::int AS version FROM sluice_migrations`;
      for (let v = version as number; v < migrations.length; v++) {
        await tx.unsafe(migrations[v]);
        await tx`INSERT INTO sluice_migrations (version) VALUES (${v + 1})`;
      }
    });
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

function statements(q: Queryable): Tx {
  return {
    all: async (sql, params = []) =>
      (await q.unsafe(sql, bind(params), { prepare: true })) as unknown as Row[],
    run: async (sql, params = []) => (await q.unsafe(sql, bind(params), { prepare: true })).count,
    notify: async (channel) => {
      await q.unsafe("SELECT pg_notify($1, '')", [channel], { prepare: true });
    },
  };
}

/** Parameters as PostgreSQL takes them: `undefined` is NULL, and text never holds NUL. */
function bind(params: readonly unknown[]): postgres.ParameterOrJSON<never>[] {
  return params.map((p) =>
    p === undefined
      ? null
      : typeof p === "string"
      ? storableText(p)
      : Array.isArray(p)
      ? p.map((x) => (typeof x === "string" ? storableText(x) : x))
      : p
  ) as postgres.ParameterOrJSON<never>[];
}
