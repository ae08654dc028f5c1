import { assertEquals } from "../../test/support/assert.ts";
import { storeContract } from "./contract.ts";
import { SqliteStore } from "./sqlite.ts";

storeContract("sqlite", (options) => Promise.resolve(new SqliteStore(":memory:", options)));

Deno.test("sqlite: accepted events survive closing and reopening; leases are taken back", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = new SqliteStore(`${dir}/db/sluice.db`);
    const { id } = await first.putEvent({
      source: "webhook",
      dedupeId: "w",
      type: "t",
      body: "{}",
    });
    await first.claimEvents("crashed", 10, 3_600_000);
    await first.close();
    const second = new SqliteStore(`${dir}/db/sluice.db`);
    assertEquals(await second.claimEvents("w", 10, 1000), [], "still leased");
    await second.reclaimLeases();
    assertEquals((await second.claimEvents("w", 10, 1000)).map((e) => e.id), [id]);
    assertEquals(
      (await second.putEvent({ source: "webhook", dedupeId: "w", type: "t", body: "{}" }))
        .duplicate,
      true,
    );
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
