import postgres from "postgres";
import { assertEquals, assertOk } from "../../../test/support/assert.ts";
import { freshSchema, postgresTest } from "../../../test/support/postgres.ts";
import { PostgresGroupCommit } from "./group_commit.ts";

/** A group commit on a fresh schema with one table `t (v text)`. */
async function withGroupCommit(
  url: string,
  fn: (writes: PostgresGroupCommit<postgres.TransactionSql>, sql: postgres.Sql) => Promise<void>,
) {
  const { schema, drop } = await freshSchema(url);
  const sql = postgres(url, { max: 4, onnotice: () => {}, connection: { search_path: schema } });
  try {
    await sql`CREATE TABLE t (v text)`;
    await fn(
      new PostgresGroupCommit<postgres.TransactionSql>((f) =>
        sql.begin(f) as Promise<Awaited<ReturnType<typeof f>>>
      ),
      sql,
    );
  } finally {
    await sql.end();
    await drop();
  }
}

postgresTest("postgres group commit: a failing write fails alone", async (url) => {
  await withGroupCommit(url, async (writes, sql) => {
    const outcomes = await Promise.allSettled([
      writes.write((tx) => tx`INSERT INTO t VALUES ('a')`),
      writes.write((tx) => tx`SELECT 1 / 0`),
      writes.write(async (tx) => {
        await tx`INSERT INTO t VALUES ('b')`;
        return "b";
      }),
      writes.write((tx) => tx`INSERT INTO t VALUES ('c')`, { ordered: true }),
    ]);
    assertEquals(outcomes.map((o) => o.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    assertEquals((outcomes[2] as PromiseFulfilledResult<unknown>).value, "b");
    const rows = await sql`SELECT v FROM t ORDER BY v`;
    assertEquals(rows.map((r) => r.v), ["a", "b", "c"]);
  });
});

postgresTest("postgres group commit: ordered writes see each other, in order", async (url) => {
  await withGroupCommit(url, async (writes) => {
    // Both land in one transaction; the second starts only after the first's slow statement.
    const first = writes.write(async (tx) => {
      await tx`SELECT pg_sleep(0.05)`;
      await tx`INSERT INTO t VALUES ('first')`;
    }, { ordered: true });
    const second = writes.write(async (tx) => {
      const [{ n }] = await tx`SELECT count(*)::int AS n FROM t`;
      await tx`INSERT INTO t VALUES ('second')`;
      return n;
    }, { ordered: true });
    await first;
    assertOk((await second) === 1, "the second ordered write saw the first's row");
  });
});
