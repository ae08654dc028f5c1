/**
 * What differs between the databases the store runs on, and nothing more: a connection with its
 * group commit, how a statement spells an array or a batch of rows, the claim lock, and
 * notifications. The store's behaviour and its SQL are written once, over this interface
 * (`sql_store.ts`); `sqlite/` and `postgres/` implement it.
 */

/** One result row, by column name. */
export type Row = Record<string, unknown>;

/** Statements run inside a transaction (or, for reads, on the connection). `$1…` placeholders. */
export interface Tx {
  /** Runs a statement and returns its rows (SELECT, or RETURNING). */
  all(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Wakes the listeners of `channel`, in every process, once this transaction commits. */
  notify(channel: string): Promise<void>;
}

/** The SQL spellings that differ between dialects. */
export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** Appended to a claim's SELECT so concurrent claimers skip each other's rows ("" if one writer). */
  readonly skipLocked: string;
  /**
   * Placed after a table name to make the planner read it through the index `name` (SQLite's
   * `INDEXED BY`; "" where the planner has statistics). Only where a benchmark showed the need.
   */
  indexedBy(name: string): string;
  /** `column` is one of the elements of the array parameter `param` (a JS array of `type`). */
  inList(column: string, param: string, type: ColumnType): string;
  /**
   * A FROM item named `alias` with one row per element of the parameter `param`, a JSON array of
   * objects (the caller passes `JSON.stringify(rows)`), with the given typed columns.
   */
  rows(param: string, alias: string, columns: readonly Column[]): string;
}

/** Column types used in batched statements. */
export type ColumnType = "text" | "bigint" | "int";

/** A column of a batch of rows: its name and type. */
export type Column = readonly [name: string, type: ColumnType];

/** A database connection with group commit. */
export interface Driver {
  readonly dialect: Dialect;
  /** Whether this process owns the database alone (an embedded file), not shared by replicas. */
  readonly exclusive: boolean;
  /**
   * Runs `fn` in a write transaction shared with the other writes requested meanwhile (one commit
   * for all); resolves once it is committed. If one write fails, it fails alone. `ordered` writes
   * of one transaction run one after another (claims: they must see each other's locks).
   */
  write<T>(fn: (tx: Tx) => Promise<T>, options?: { ordered?: boolean }): Promise<T>;
  /** Runs reads outside a write transaction. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Calls `fn` whenever `channel` is notified (by this process or, if shared, another). */
  listen(channel: string, fn: () => void): Promise<() => Promise<void>>;
  /** Applies the migrations past the database's version, in order, each in a transaction. */
  migrate(migrations: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
