/**
 * The console's edges, in process (`app.request()`): off without a token, sign-in required,
 * forged or expired sessions refused, CSRF required on every change, bodies bounded, and the
 * security headers on every answer, signed in or not.
 */
import { adminRoutes } from "../src/admin/mod.ts";
import { consoleRoutes } from "../src/console/mod.tsx";
import { SESSION_MS, Sessions } from "../src/console/session.ts";
import { Logger } from "../src/observe/log.ts";
import { openStore } from "../src/store/mod.ts";
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { ruleSetFrom } from "./support/rules.ts";
import { Hono } from "hono";

const TOKEN = "console-status-token-123";

async function consoleApp(token: string | undefined) {
  const store = await openStore("sqlite::memory:");
  const rules = await ruleSetFrom({
    "r.yaml": "on: user.banned\ndo:\n  - http: { url: 'http://127.0.0.1:9/x' }\n",
  });
  const log = new Logger("error", () => {});
  const admin = adminRoutes({
    token,
    store,
    rules: () => rules,
    loadProblems: () => [],
    reload: () => Promise.resolve({ ok: true, problems: [] }),
    log,
  });
  const app = new Hono({ strict: false });
  app.route("/ui", consoleRoutes({ token, admin, log }));
  return { app, store };
}

/** Posts the sign-in form with `token`. */
function signIn(app: Hono, token: string): Promise<Response> {
  return Promise.resolve(
    app.request("/ui/signin", { method: "POST", body: new URLSearchParams({ token }) }),
  );
}

Deno.test("console: off without a token; sign-in required; headers on every answer", async () => {
  const off = await consoleApp(undefined);
  assertEquals((await off.app.request("/ui/")).status, 404);
  await off.store.close();

  const { app, store } = await consoleApp(TOKEN);
  try {
    const anonymous = await app.request("/ui/events");
    assertEquals([anonymous.status, anonymous.headers.get("location")], [303, "/ui/signin"]);
    assertEquals(anonymous.headers.get("x-frame-options"), "DENY");
    const css = await app.request("/ui/assets/console.css");
    assertEquals([css.status, css.headers.get("content-type")], [200, "text/css"]);
    for (
      const cookie of [
        "sluice_session=1.2.3",
        "sluice_session=garbage",
        `sluice_session=${"9".repeat(16)}.${"a".repeat(32)}.${"0".repeat(64)}`,
      ]
    ) {
      assertEquals((await app.request("/ui/", { headers: { cookie } })).status, 303, cookie);
    }
    const expired = await new Sessions(TOKEN, () => Date.now() - SESSION_MS - 1).create();
    assertEquals(
      (await app.request("/ui/", { headers: { cookie: `sluice_session=${expired}` } })).status,
      303,
    );
    const other = await new Sessions("another-token-0123456789").create();
    assertEquals(
      (await app.request("/ui/", { headers: { cookie: `sluice_session=${other}` } })).status,
      303,
    );
  } finally {
    await store.close();
  }
});

Deno.test("console: sessions, CSRF on every change, bounded bodies", async () => {
  const { app, store } = await consoleApp(TOKEN);
  try {
    const signin = await signIn(app, TOKEN);
    assertEquals(signin.status, 303);
    const setCookie = signin.headers.get("set-cookie")!;
    assertIncludes(setCookie, "HttpOnly");
    assertIncludes(setCookie, "SameSite=Strict");
    const cookie = setCookie.split(";")[0];
    const page = await app.request("/ui/try", { headers: { cookie } });
    assertEquals(page.status, 200);
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(await page.text())![1];
    const post = (body: Record<string, string>) =>
      app.request("/ui/try", {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams(body),
      });
    assertEquals((await post({ event: '{"type":"user.banned"}' })).status, 403, "no token");
    assertEquals((await post({ event: "{}", _csrf: "0".repeat(64) })).status, 403, "wrong token");
    const ok = await post({ event: '{"type":"user.banned"}', _csrf: csrf });
    assertEquals(ok.status, 200);
    assertIncludes(await ok.text(), "&quot;matches&quot;");
    const big = await signIn(app, "x".repeat(2 * 1024 * 1024));
    assertEquals(big.status, 413);
  } finally {
    await store.close();
  }
});

Deno.test("console: notices only from its own redirects; sign-ins bounded", async () => {
  const { app, store } = await consoleApp(TOKEN);
  try {
    const signin = await signIn(app, TOKEN);
    const cookie = signin.headers.get("set-cookie")!.split(";")[0];
    const get = (path: string) => app.request(path, { headers: { cookie } });
    const forged = await get("/ui/silences?notice=Session%20expired%3A%20re-enter%20your%20token");
    assertEquals((await forged.text()).includes("Session expired"), false, "an unsigned notice");

    const page = await (await get("/ui/silences")).text();
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(page)![1];
    const tooLong = await app.request("/ui/silences", {
      method: "POST",
      headers: { cookie },
      body: new URLSearchParams({ _csrf: csrf, rule: "r", for: "99999999999d", reason: "x" }),
    });
    assertEquals(tooLong.status, 303);
    const shown = await (await get(tooLong.headers.get("location")!)).text();
    assertIncludes(shown, "Not silenced: for: at most 365d", "its own notice is shown");
    assertEquals((await get("/ui/silences")).status, 200, "the page still lists silences");

    const wrong = () => signIn(app, "nope");
    const statuses = (await Promise.all(Array.from({ length: 10 }, wrong))).map((r) => r.status);
    assertEquals(statuses.filter((s) => s === 429).length, 2, statuses.join(","));
    const big = await signIn(app, "x".repeat(5_000));
    assertEquals(big.status, 413);
  } finally {
    await store.close();
  }
});
