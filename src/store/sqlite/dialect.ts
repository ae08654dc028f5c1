/** SQLite's spellings: arrays and row batches travel as JSON text (`json_each`), one writer, no row locks. */
import type { Column, Dialect } from "../driver.ts";

/** The SQLite {@link Dialect}; the driver binds array parameters as JSON text. */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  skipLocked: "",
  // Claims: without statistics SQLite preferred the (status, id) index and sorted every pending
  // delivery by next_at on each claim (2.6 ms against 0.4 ms with 5,000 pending).
  indexedBy: (name) => `INDEXED BY ${name}`,
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  // `LIMIT -1` (no limit) keeps SQLite from flattening the batch into an UPDATE … FROM join: it
  // then reads the batch first and finds each row by its key. Flattened, the planner preferred
  // the target table's status index and scanned every pending delivery once per batch row (146 ms
  // per batch of 32 with 5,000 pending, against 0.13 ms: `bench/load/delivery_load.ts`).
  rows: (param: string, alias: string, columns: readonly Column[]) =>
    `(SELECT ${
      columns.map(([name]) => `value->>'${name}' AS ${name}`).join(", ")
    } FROM json_each(${param}) LIMIT -1) AS ${alias}`,
};
