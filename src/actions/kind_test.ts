import { assertEquals } from "../../test/support/assert.ts";
import { secretKeysOf } from "./catalog.ts";
import { createActions } from "./registry.ts";

const context = () => ({
  signal: AbortSignal.timeout(5_000),
  idempotencyKey: "k",
  attempt: 1,
  timeoutMs: 5_000,
});

Deno.test("secret parameters are read from the schemas' x-secret marks", () => {
  assertEquals(secretKeysOf("http"), [
    "headers.authorization",
    "headers.x-api-key",
    "headers.cookie",
  ]);
  assertEquals(secretKeysOf("slack"), ["webhook_url", "token"]);
  assertEquals(secretKeysOf("email"), ["smtp_url"]);
  assertEquals(secretKeysOf("carrier-pigeon"), []);
});

Deno.test("parameters an action cannot take fail for good, naming the parameter", async () => {
  const actions = createActions();
  assertEquals(await actions.get("http")!.execute({ url: 5 }, context()), {
    kind: "permanent",
    error: "url must be text, not number",
  });
  assertEquals(await actions.get("slack")!.execute({ token: "t", text: "x" }, context()), {
    kind: "permanent",
    error: 'slack needs either "webhook_url", or "token" with "channel"',
  });
  assertEquals(
    await actions.get("email")!.execute({ to: "a@example.com", subject: ["x"] }, context()),
    { kind: "permanent", error: "subject must be text, not object" },
  );
});

Deno.test("the schema's default method is used; a long chat.postMessage answer is still read", async () => {
  const seen: string[] = [];
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    seen.push(req.method);
    // chat.postMessage echoes the message: far more than the 2,000 characters once read.
    return Response.json({ ok: true, ts: "1.2", message: { text: "x".repeat(20_000) } });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const actions = createActions({ slack: { apiUrl: base } });
  assertEquals(await actions.get("http")!.execute({ url: `${base}/hook` }, context()), {
    kind: "ok",
    status: 200,
  });
  assertEquals(seen, ["POST"]);
  assertEquals(
    await actions.get("slack")!.execute({ token: "t", channel: "C1", text: "hi" }, context()),
    { kind: "ok", status: 200 },
  );
});
