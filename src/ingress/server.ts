/**
 * The HTTP surface as Hono apps: the public one (Stream and SNS ingress, health and readiness) and
 * the operators' one (`/admin`, `/metrics`, the console). With `SLUICE_ADMIN_LISTEN` they listen
 * apart, so the public webhook port serves nothing else; otherwise one app serves both.
 */
import { Hono } from "hono";
import type { Logger } from "../observe/log.ts";
import { type AdminDeps, adminRoutes } from "../admin/mod.ts";
import { consoleRoutes } from "../console/mod.tsx";
import type { Metrics } from "../observe/metrics.ts";
import { type SnsDeps, snsHandler } from "./sns/handler.ts";
import { type StreamWebhookDeps, streamWebhookHandler } from "./stream_webhook.ts";

/** What the servers need from the running app. */
export interface ServerDeps {
  log: Logger;
  webhook: StreamWebhookDeps;
  sns: SnsDeps;
  /** Extra operator routes mounted by the app (the console). */
  mount?: (app: Hono) => void;
  metrics: Metrics;
  admin: AdminDeps;
  /** Whether rules are loaded, the store answers and sources work; `detail` says what fails. */
  ready: () => Promise<{ ready: boolean; detail?: Record<string, unknown> }>;
}

/** Which routes an app serves. */
export type Surface = "public" | "operators" | "all";

/** Builds the Hono app for `surface`; tests can drive it with `app.request()`. */
export function buildServer(deps: ServerDeps, surface: Surface = "all"): Hono {
  // Not strict about a trailing slash: the console lives at `/ui/` and its routes are `/ui…`.
  const app = new Hono({ strict: false });
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const { ready, detail } = await deps.ready();
    return ready
      ? c.json({ status: "ready", ...detail })
      : c.json({ status: "not ready", ...detail }, 503);
  });
  if (surface !== "operators") {
    app.post("/webhooks/stream", streamWebhookHandler(deps.webhook));
    app.post("/webhooks/sns", snsHandler(deps.sns));
  }
  if (surface !== "public") {
    app.get(
      "/metrics",
      async (c) =>
        c.text(await deps.metrics.render(), 200, { "content-type": "text/plain; version=0.0.4" }),
    );
    const admin = adminRoutes(deps.admin);
    app.route("/admin", admin);
    app.route("/ui", consoleRoutes({ token: deps.admin.token, admin, log: deps.log }));
    deps.mount?.(app);
  }
  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((e, c) => {
    // The route's pattern, not the path: the path is the client's and may be very long.
    deps.log.error("request failed", { method: c.req.method, route: c.req.routePath, error: e });
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}
