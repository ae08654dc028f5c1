/**
 * The web console under `/ui/`: server-rendered pages over the admin API. Every page reads, and
 * every button calls, an admin API route in process (with the admin token), so the console adds no
 * second way to do anything. Plain forms work without JavaScript; there is none. Sign-in sets a
 * signed session cookie; every form that changes something carries a CSRF token; a strict CSP
 * and `X-Frame-Options: DENY` on every answer.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { remoteAddress, sameSecret } from "../admin/mod.ts";
import type { Logger } from "../observe/log.ts";
import { CONSOLE_CSS } from "./assets.ts";
import { type DeadLetterRow, DeadLettersPage } from "./pages/dead_letters.tsx";
import { type EventJson, EventPage } from "./pages/event.tsx";
import { type EventRow, EventsPage } from "./pages/events.tsx";
import { OverviewPage, type StatsJson } from "./pages/overview.tsx";
import { type SilenceRow, SilencesPage } from "./pages/silences.tsx";
import { RulePage, type RuleRow, RulesPage } from "./pages/rules.tsx";
import { SignInPage } from "./pages/signin.tsx";
import { TryPage } from "./pages/try.tsx";
import { SESSION_COOKIE, sessionCookie, Sessions } from "./session.ts";

/** What the console needs: the admin token, the admin API to call, and the log. */
export interface ConsoleDeps {
  token?: string;
  admin: Hono;
  log: Logger;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** The largest form the console reads (a pasted event included). */
const MAX_FORM_BYTES = 1024 * 1024;

/** Failed sign-ins wait this long before the answer (per attempt), and are logged. */
const FAILED_SIGNIN_DELAY_MS = 1_000;

type Vars = { Variables: { nonce: string; csrf: string; notice?: string } };

/** Failed sign-ins waiting at once, at most; more are answered 429 at once. */
const MAX_PENDING_FAILED_SIGNINS = 8;

/** Builds the `/ui` routes. */
export function consoleRoutes(deps: ConsoleDeps): Hono<Vars> {
  const ui = new Hono<Vars>();
  const sessions = deps.token ? new Sessions(deps.token) : undefined;
  const secure = (c: Context) =>
    new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";

  ui.use("*", async (c, next) => {
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
  });
  ui.get("/assets/console.css", (c) => c.body(CONSOLE_CSS, 200, { "content-type": "text/css" }));
  // A token is short; forms are small; a pasted event is at most what the webhook takes.
  ui.use("/signin", bodyLimit({ maxSize: 4096, onError: (c) => c.text("form too large", 413) }));
  ui.use(
    "*",
    bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => c.text("form too large", 413) }),
  );
  ui.use("*", async (c, next) => {
    if (!sessions) return c.text("the console is off: set SLUICE_ADMIN_TOKEN", 404);
    if (c.req.path === "/ui/signin") return await next();
    const cookie = getCookie(c, SESSION_COOKIE);
    const nonce = await sessions.verify(cookie);
    if (!nonce) return c.redirect("/ui/signin", 303);
    c.set("nonce", nonce);
    c.set("csrf", await sessions.csrf(nonce));
    const notice = c.req.query("notice");
    if (notice !== undefined && await sessions.checkNotice(nonce, notice, c.req.query("sig"))) {
      c.set("notice", notice);
    }
    if (c.req.method === "POST") {
      const form = await c.req.parseBody({ all: true });
      if (!(await sessions.checkCsrf(nonce, form._csrf))) {
        return c.text("the form's CSRF token is missing or wrong: reload the page", 403);
      }
    }
    await next();
  });

  ui.get("/signin", (c) => c.html(<SignInPage />));
  let pendingFailures = 0;
  ui.post("/signin", async (c) => {
    const form = await c.req.parseBody();
    const given = typeof form.token === "string" ? form.token : "";
    if (!sessions || !sameSecret(given, deps.token!)) {
      if (pendingFailures >= MAX_PENDING_FAILED_SIGNINS) {
        return c.html(<SignInPage error="Too many sign-in attempts; try again shortly." />, 429);
      }
      pendingFailures++;
      deps.log.warn("console sign-in failed", {
        remote: remoteAddress(c.env),
        token_length: given.length,
      });
      await new Promise((r) => setTimeout(r, FAILED_SIGNIN_DELAY_MS));
      pendingFailures--;
      return c.html(<SignInPage error="That is not the admin token." />, 401);
    }
    deps.log.info("audit: console sign-in", {
      audit: true,
      actor: "console",
      remote: remoteAddress(c.env),
    });
    c.header("set-cookie", sessionCookie(await sessions.create(), secure(c)));
    return c.redirect("/ui/", 303);
  });
  ui.post("/signout", (c) => {
    c.header("set-cookie", sessionCookie("", secure(c)));
    return c.redirect("/ui/signin", 303);
  });

  /** Calls the admin API in process, as the signed-in operator. */
  const api = async (c: Context, path: string, body?: unknown) => {
    const res = await deps.admin.request(path, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${deps.token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }, c.env);
    // The admin API answers JSON; anything else (a route that is not there) is an error text.
    const json = (res.headers.get("content-type") ?? "").includes("json")
      ? await res.json()
      : { error: `${res.status}: ${(await res.text()).slice(0, 200)}` };
    return { ok: res.ok, status: res.status, json };
  };
  /** A redirect to `path` that shows `notice` there (signed for this session). */
  const redirectWith = async (c: Context<Vars>, path: string, notice: string) => {
    const sig = await sessions!.signNotice(c.get("nonce"), notice);
    const sep = path.includes("?") ? "&" : "?";
    return c.redirect(`${path}${sep}${new URLSearchParams({ notice, sig })}`, 303);
  };
  const query = (c: Context, keys: string[]) =>
    Object.fromEntries(keys.flatMap((k) => (c.req.query(k) ? [[k, c.req.query(k)!]] : [])));

  ui.get("/", async (c) => {
    const [{ json: stats }, { json }] = await Promise.all([api(c, "/stats"), api(c, "/rules")]);
    return c.html(
      <OverviewPage
        stats={stats as StatsJson}
        rules={json.rules as RuleRow[]}
        problems={json.problems}
        running={json.running}
        loadedAt={json.loaded_at}
        csrf={c.get("csrf")}
      />,
    );
  });
  ui.get("/rules", async (c) => {
    const { json } = await api(c, "/rules");
    return c.html(
      <RulesPage rules={json.rules as RuleRow[]} problems={json.problems} csrf={c.get("csrf")} />,
    );
  });
  ui.get("/rules/:name", async (c) => {
    const name = c.req.param("name");
    if (name === "." || name === "..") return c.text("no such rule", 404);
    const { ok, json } = await api(c, `/rules/${encodeURIComponent(name)}`);
    if (!ok) return c.text(json.error, 404);
    const events = await api(c, `/events?${new URLSearchParams({ rule: name, limit: "20" })}`);
    return c.html(
      <RulePage
        name={json.name}
        file={json.file}
        source={json.source}
        events={events.ok ? events.json.items as EventRow[] : []}
        csrf={c.get("csrf")}
      />,
    );
  });

  ui.get("/silences", async (c) => {
    const [{ json }, { json: rules }] = await Promise.all([api(c, "/silences"), api(c, "/rules")]);
    return c.html(
      <SilencesPage
        items={json.items as SilenceRow[]}
        rules={(rules.rules as RuleRow[]).map((r) => r.name)}
        csrf={c.get("csrf")}
        notice={c.get("notice")}
      />,
    );
  });
  ui.post("/silences", async (c) => {
    const form = await c.req.parseBody();
    const field = (k: string) => (typeof form[k] === "string" ? (form[k] as string).trim() : "");
    const { ok, json } = await api(c, "/silences", {
      rule: field("rule"),
      ...(field("if") ? { if: field("if") } : {}),
      for: field("for"),
      reason: field("reason"),
    });
    const notice = ok ? `Silenced ${json.rule} until ${json.until}` : `Not silenced: ${json.error}`;
    return await redirectWith(c, "/ui/silences", notice);
  });
  ui.post("/silences/:id/expire", async (c) => {
    const { ok, json } = await api(
      c,
      `/silences/${encodeURIComponent(c.req.param("id"))}/expire`,
      {},
    );
    const notice = ok ? "Expired." : `Not expired: ${json.error}`;
    return await redirectWith(c, "/ui/silences", notice);
  });

  ui.get("/events", async (c) => {
    const q = query(c, ["webhook_id", "type", "rule", "outcome", "where", "since", "before"]);
    const { ok, json } = await api(c, `/events?${new URLSearchParams(q)}`);
    const { before: _b, ...filters } = q;
    const live = c.req.query("live") === "1";
    const shown = live ? { ...filters, live: "1" } : filters;
    return c.html(
      <EventsPage
        items={ok ? json.items as EventRow[] : []}
        query={shown}
        csrf={c.get("csrf")}
        error={ok ? undefined : json.error}
        next={ok ? json.next_before : undefined}
        live={live}
      />,
    );
  });
  ui.get("/events/:id", async (c) => {
    const id = c.req.param("id");
    // A dot segment would be collapsed on the way to the admin API: there is no such event.
    if (id === "." || id === "..") return c.text("no such event", 404);
    const { ok, json } = await api(c, `/events/${encodeURIComponent(id)}`);
    if (!ok) {
      return c.html(
        <EventsPage items={[]} query={{}} csrf={c.get("csrf")} error={json.error} />,
        404,
      );
    }
    return c.html(
      <EventPage event={json as EventJson} csrf={c.get("csrf")} notice={c.get("notice")} />,
    );
  });
  ui.post("/events/:id/redispatch", async (c) => {
    const id = c.req.param("id");
    const { json } = await api(c, "/events/redispatch", { ids: [id] });
    const r = json.items?.[0] ?? {};
    const notice = r.error
      ? `Redispatch failed: ${r.error}`
      : `Redispatched: ${r.created ?? 0} created, ${r.requeued ?? 0} re-queued, ${
        r.unchanged ?? 0
      } unchanged`;
    return await redirectWith(c, `/ui/events/${encodeURIComponent(id)}`, notice);
  });

  ui.get("/dead-letters", async (c) => {
    const q = query(c, ["rule", "error", "since"]);
    const { ok, json } = await api(c, `/dead-letters?${new URLSearchParams(q)}`);
    return c.html(
      <DeadLettersPage
        items={ok ? json.items as DeadLetterRow[] : []}
        query={q}
        csrf={c.get("csrf")}
        notice={ok ? c.get("notice") : json.error}
      />,
    );
  });
  ui.post("/dead-letters/act", async (c) => {
    const form = await c.req.parseBody({ all: true });
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(String);
    const ids = list(form.ids);
    const filters = Object.fromEntries(
      ["rule", "error", "since"].flatMap((k) => typeof form[k] === "string" ? [[k, form[k]]] : []),
    );
    const action = String(form.do ?? "");
    const all = action.endsWith("-all");
    const selection = all ? { all: true, ...filters } : { ids };
    const { ok, json } = action.startsWith("discard")
      ? await api(c, "/dead-letters/discard", { ...selection, reason: String(form.reason ?? "") })
      : await api(c, "/dead-letters/replay", selection);
    const failed = (json.failed ?? []) as { id: string; reason: string }[];
    const notice = ok
      ? `${action.startsWith("discard") ? "Discarded" : "Replayed"} ${
        json.discarded ?? json.replayed ?? 0
      }${
        failed.length ? `; not done: ${failed.map((f) => `${f.id} (${f.reason})`).join(", ")}` : ""
      }`
      : `Nothing done: ${json.error}`;
    return await redirectWith(c, `/ui/dead-letters?${new URLSearchParams(filters)}`, notice);
  });

  ui.get("/try", (c) => c.html(<TryPage csrf={c.get("csrf")} />));
  ui.post("/try", async (c) => {
    const form = await c.req.parseBody();
    const text = typeof form.event === "string" ? form.event : "";
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (e) {
      return c.html(
        <TryPage csrf={c.get("csrf")} body={text} error={`Not JSON: ${(e as Error).message}`} />,
        400,
      );
    }
    const { ok, json } = await api(c, "/explain", event);
    return c.html(
      <TryPage
        csrf={c.get("csrf")}
        body={text}
        result={ok ? json : undefined}
        error={ok ? undefined : json.error}
      />,
      ok ? 200 : 400,
    );
  });
  return ui;
}
