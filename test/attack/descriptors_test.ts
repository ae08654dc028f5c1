/**
 * Attack: descriptor exhaustion. About 20,000 idle TCP connections used to end the process
 * (`Too many open files`, an uncaught rejection in Deno.serve's loop). Now the connection cap
 * (`server.max_connections`, by default three quarters of the open-file limit) closes the
 * longest-idle connection to make room, and if descriptors run out anyway the accept loop pauses,
 * frees idle ones and carries on: the process never ends.
 */
import { assertEquals, assertOk } from "../support/assert.ts";
import { startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { health, isAlive, portOf, RawClient } from "./support.ts";

const RULES = { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9" }\n' };

async function openMany(port: number, n: number): Promise<{ open: RawClient[]; failed: number }> {
  const open: RawClient[] = [];
  let failed = 0;
  for (let i = 0; i < n; i++) {
    try {
      open.push(await RawClient.connect(port));
    } catch (e) {
      if (!(e instanceof Deno.errors.ConnectionRefused || e instanceof Deno.errors.TimedOut)) {
        throw e;
      }
      failed++;
    }
  }
  return { open, failed };
}

Deno.test({
  name: "attack: running out of descriptors pauses accepting and never ends the process",
  sanitizeResources: false,
  async fn() {
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir);
      const pid = sluice.child.pid;
      // Lower the running process's limit to 256 open files; its connection cap (read at start
      // from the old limit of thousands) is then far above it, so accept() itself fails.
      const limit = await new Deno.Command("prlimit", {
        args: [`--pid=${pid}`, "--nofile=256:256"],
      }).output();
      assertEquals(limit.code, 0, new TextDecoder().decode(limit.stderr));
      const port = portOf(sluice.url);
      let clients: RawClient[] = [];
      try {
        const { open } = await openMany(port, 700);
        clients = open;
        await new Promise((r) => setTimeout(r, 2_000));
        assertOk(await isAlive(pid), "sluice still runs with its descriptors exhausted");
        for (const c of clients) c.close();
        // Normal: answered within a second once the flood is gone. Before: the process was dead.
        assertEquals(await health(sluice.url, 20_000), 200);
        const warned = sluice.logs.find((l) =>
          l.msg === "http accept failed; pausing new connections"
        );
        assertOk(warned, "the accept failure was logged");
        assertOk(String(warned.error).includes("Too many open files"), String(warned.error));
      } finally {
        for (const c of clients) c.close();
        assertEquals(await sluice.stop(), 0);
      }
    });
  },
});

Deno.test({
  name: "attack: at the connection cap the longest-idle connection makes room for a new one",
  sanitizeResources: false,
  async fn() {
    await withTree(
      { ...RULES, "sluice.yaml": "server: { max_connections: 50 }\n" },
      async (dir) => {
        const sluice = await startSluice(dir);
        const { open } = await openMany(portOf(sluice.url), 200);
        try {
          await new Promise((r) => setTimeout(r, 500));
          // Every idle connection beyond the cap was closed to admit the next one.
          assertEquals(await health(sluice.url, 20_000), 200, "served while 200 are held open");
          const closed = open.filter((c) => c.closedAfterMs !== undefined).length;
          assertOk(closed >= 150, `${closed} of 200 idle connections closed by sluice`);
          assertOk(!open.at(-1)!.closedAfterMs, "the newest connections are kept");
        } finally {
          for (const c of open) c.close();
          assertEquals(await sluice.stop(), 0);
        }
      },
    );
  },
});
