/**
 * Attack: gzip bombs on the webhook with only the public API key (bodies are inflated before the
 * signature can be checked, since Stream signs the uncompressed bytes). A 1 MB body of a gigabyte
 * of zeros used to be inflated whole before the size check: RSS 97 MB → 2.1 GB, three at once
 * 3.1 GB. Now each is answered 413 after about a megabyte of output, and memory barely moves.
 */
import { assertEquals, assertOk } from "../support/assert.ts";
import { startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { gzipBomb, health, rssMB, timed } from "./support.ts";

Deno.test({
  name: "attack: three concurrent 1 MB gzip bombs get 413 quickly, RSS stays bounded",
  sanitizeResources: false,
  async fn() {
    // 960 MiB of zeros gzip to ~1,000 KB, just under the default 1 MiB body limit.
    const bomb = await gzipBomb(960);
    assertOk(bomb.length < 1 << 20, `bomb is ${bomb.length} bytes`);
    await withTree(
      { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir);
        try {
          const pid = sluice.child.pid;
          const before = await rssMB(pid);
          let peak = before;
          const sampling = setInterval(async () => {
            peak = Math.max(peak, await rssMB(pid).catch(() => 0));
          }, 20);
          const send = () =>
            fetch(`${sluice.url}/webhooks/stream`, {
              method: "POST",
              headers: {
                "x-api-key": "test-key",
                "x-signature": "0".repeat(64),
                "content-encoding": "gzip",
              },
              body: bomb,
              signal: AbortSignal.timeout(60_000),
            }).then(async (r) => ({ status: r.status, body: await r.json() }));
          const { ms, value } = await timed(() => Promise.all([send(), send(), send()]));
          clearInterval(sampling);
          peak = Math.max(peak, await rssMB(pid));
          for (const r of value) {
            assertEquals(r.status, 413);
            assertEquals(r.body.error, "decompressed body is larger than 1048576 bytes");
          }
          console.log(
            `three bombs: ${ms.toFixed(0)} ms, RSS ${before.toFixed(0)} → peak ${
              peak.toFixed(0)
            } MB`,
          );
          // Normal: ~50 ms and +10–30 MB. Before the fix: 4 s or more and +3 GB.
          assertOk(ms < 3_000, `took ${ms.toFixed(0)} ms`);
          assertOk(peak - before < 300, `RSS grew by ${(peak - before).toFixed(0)} MB`);
          assertEquals(await health(sluice.url), 200);
        } finally {
          assertEquals(await sluice.stop(), 0);
        }
      },
    );
  },
});

Deno.test({
  name: "attack: truncated and corrupt gzip bodies are a 400, never a 5xx",
  sanitizeResources: false,
  async fn() {
    const bomb = await gzipBomb(64);
    await withTree(
      { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir);
        try {
          const corrupt = bomb.slice();
          corrupt[20] ^= 0xff;
          for (const body of [bomb.slice(0, bomb.length / 2), corrupt, bomb.slice(0, 12)]) {
            const res = await fetch(`${sluice.url}/webhooks/stream`, {
              method: "POST",
              headers: { "x-api-key": "test-key", "x-signature": "0".repeat(64) },
              body,
            });
            const answer = await res.json();
            assertOk(res.status === 400 || res.status === 413, `${res.status} ${answer.error}`);
          }
        } finally {
          assertEquals(await sluice.stop(), 0);
        }
      },
    );
  },
});
