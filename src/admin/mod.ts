/**
 * The admin API under `/admin`: JSON over events, deliveries, dead letters, quarantine and rules,
 * paged by id cursors, behind `Authorization: Bearer $SLUICE_ADMIN_TOKEN` (404 without a token,
 * 401 without the right header). Everything the CLI's `inbox`, `dlq` and `match --explain` do, it
 * does too; changes are logged as audit lines naming the remote address.
 */
import { Hono } from "hono";
import type { RateIntervals } from "../dispatch/plan.ts";
import type { SilenceBook } from "../dispatch/silences.ts";
import type { Logger } from "../observe/log.ts";
import type { Problem } from "../rules/problem.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import type { Store } from "../store/mod.ts";
import { deadLetterRoutes } from "./dead_letters.ts";
import { eventRoutes } from "./events.ts";
import { BadRequestError } from "./query.ts";
import { ruleRoutes } from "./rules.ts";
import { suppressionRoutes } from "./suppression.ts";

/** What the admin API reads and does. */
export interface AdminDeps {
  token?: string;
  store: Store;
  rules: () => RuleSet;
  loadProblems: () => Problem[];
  /** Which set runs (the folder, or the last good one kept in the store) and when it loaded. */
  rulesState?: () => { running: "files" | "last good"; loadedAt: number };
  reload: () => Promise<{ ok: boolean; problems: Problem[] }>;
  log: Logger;
  rateIntervals?: RateIntervals;
  /** The running process's silences: a change here holds at once. */
  silences?: SilenceBook;
}

/** An audit line: what an admin did, from where. */
export type Audit = (c: { env?: unknown }, action: string, fields: Record<string, unknown>) => void;

/** Compares a given token with the configured one in time that depends only on the latter. */
export function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
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
  admin.onError((e, c) => {
    if (e instanceof BadRequestError) return c.json({ error: e.message }, 400);
    throw e;
  });
  const audit: Audit = (c, action, fields) =>
    deps.log.info(`audit: ${action}`, {
      audit: true,
      actor: "admin",
      remote: remoteAddress(c.env),
      action,
      ...fields,
    });
  admin.route("/", eventRoutes(deps, audit));
  admin.route("/", deadLetterRoutes(deps, audit));
  admin.route("/", ruleRoutes(deps, audit));
  admin.route("/", suppressionRoutes(deps, audit));
  return admin;
}

/** The client's address from the server's connection info (`Deno.serve`'s second argument). */
export function remoteAddress(env: unknown): string | undefined {
  const addr = (env as { remoteAddr?: { hostname?: string; port?: number } } | undefined)
    ?.remoteAddr;
  return addr?.hostname === undefined ? undefined : `${addr.hostname}:${addr.port}`;
}
