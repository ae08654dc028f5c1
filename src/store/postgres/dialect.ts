/** PostgreSQL's spellings: native arrays, row batches from JSON text, `SKIP LOCKED` claims. */
import type { Column, Dialect } from "../driver.ts";

/** The PostgreSQL {@link Dialect}. */
export const postgresDialect: Dialect = {
  name: "postgres",
  indexedBy: () => "",
  skipLocked: "FOR UPDATE SKIP LOCKED",
  inList: (column, param, type) => `${column} = ANY(${param}::${type}[])`,
  // `::text::json`: the driver sends the text as is (a bare `::json` would JSON-encode it again).
  rows: (param: string, alias: string, columns: readonly Column[]) =>
    `json_to_recordset(${param}::text::json) AS ${alias}(${
      columns.map(([name, type]) => `${name} ${type}`).join(", ")
    })`,
};
