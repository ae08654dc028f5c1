/** SQLite's spellings: arrays and row batches travel as JSON text (`json_each`), one writer, no row locks. */
import type { Column, Dialect } from "../driver.ts";

/** The SQLite {@link Dialect}; the driver binds array parameters as JSON text. */
export const sqliteDialect: Dialect = {
  name: "sqlite",
  skipLocked: "",
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  rows: (param: string, alias: string, columns: readonly Column[]) =>
    `(SELECT ${
      columns.map(([name]) => `value->>'${name}' AS ${name}`).join(", ")
    } FROM json_each(${param})) AS ${alias}`,
};
