/**
 * The HTTP status matrices, in-process through `app.http.request()` (as Hono's own tests do): the
 * webhook's refusals, SNS's refusals before any fetch, and the admin API's auth and paging. What
 * needs a real process (signals, crashes, sockets) stays in the subprocess tests.
 */
import type { App } from "../src/app.ts";
import { signStreamBody } from "../src/ingress/stream_signature.ts";
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { startApp } from "./support/app.ts";
import { withTree } from "./support/tmp.ts";

const TOKEN = "admin-token-0123456789";
const rule = 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n';
const env = {
  STREAM_API_KEY: "key",
  STREAM_API_SECRET: "secret",
  SLUICE_ADMIN_TOKEN: TOKEN,
  SLUICE_MAX_BODY: "4096",
  SLUICE_MAX_EVENT_AGE: "off",
  SLUICE_SNS_TOPICS: "arn:aws:sns:eu-west-1:123456789012:stream",
};

async function withApp(fn: (app: App) => Promise<void>) {
  await withTree({ "rules/r.yaml": rule }, async (dir) => {
    const { app } = await startApp(dir, env);
    try {
      await fn(app);
    } finally {
      await app.stop(100);
    }
  });
}

async function webhook(app: App, body: string, headers: Record<string, string> = {}) {
  const bytes = new TextEncoder().encode(body);
  const res = await app.http.request("/webhooks/stream", {
    method: "POST",
    headers: {
      "x-api-key": "key",
      "x-signature": await signStreamBody(bytes, "secret"),
      ...headers,
    },
    body: bytes,
  });
  return { status: res.status, body: await res.json() };
}

Deno.test("webhook refusals: each status with an error naming what is wrong", async () => {
  await withApp(async (app) => {
    const event = JSON.stringify({ type: "user.banned", n: 1 });
    const cases: [Record<string, string>, string, number, string][] = [
      [{ "x-api-key": "" }, event, 401, "missing X-Api-Key"],
      [{ "x-api-key": "other" }, event, 401, "unknown X-Api-Key"],
      [{ "x-signature": "" }, event, 401, "missing X-Signature"],
      [{ "x-signature": "0".repeat(64) }, event, 401, "does not match"],
      [{ "x-signature": "not hex" }, event, 401, "does not match"],
      [{}, JSON.stringify({ type: "x", pad: "y".repeat(5000) }), 413, "larger than 4096"],
      [{}, "{not json", 400, "not JSON; kept in quarantine"],
      [{}, '{"type": 5}', 400, 'no string "type"'],
      [{}, "[]", 400, 'no string "type"'],
    ];
    for (const [headers, body, status, error] of cases) {
      const res = await webhook(app, body, headers);
      assertEquals(res.status, status, `${JSON.stringify(headers)} ${body.slice(0, 20)}`);
      assertIncludes(res.body.error, error);
    }
    assertEquals((await app.store.listEvents()).length, 0, "nothing refused is stored");
    assertEquals((await app.store.listQuarantine()).length, 3, "signed, unreadable bodies kept");
    const ok = await webhook(app, event, { "x-webhook-id": "w1" });
    assertEquals(ok.status, 200);
    assertEquals(await webhook(app, event, { "x-webhook-id": "w1" }), {
      status: 200,
      body: { id: ok.body.id, duplicate: true },
    });
  });
});

Deno.test("SNS refusals: bad JSON, a missing field, a topic not allowed, a foreign certificate URL", async () => {
  await withApp(async (app) => {
    const message = {
      Type: "Notification",
      MessageId: "m1",
      TopicArn: "arn:aws:sns:eu-west-1:123456789012:stream",
      Message: '{"type":"user.banned"}',
      Timestamp: "2026-08-24T10:00:00.000Z",
      SignatureVersion: "1",
      Signature: "c2ln",
      SigningCertURL:
        "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem",
    };
    const post = async (body: unknown) => {
      const res = await app.http.request("/webhooks/sns", {
        method: "POST",
        headers: { "content-type": "text/plain; charset=UTF-8" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return [res.status, (await res.json()).error];
    };
    const cases: [unknown, number, string][] = [
      ["{nope", 400, "not JSON"],
      [{ ...message, MessageId: undefined }, 400, "MessageId"],
      [{ ...message, TopicArn: "arn:aws:sns:eu-west-1:1:other" }, 403, "not in SLUICE_SNS_TOPICS"],
      [{ ...message, SigningCertURL: "https://evil.example/cert.pem" }, 401, "SigningCertURL"],
      [{ ...message, SigningCertURL: "http://sns.eu-west-1.amazonaws.com/x.pem" }, 401, "https"],
    ];
    for (const [body, status, error] of cases) {
      const [got, text] = await post(body);
      assertEquals(got, status, JSON.stringify(body).slice(0, 60));
      assertIncludes(String(text), error);
    }
  });
});

Deno.test("admin API: 401 without the token, paging by limit and cursor, 404 for an unknown event", async () => {
  await withApp(async (app) => {
    for (let n = 0; n < 3; n++) await webhook(app, JSON.stringify({ type: "user.banned", n }));
    const get = (path: string, token = TOKEN) =>
      app.http.request(`/admin${path}`, { headers: { authorization: `Bearer ${token}` } });
    assertEquals((await app.http.request("/admin/events")).status, 401);
    assertEquals((await get("/events", "x".repeat(22))).status, 401);
    assertEquals((await get("/events", `${TOKEN}x`)).status, 401);
    const page = await (await get("/events?limit=2")).json();
    assertEquals(page.items.length, 2);
    assertEquals((await get("/events/nope")).status, 404);
    const all = await (await get("/events?limit=100000")).json();
    assertEquals(all.items.length, 3, "limit is capped, not refused");
    assertEquals((await get("/deliveries?status=bogus")).status, 400);
  });
});
