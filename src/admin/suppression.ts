/**
 * `/admin/silences` (add, list, expire) and a rule's throttle windows and open groups
 * (`/admin/rules/:name/throttles`, `…/throttles/reset`, `…/groups`).
 */
import { Hono } from "hono";
import { silenceOf, SilenceRequestError } from "../dispatch/silences.ts";
import { parseDuration } from "../rules/duration.ts";
import type { Silence } from "../store/mod.ts";
import type { AdminDeps, Audit } from "./mod.ts";
import { BadRequestError, jsonBody, query } from "./query.ts";
import { iso } from "./views.ts";

/** A silence as JSON. */
export function silenceView(s: Silence) {
  return {
    id: s.id,
    rule: s.rule,
    if: s.condition,
    reason: s.reason,
    created_by: s.createdBy,
    created_at: iso(s.createdAt),
    until: iso(s.until),
  };
}

/** The suppression routes. */
export function suppressionRoutes(deps: AdminDeps, audit: Audit): Hono {
  const routes = new Hono();

  routes.get("/silences", async (c) => {
    const q = query(c, ["all"]);
    const items = await deps.store.listSilences(q.all === "true");
    return c.json({ items: items.map(silenceView) });
  });

  routes.post("/silences", async (c) => {
    query(c, []);
    const body = await jsonBody(c, ["rule", "if", "for", "reason"]);
    const text = (name: string, optional = false) => {
      const v = body[name];
      if (v === undefined && optional) return undefined;
      if (typeof v !== "string") throw new BadRequestError(`${name}: expected a string`);
      return v;
    };
    const forText = text("for")!;
    const forMs = parseDuration(forText);
    if (forMs === undefined) {
      throw new BadRequestError("for: expected a duration such as 30m or 2h");
    }
    let silence;
    try {
      silence = silenceOf(
        {
          rule: text("rule")!,
          condition: text("if", true),
          forMs,
          reason: text("reason")!,
          createdBy: `admin ${remote(c.env)}`,
        },
        deps.rules().rules.map((r) => r.name),
      );
    } catch (e) {
      if (e instanceof SilenceRequestError) throw new BadRequestError(e.message);
      throw e;
    }
    const added = await deps.store.addSilence(silence);
    deps.silences?.invalidate();
    audit(c, "silence add", {
      silence_id: added.id,
      rule: added.rule,
      if: added.condition,
      until: iso(added.until),
      reason: added.reason,
    });
    return c.json(silenceView(added), 201);
  });

  routes.post("/silences/:id/expire", async (c) => {
    query(c, []);
    const id = c.req.param("id");
    const ok = await deps.store.expireSilence(id);
    if (!ok) return c.json({ error: `no silence ${id.slice(0, 100)} is in force` }, 404);
    deps.silences?.invalidate();
    audit(c, "silence expire", { silence_id: id });
    return c.json({ expired: id });
  });

  routes.get("/rules/:name/throttles", async (c) => {
    query(c, []);
    const items = await deps.store.listThrottles(c.req.param("name"));
    return c.json({ items: items.map((t) => ({ key: t.key, until: iso(t.until) })) });
  });

  routes.post("/rules/:name/throttles/reset", async (c) => {
    query(c, []);
    const body = await jsonBody(c, ["key"]);
    if (typeof body.key !== "string") throw new BadRequestError("key: expected the throttle key");
    const rule = c.req.param("name");
    const ok = await deps.store.resetThrottle(rule, body.key);
    if (!ok) return c.json({ error: "no window of this rule is open for this key" }, 404);
    audit(c, "throttle reset", { rule, key: body.key });
    return c.json({ reset: true });
  });

  routes.get("/rules/:name/groups", async (c) => {
    query(c, []);
    const items = await deps.store.listGroups(c.req.param("name"));
    return c.json({
      items: items.map((g) => ({
        id: g.id,
        key: g.key,
        opened_at: iso(g.openedAt),
        next_send_at: iso(g.nextSendAt),
        sends: g.sends,
        pending: g.pending,
      })),
    });
  });

  return routes;
}

function remote(env: unknown): string {
  const addr = (env as { remoteAddr?: { hostname?: string; port?: number } } | undefined)
    ?.remoteAddr;
  return addr?.hostname === undefined ? "(in-process)" : `${addr.hostname}:${addr.port}`;
}
