import { assertEquals, assertOk } from "../../../test/support/assert.ts";
import { SqliteGroupCommit } from "./group_commit.ts";

/** A group commit whose transactions are only counted: what it groups, and when. */
function counted(gatherMs: number) {
  const commits: number[] = [];
  let open = 0;
  const gc = new SqliteGroupCommit({
    begin: () => void (open = 0),
    commit: () => void commits.push(open),
    rollback: () => {},
    committed: () => {},
  }, { gatherMs });
  const write = () => gc.write(() => Promise.resolve(++open));
  return { gc, commits, write };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("sqlite group commit: after a commit of several, writes gather for gatherMs", async () => {
  const { commits, write } = counted(1000);
  await Promise.all([write(), write(), write()]);
  assertEquals(commits, [3]);
  const later = [write()];
  await sleep(10);
  later.push(write());
  await sleep(10);
  later.push(write());
  await Promise.all(later);
  assertEquals(commits, [3, 3], "three writes in three turns, one commit");
});

Deno.test("sqlite group commit: a lone, sequential writer is never delayed", async () => {
  const { commits, write } = counted(1000);
  const started = performance.now();
  for (let i = 0; i < 5; i++) await write();
  assertEquals(commits, [1, 1, 1, 1, 1]);
  const ms = performance.now() - started;
  assertOk(ms < 1000, `5 sequential writes took ${ms.toFixed(0)} ms; a delay would be 1 s each`);
});

Deno.test("sqlite group commit: flush commits what is gathering at once", async () => {
  const { gc, commits, write } = counted(60_000);
  await Promise.all([write(), write()]);
  const pending = write();
  await gc.flush();
  assertEquals(commits, [2, 1]);
  await pending;
});
