/** `/admin/events`: the inbox search, one event with its decision and deliveries, redispatch. */
import { Hono } from "hono";
import { redispatch } from "../dispatch/repair.ts";
import { EVENT_OUTCOMES } from "../inbox/model.ts";
import { searchEvents, WhereError } from "../inbox/search.ts";
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
import { eventSummaryView, eventView, iso } from "./views.ts";

const SEARCH = ["type", "webhook_id", "rule", "outcome", "where", "since", "before", "limit"];

/** The event routes. */
export function eventRoutes(deps: AdminDeps, audit: Audit): Hono {
  const routes = new Hono();

  routes.get("/events", async (c) => {
    const q = query(c, SEARCH);
    try {
      const result = await searchEvents(deps.store, {
        type: q.type,
        senderId: q.webhook_id,
        rule: q.rule,
        outcome: oneOf("outcome", q.outcome, EVENT_OUTCOMES),
        where: q.where,
        since: sinceParam(q.since),
        before: q.before,
        limit: limitParam(q.limit),
      });
      return c.json({
        items: result.items.map(eventSummaryView),
        next_before: result.nextBefore,
        ...(q.where === undefined ? {} : { scanned: result.scanned, truncated: result.truncated }),
      });
    } catch (e) {
      if (e instanceof WhereError) throw new BadRequestError(e.message);
      throw e;
    }
  });

  routes.get("/stats", async (c) => {
    query(c, []);
    const s = await deps.store.stats();
    const since = Date.now() - 60 * 60_000;
    return c.json({
      pending_events: s.pendingEvents,
      pending_deliveries: s.pendingDeliveries,
      dead_letters: s.deadLetters,
      events_per_minute: (await deps.store.eventsPerMinute(since)).map((m) => ({
        minute: iso(m.minute * 60_000),
        outcome: m.outcome,
        count: m.count,
      })),
    });
  });

  routes.get("/events/:id", async (c) => {
    query(c, []);
    const record = await deps.store.getEvent(c.req.param("id"));
    if (!record) return c.json({ error: "no such event" }, 404);
    return c.json(eventView(record));
  });

  routes.post("/events/redispatch", async (c) => {
    query(c, []);
    const body = await jsonBody(c, ["ids"]);
    const ids = stringList("ids", body.ids);
    if (!ids?.length) throw new BadRequestError('send {"ids": ["…"]}: event ids or sender ids');
    const reports = await redispatch(
      { store: deps.store, rules: deps.rules(), rateIntervals: deps.rateIntervals },
      ids,
    );
    audit(c, "redispatch", { ids });
    return c.json({
      items: reports.map((r) =>
        "error" in r ? { id: r.id, error: r.error } : {
          id: r.id,
          event_id: r.eventId,
          fired: r.fired,
          created: r.result.created,
          requeued: r.result.requeued,
          unchanged: r.result.unchanged,
        }
      ),
    });
  });

  return routes;
}
