/**
 * `SLUICE_ADMIN_LISTEN`: `/admin`, `/metrics` (and the console) move to a port of their own, and
 * the public webhook port serves only webhooks and health.
 */
import { assertEquals } from "./support/assert.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";

const TOKEN = "admin-token-0123456789";

Deno.test("with SLUICE_ADMIN_LISTEN the operators' routes leave the public port", async () => {
  await withTree(
    { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n' },
    async (dir) => {
      const sluice = await startSluice(dir, {
        SLUICE_ADMIN_LISTEN: "127.0.0.1:0",
        SLUICE_ADMIN_TOKEN: TOKEN,
      });
      try {
        const adminUrl = sluice.logs.find((l) => l.msg === "sluice listening")!.admin_url as string;
        const status = async (url: string, init?: RequestInit) => {
          const res = await fetch(url, init);
          await res.body?.cancel();
          return res.status;
        };
        const auth = { headers: { authorization: `Bearer ${TOKEN}` } };
        assertEquals(await status(`${sluice.url}/admin/rules`, auth), 404);
        assertEquals(await status(`${sluice.url}/metrics`), 404);
        assertEquals(await status(`${sluice.url}/healthz`), 200);
        const res = await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n: 1 }));
        assertEquals(res.status, 200);
        assertEquals(await status(`${adminUrl}/admin/rules`, auth), 200);
        assertEquals(await status(`${adminUrl}/metrics`), 200);
        assertEquals(
          await status(`${adminUrl}/webhooks/stream`, { method: "POST", body: "{}" }),
          404,
        );
        assertEquals(await status(`${adminUrl}/readyz`), 200);
      } finally {
        assertEquals(await sluice.stop(), 0);
      }
    },
  );
});
