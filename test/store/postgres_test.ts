/** The store contract on PostgreSQL (skipped without SLUICE_TEST_POSTGRES_URL; fails under CI=true). */
import { openTestPostgresStore, postgresUrl } from "../support/postgres.ts";
import { storeContract } from "./contract.ts";

if (postgresUrl) {
  storeContract("postgres", (options) => openTestPostgresStore(postgresUrl!, options));
} else {
  Deno.test({
    name: "postgres: store contract (needs SLUICE_TEST_POSTGRES_URL: bash .ci/postgres.sh start)",
    ignore: Deno.env.get("CI") !== "true",
    fn() {
      throw new Error("CI=true but SLUICE_TEST_POSTGRES_URL is not set: .ci/run starts PostgreSQL");
    },
  });
}
