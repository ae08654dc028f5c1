/** `/admin/dead-letters`, `/admin/deliveries`, `/admin/quarantine`: list, replay, discard. */
import { Hono } from "hono";
import { type DeadLetterFilter, DELIVERY_STATUSES } from "../delivery/model.ts";
import { deadLetterIds, replay } from "../dispatch/repair.ts";
import type { AdminDeps, Audit } from "./mod.ts";
import {
  BadRequestError,
  jsonBody,
  limitParam,
  oneOf,
  query,
  sinceParam,
  stringList,
} from "./query.ts";
import { deliveryView, iso } from "./views.ts";

/** The delivery routes. */
export function deadLetterRoutes(deps: AdminDeps, audit: Audit): Hono {
  const routes = new Hono();

  routes.get("/deliveries", async (c) => {
    const q = query(c, ["status", "after", "limit"]);
    const items = await deps.store.listDeliveries({
      status: oneOf("status", q.status, DELIVERY_STATUSES),
      after: q.after,
      limit: limitParam(q.limit),
    });
    return c.json({ items: items.map(deliveryView), next_after: items.at(-1)?.id });
  });

  routes.get("/dead-letters", async (c) => {
    const q = query(c, ["rule", "since", "error", "after", "limit"]);
    const items = await deps.store.listDeadLetters({
      rule: q.rule,
      since: sinceParam(q.since),
      error: q.error,
      after: q.after,
      limit: limitParam(q.limit),
    });
    return c.json({ items: items.map(deliveryView), next_after: items.at(-1)?.id });
  });

  /** The ids a replay or discard takes: `ids`, or `all` with optional filters. */
  async function selection(body: Record<string, unknown>): Promise<string[]> {
    const ids = stringList("ids", body.ids);
    const filter: DeadLetterFilter = {
      rule: optionalString("rule", body.rule),
      since: sinceParam(optionalString("since", body.since)),
      error: optionalString("error", body.error),
    };
    if (body.all === true) {
      if (ids) throw new BadRequestError('send "ids", or "all": true with filters, not both');
      return await deadLetterIds(deps.store, filter);
    }
    if (!ids?.length) {
      throw new BadRequestError('send {"ids": ["…"]}, or {"all": true} with rule, since, error');
    }
    if (filter.rule ?? filter.since ?? filter.error) {
      throw new BadRequestError('filters go with "all": true; with ids, only those are taken');
    }
    return ids;
  }

  routes.post("/dead-letters/replay", async (c) => {
    query(c, []);
    const ids = await selection(await jsonBody(c, ["ids", "all", "rule", "since", "error"]));
    const report = await replay({ store: deps.store, rules: deps.rules() }, ids);
    audit(c, "dlq replay", { ids: report.replayed.map((r) => r.id) });
    return c.json({
      replayed: report.replayed.length,
      items: report.replayed.map((r) => ({ id: r.id, rerendered: r.rerendered })),
      failed: report.failed,
    });
  });

  routes.post("/dead-letters/discard", async (c) => {
    query(c, []);
    const body = await jsonBody(c, ["ids", "all", "rule", "since", "error", "reason"]);
    const reason = optionalString("reason", body.reason)?.trim();
    if (!reason) {
      throw new BadRequestError('send a "reason" (kept in history with the dead letters)');
    }
    const ids = await selection(body);
    const { changed, missing } = await deps.store.discardDeadLetters(ids, reason);
    audit(c, "dlq discard", { ids: changed, reason });
    return c.json({
      discarded: changed.length,
      failed: missing.map((id) => ({ id, reason: "not a dead letter" })),
    });
  });

  routes.get("/quarantine", async (c) => {
    const q = query(c, ["before", "limit"]);
    const items = await deps.store.listQuarantine({ before: q.before, limit: limitParam(q.limit) });
    return c.json({
      items: items.map((e) => ({
        id: e.id,
        source: e.source,
        reason: e.reason,
        body: e.body,
        received_at: iso(e.receivedAt),
      })),
      next_before: items.at(-1)?.id,
    });
  });

  return routes;
}

function optionalString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new BadRequestError(`${name}: expected a string`);
  return value;
}
