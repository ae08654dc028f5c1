/**
 * The embedded database: SQLite through `node:sqlite`, WAL, `synchronous=FULL` (a write is on
 * disk before it is acknowledged) with group commit. The file and its folder are created readable
 * by their owner only. Statements are prepared once and take `$1…` placeholders like PostgreSQL's;
 * array and object parameters are bound as JSON text (see `dialect.ts`).
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Driver, Row, Tx } from "../driver.ts";
import { storableText } from "../text.ts";
import { sqliteDialect } from "./dialect.ts";
import { Checkpointer } from "./checkpointer.ts";
import { SqliteGroupCommit } from "./group_commit.ts";

/**
 * WAL frames (pages, about 4 MB) after which the writer rewinds the WAL (`checkpointer.ts`). The
 * file keeps its size between rewinds; `journal_size_limit` cuts it back to 64 MB after a burst
 * (or a long reader) made it grow past.
 */
const RESTART_WAL_FRAMES = 1000;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/** How the connection is opened. */
export interface SqliteDriverOptions {
  /** How long a statement waits for another process's lock; default 5 s. */
  busyTimeoutMs?: number;
  /**
   * Take `PATH.lock` for the life of the connection, refusing if another process holds it: the
   * runtime (`sluice run`) owns an embedded store alone; CLI commands open it alongside.
   */
  owner?: boolean;
  /**
   * Run WAL checkpoints on a thread of their own every this many milliseconds, never inside a
   * commit (`checkpointer.ts`); SQLite's automatic checkpoint when absent.
   */
  checkpointEveryMs?: number;
  /**
   * Under concurrent writes, commits begin at most this often, so more writes share each
   * (`group_commit.ts`); default 0.
   */
  gatherMs?: number;
  /** The checkpointer's thread died (automatic checkpoints are back on). */
  onCheckpointerFailed?: (e: ErrorEvent) => void;
}

/** Another process (a second `sluice run`) owns the database file. */
export class StoreLockedError extends Error {
  constructor(readonly path: string) {
    super(`${path} is in use by another "sluice run" (it holds ${path}.lock); stop it first`);
    this.name = "StoreLockedError";
  }
}

/** A {@link Driver} on one SQLite file (`:memory:` for a throwaway one). */
export class SqliteDriver implements Driver {
  readonly dialect = sqliteDialect;
  readonly exclusive = true;
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly commits: SqliteGroupCommit;
  private readonly listeners = new Map<string, Set<() => void>>();
  private notified = new Set<string>();
  private readonly tx: Tx;
  private readonly lock?: Deno.FsFile;
  private readonly checkpointer?: Checkpointer;
  /** Rewinds that failed, and why the last one did (kept for a debugger; the next pass retries). */
  rewindFailures = 0;
  lastRewindError: unknown;

  constructor(readonly path: string, options: SqliteDriverOptions = {}) {
    if (path !== ":memory:") createPrivately(path);
    if (options.owner && path !== ":memory:") this.lock = takeLock(path);
    try {
      this.db = new DatabaseSync(path);
    } catch (e) {
      this.lock?.close();
      throw e;
    }
    this.db.exec(
      // LIKE is case-sensitive, as in PostgreSQL.
      `PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA case_sensitive_like = ON;
       PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`,
    );
    if (options.checkpointEveryMs && path !== ":memory:") {
      this.db.exec(
        `PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`,
      );
      this.checkpointer = new Checkpointer(
        path,
        options.checkpointEveryMs,
        RESTART_WAL_FRAMES,
        (e) => {
          this.db.exec("PRAGMA wal_autocheckpoint = 1000");
          options.onCheckpointerFailed?.(e);
        },
      );
    }
    this.tx = {
      all: (sql, params) => Promise.resolve(this.prepare(sql).all(...bind(params)) as Row[]),
      run: (sql, params) => Promise.resolve(Number(this.prepare(sql).run(...bind(params)).changes)),
      notify: (channel) => {
        this.notified.add(channel);
        return Promise.resolve();
      },
    };
    this.commits = new SqliteGroupCommit({
      begin: () => this.db.exec("BEGIN IMMEDIATE"),
      commit: () => this.db.exec("COMMIT"),
      rollback: () => {
        this.notified.clear();
        if (this.db.isTransaction) this.db.exec("ROLLBACK");
      },
      committed: () => {
        if (this.checkpointer?.takeRewind()) this.rewindWal();
        const channels = this.notified;
        this.notified = new Set();
        for (const c of channels) for (const fn of this.listeners.get(c) ?? []) fn();
      },
    }, { gatherMs: options.gatherMs });
  }

  /**
   * Copies the last few commits' frames so the next write starts the WAL over. Runs after a
   * commit, which is durable by then: a checkpoint that fails (I/O) must not fail that batch, and
   * leaves the WAL as it was; the checkpointer's next full pass raises the flag again.
   */
  private rewindWal(): void {
    try {
      this.db.exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (e) {
      this.rewindFailures++;
      this.lastRewindError = e;
    }
  }

  write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.commits.write(() => fn(this.tx));
  }

  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return fn(this.tx);
  }

  listen(channel: string, fn: () => void): Promise<() => Promise<void>> {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, set = new Set());
    set.add(fn);
    return Promise.resolve(() => {
      set.delete(fn);
      return Promise.resolve();
    });
  }

  migrate(migrations: readonly string[]): Promise<void> {
    const version = (this.db.prepare("PRAGMA user_version").get() as { user_version: number })
      .user_version;
    for (let v = version; v < migrations.length; v++) {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        this.db.exec(migrations[v]);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
        this.db.exec("COMMIT");
      } catch (e) {
        this.db.exec("ROLLBACK");
        throw e;
      }
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.commits.flush();
    await this.checkpointer?.stop();
    this.db.close();
    this.lock?.close();
  }

  /** A prepared statement, prepared once per connection; `$n` becomes SQLite's `?n`. */
  private prepare(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql.replace(/\$(\d+)/g, "?$1"));
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** SQLite binds numbers, strings, bytes and null; lists and mappings travel as JSON text; NUL never. */
function bind(params: readonly unknown[] = []): SQLInputValue[] {
  return params.map((p) => {
    if (p === undefined || p === null) return null;
    if (typeof p === "boolean") return p ? 1 : 0;
    if (typeof p === "string") return storableText(p);
    if (typeof p === "object" && !(p instanceof Uint8Array)) return JSON.stringify(p);
    return p as SQLInputValue;
  });
}

/**
 * Creates the database's folder (mode 0700) and file (0600) before SQLite opens it, so events,
 * parameters and attempts are readable by their owner only; SQLite gives its WAL and shared-memory
 * files the database file's mode.
 */
function createPrivately(path: string) {
  const slash = path.lastIndexOf("/");
  if (slash > 0) {
    const dir = path.slice(0, slash);
    try {
      Deno.statSync(dir);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
  }
  try {
    Deno.openSync(path, { createNew: true, write: true, mode: 0o600 }).close();
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
}

function takeLock(path: string): Deno.FsFile {
  const file = Deno.openSync(`${path}.lock`, { create: true, write: true, mode: 0o600 });
  if (!file.tryLockSync(true)) {
    file.close();
    throw new StoreLockedError(path);
  }
  return file;
}
