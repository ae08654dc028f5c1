/**
 * PostgreSQL for tests: the server `.ci/run` starts (`.ci/postgres.sh`), named by
 * SLUICE_TEST_POSTGRES_URL. Each store gets a schema of its own. Without the variable the tests
 * are skipped locally and fail under CI=true, so CI never silently skips them.
 */
import postgres from "postgres";
import { openStore, type Store, type StoreOptions } from "../../src/store/mod.ts";

/** The test server's URL, if there is one. */
export const postgresUrl = Deno.env.get("SLUICE_TEST_POSTGRES_URL");

/** Registers `fn` as a test when PostgreSQL is available; otherwise skips it (fails under CI). */
export function postgresTest(name: string, fn: (url: string) => Promise<void>): void {
  if (postgresUrl) {
    Deno.test({ name, sanitizeResources: false, sanitizeOps: false, fn: () => fn(postgresUrl!) });
    return;
  }
  const ci = Deno.env.get("CI") === "true";
  Deno.test({
    name: `${name} (needs SLUICE_TEST_POSTGRES_URL: bash .ci/postgres.sh start)`,
    ignore: !ci,
    fn() {
      throw new Error("CI=true but SLUICE_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL");
    },
  });
}

/** A new empty schema on the test server; returns its name and a function that drops it. */
export async function freshSchema(
  url: string,
): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = `sluice_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`CREATE SCHEMA ${schema}`);
  await sql.end();
  return {
    schema,
    async drop() {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      await admin.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** A store on PostgreSQL, in a fresh schema; closing it drops the schema. */
export async function openTestPostgresStore(
  url: string,
  options: StoreOptions = {},
): Promise<Store> {
  const { schema, drop } = await freshSchema(url);
  const store = await openStore(url, { ...options, schema });
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await drop();
  };
  return store;
}
