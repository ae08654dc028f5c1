/**
 * `/admin/rules`: each rule with its counts and when it last fired, one rule's file, reload, and
 * `POST /admin/explain`: an event against the running rules, as `match --explain` answers.
 */
import { Hono } from "hono";
import { formatProblem } from "../rules/problem.ts";
import type { AdminDeps, Audit } from "./mod.ts";
import { isStreamEvent } from "../event/envelope.ts";
import { dryRun } from "../rules/dry_run.ts";
import { BadRequestError, query } from "./query.ts";
import { iso } from "./views.ts";

/** The rule routes. */
export function ruleRoutes(deps: AdminDeps, audit: Audit): Hono {
  const routes = new Hono();

  routes.get("/rules", async (c) => {
    query(c, []);
    const counts = new Map((await deps.store.ruleCounts()).map((r) => [r.rule, r]));
    const state = deps.rulesState?.();
    return c.json({
      rules: deps.rules().rules.map((r) => {
        const n = counts.get(r.name);
        return {
          name: r.name,
          description: r.description,
          file: r.file,
          enabled: r.enabled,
          mode: r.mode,
          on: r.on,
          if: r.condition?.source,
          actions: r.actions.map((a) => a.type),
          counts: {
            fired: n?.fired ?? 0,
            errors: n?.errors ?? 0,
            throttled: n?.throttled ?? 0,
            silenced: n?.silenced ?? 0,
            grouped: n?.grouped ?? 0,
          },
          last_fired_at: iso(n?.lastFiredAt),
        };
      }),
      problems: deps.loadProblems().map(formatProblem),
      ...(state ? { running: state.running, loaded_at: iso(state.loadedAt) } : {}),
    });
  });

  routes.get("/rules/:name", (c) => {
    query(c, []);
    const rule = deps.rules().rules.find((r) => r.name === c.req.param("name"));
    if (!rule) return c.json({ error: "no such rule" }, 404);
    return c.json({
      name: rule.name,
      file: rule.file,
      source: rule.text,
    });
  });

  routes.post("/explain", async (c) => {
    query(c, []);
    let event: unknown;
    try {
      event = await c.req.json();
    } catch {
      throw new BadRequestError('the body must be an event: a JSON object with a string "type"');
    }
    if (!isStreamEvent(event)) {
      throw new BadRequestError('the body must be an event: a JSON object with a string "type"');
    }
    return c.json(await dryRun(deps.rules(), event, { explain: true, source: "admin" }));
  });

  routes.post("/reload", async (c) => {
    query(c, []);
    const { ok, problems } = await deps.reload();
    audit(c, "reload", { ok });
    return c.json({ ok, problems: problems.map(formatProblem) }, ok ? 200 : 422);
  });

  return routes;
}
