/**
 * The admin API under `/admin`: JSON over events, deliveries, dead letters, quarantine and rules,
 * paginated, behind `Authorization: Bearer $SLUICE_ADMIN_TOKEN`. Off (404) without a token;
 * secrets in parameters are masked.
 */
import { type Context, Hono } from "hono";
import { actionSpecs } from "../actions/catalog.ts";
import { redactParams } from "../observe/redact.ts";
import { formatProblem, type Problem } from "../rules/problem.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { DeadLetter, Delivery, DeliveryStatus } from "../delivery/model.ts";
import type { Store } from "../store/mod.ts";

/** What the admin API reads and does. */
export interface AdminDeps {
  token?: string;
  store: Store;
  rules: () => RuleSet;
  loadProblems: () => Problem[];
  reload: () => Promise<{ ok: boolean; problems: Problem[] }>;
}

const secretKeys = new Map(actionSpecs.map((s) => [s.name, s.secretKeys ?? []]));
const iso = (ms: number | undefined) => ms === undefined ? undefined : new Date(ms).toISOString();

/** Compares a given token with the configured one in time that depends only on the latter. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}

function limitOf(c: Context): number {
  const n = Number(c.req.query("limit") ?? 50);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 500) : 50;
}

function deliveryView(d: Delivery & { history?: DeadLetter["history"]; eventType?: string }) {
  return {
    id: d.id,
    event_id: d.eventId,
    ...(d.eventType ? { event_type: d.eventType } : {}),
    rule: d.rule,
    action: { index: d.actionIndex, type: d.actionType },
    status: d.status,
    mode: d.mode,
    idempotency_key: d.idempotencyKey,
    params: d.params && redactParams(d.params, secretKeys.get(d.actionType) ?? []),
    attempts: d.attempts,
    next_at: iso(d.nextAt),
    last_error: d.lastError,
    history: d.history?.map((h) => ({ ...h, at: iso(h.at) })),
  };
}

/** Builds the `/admin` routes. */
export function adminRoutes(deps: AdminDeps): Hono {
  const admin = new Hono();
  admin.use("*", async (c, next) => {
    if (!deps.token) return c.json({ error: "the admin API is off: set SLUICE_ADMIN_TOKEN" }, 404);
    const header = c.req.header("authorization") ?? "";
    const given = header.startsWith("Bearer ") ? header.slice(7) : "";
    if (!sameSecret(given, deps.token)) {
      return c.json({ error: "missing or wrong bearer token" }, 401);
    }
    await next();
  });

  admin.get("/rules", (c) =>
    c.json({
      rules: deps.rules().rules.map((r) => ({
        name: r.name,
        description: r.description,
        file: r.file,
        enabled: r.enabled,
        mode: r.mode,
        on: r.on,
        if: r.condition?.source,
        actions: r.actions.map((a) => a.type),
      })),
      problems: deps.loadProblems().map(formatProblem),
    }));

  admin.post("/reload", async (c) => {
    const { ok, problems } = await deps.reload();
    return c.json({ ok, problems: problems.map(formatProblem) }, ok ? 200 : 422);
  });

  admin.get("/events", async (c) => {
    const before = c.req.query("before");
    const items = await deps.store.listEvents({
      type: c.req.query("type"),
      before: before ? Date.parse(before) : undefined,
      limit: limitOf(c),
    });
    return c.json({
      items: items.map((e) => ({
        id: e.id,
        type: e.type,
        source: e.source,
        received_at: iso(e.receivedAt),
      })),
      next_before: items.length ? iso(items.at(-1)!.receivedAt) : undefined,
    });
  });

  admin.get("/events/:id", async (c) => {
    const record = await deps.store.getEvent(c.req.param("id"));
    if (!record) return c.json({ error: "no such event" }, 404);
    return c.json({
      id: record.id,
      type: record.type,
      source: record.source,
      received_at: iso(record.receivedAt),
      dispatched_at: iso(record.dispatchedAt),
      decision: record.decision,
      event: JSON.parse(record.body),
      deliveries: record.deliveries.map(deliveryView),
    });
  });

  admin.get("/deliveries", async (c) => {
    const status = c.req.query("status");
    if (status !== undefined && !["pending", "done", "dead", "shadow"].includes(status)) {
      return c.json({ error: "status is one of pending, done, dead, shadow" }, 400);
    }
    const items = await deps.store.listDeliveries({
      status: status as DeliveryStatus | undefined,
      after: c.req.query("after"),
      limit: limitOf(c),
    });
    return c.json({ items: items.map(deliveryView), next_after: items.at(-1)?.id });
  });

  admin.get("/dead-letters", async (c) => {
    const items = await deps.store.listDeadLetters({
      after: c.req.query("after"),
      limit: limitOf(c),
    });
    return c.json({ items: items.map(deliveryView), next_after: items.at(-1)?.id });
  });

  admin.post("/dead-letters/replay", async (c) => {
    const body = await c.req.json().catch(() => undefined) as
      | { ids?: unknown; all?: unknown }
      | undefined;
    if (body?.all === true) return c.json({ replayed: await deps.store.replayDeadLetters("all") });
    if (!Array.isArray(body?.ids) || !body.ids.every((id) => typeof id === "string")) {
      return c.json({ error: 'send {"ids": ["…"]} or {"all": true}' }, 400);
    }
    return c.json({ replayed: await deps.store.replayDeadLetters(body.ids as string[]) });
  });

  admin.get("/quarantine", async (c) => {
    const items = await deps.store.listQuarantine({
      before: c.req.query("before"),
      limit: limitOf(c),
    });
    return c.json({
      items: items.map((q) => ({
        id: q.id,
        source: q.source,
        reason: q.reason,
        body: q.body,
        received_at: iso(q.receivedAt),
      })),
      next_before: items.at(-1)?.id,
    });
  });

  return admin;
}
