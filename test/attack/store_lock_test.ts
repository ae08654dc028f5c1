/**
 * Another process holding SQLite's write lock must not freeze sluice: the store runs in a worker,
 * so `/healthz` answers at once, `/readyz` says the store does not take writes, and once the lock
 * is gone the webhook works again.
 */
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { postWebhook, startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";

const rule = 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n';

/** A separate process that takes the database's write lock and holds it until told to stop. */
async function holdWriteLock(path: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { DatabaseSync } from "node:sqlite";
       const db = new DatabaseSync(${JSON.stringify(path)});
       db.exec("BEGIN EXCLUSIVE");
       console.log("locked");
       await new Response(Deno.stdin.readable).text();`,
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assertIncludes((await reader.read()).value ?? "", "locked");
  return async () => {
    await child.stdin.close();
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
  };
}

Deno.test("a write lock held by another process: healthz answers, readyz is 503, nothing freezes", async () => {
  await withTree({ "rules/r.yaml": rule }, async (dir) => {
    const sluice = await startSluice(dir);
    try {
      const release = await holdWriteLock(`${dir}/data/sluice.db`);
      // A webhook whose write waits for the lock (up to the 5 s busy timeout)…
      const pending = postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n: 1 }));
      // …while the HTTP thread stays free. Normal: ~1 ms; bound 20x above a noisy machine's worst.
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        assertEquals((await fetch(`${sluice.url}/healthz`)).status, 200);
        assertOk(performance.now() - started < 1_000, "healthz stalled");
        await new Promise((r) => setTimeout(r, 200));
      }
      const ready = await fetch(`${sluice.url}/readyz`);
      const body = await ready.json();
      assertEquals(ready.status, 503);
      assertIncludes(JSON.stringify(body), "store");
      await release();
      const res = await pending;
      await res.body?.cancel();
      // Once the lock is released, writes work again.
      const after = await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n: 2 }));
      assertEquals(after.status, 200);
      let ok = 0;
      for (let i = 0; i < 50 && ok === 0; i++) {
        if ((await fetch(`${sluice.url}/readyz`)).status === 200) ok++;
        else await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(ok, 1, "ready again");
    } finally {
      assertEquals(await sluice.stop(), 0);
    }
  });
});
