/**
 * Attack: anonymous requests whose values reach the log (a refused webhook's X-Webhook-Id, an SNS
 * `Type` quoted into an error). Redaction used to run a regex that is quadratic on long runs of
 * word characters over the whole line: one 900 KB SNS body froze the process for minutes.
 * Now: answered in milliseconds, the process keeps serving, and the log holds lengths, not values.
 */
import { assertEquals, assertOk } from "../support/assert.ts";
import { startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { health, timed } from "./support.ts";

const RULES = { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n' };

/** Normal: a few ms to tens of ms for a 900 KB upload. Before the fix: minutes. */
const BOUND_MS = 3_000;

async function post(url: string, path: string, headers: Record<string, string>, body: string) {
  return await timed(async () => {
    const res = await fetch(`${url}${path}`, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(120_000),
    });
    return { status: res.status, text: await res.text() };
  });
}

/** Posts while checking /healthz answers meanwhile (the event loop is not frozen). */
async function postWhileProbing(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: string,
) {
  const request = post(url, path, headers, body);
  await new Promise((r) => setTimeout(r, 200));
  const probe = await timed(() => health(url, 120_000));
  return { ...(await request), probe };
}

Deno.test({
  name: "attack: long unauthenticated values are logged by length, and never stall the process",
  sanitizeResources: false,
  async fn() {
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir, { SLUICE_SNS_TOPICS: "arn:aws:sns:eu-west-1:1:t" });
      try {
        const longId = "a".repeat(50_000);
        const webhook = await postWhileProbing(sluice.url, "/webhooks/stream", {
          "x-api-key": "test-key",
          "x-signature": "0".repeat(64),
          "x-webhook-id": longId,
        }, '{"type":"x"}');
        assertEquals(webhook.value.status, 401);
        assertOk(webhook.ms < BOUND_MS, `refused webhook took ${webhook.ms.toFixed(0)} ms`);

        const type = "a".repeat(900_000);
        const sns = await postWhileProbing(sluice.url, "/webhooks/sns", {
          "content-type": "text/plain",
        }, JSON.stringify({ Type: type }));
        assertEquals(sns.value.status, 400);
        assertOk(!sns.value.text.includes("aaaa"), "the refusal does not quote the Type");
        assertOk(sns.ms < BOUND_MS, `SNS refusal took ${sns.ms.toFixed(0)} ms`);
        assertEquals(sns.probe.value, 200);
        assertOk(sns.probe.ms < BOUND_MS, `/healthz meanwhile took ${sns.probe.ms.toFixed(0)} ms`);
        console.log(
          `refused webhook with a 50 KB id: ${webhook.ms.toFixed(0)} ms; SNS with a 900 KB ` +
            `Type: ${sns.ms.toFixed(0)} ms, /healthz meanwhile ${sns.probe.ms.toFixed(0)} ms`,
        );
      } finally {
        assertEquals(await sluice.stop(), 0);
      }
      const refused = sluice.logs.find((l) => l.msg === "webhook refused")!;
      assertEquals(refused.webhook_id_length, 50_000);
      assertEquals(refused.webhook_id, undefined, "the unsigned id itself is not logged");
      for (const line of sluice.logs) {
        assertOk(JSON.stringify(line).length < 10_000, `a long log line: ${line.msg}`);
      }
    });
  },
});

Deno.test({
  name: "attack: with no SNS topic configured, SNS bodies are refused unread",
  sanitizeResources: false,
  async fn() {
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir);
      try {
        const body = JSON.stringify({ Type: "b".repeat(900_000) });
        const res = await postWhileProbing(sluice.url, "/webhooks/sns", {}, body);
        assertEquals(res.value.status, 403);
        assertEquals(JSON.parse(res.value.text), { error: "no SNS topic is configured" });
        assertOk(res.ms < BOUND_MS, `took ${res.ms.toFixed(0)} ms`);
        assertEquals(res.probe.value, 200);
        assertOk(res.probe.ms < BOUND_MS, `/healthz meanwhile took ${res.probe.ms.toFixed(0)} ms`);
      } finally {
        assertEquals(await sluice.stop(), 0);
      }
    });
  },
});
