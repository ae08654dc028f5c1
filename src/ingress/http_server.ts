/**
 * The public HTTP listener. `Deno.serve` gives no header or idle timeout and no connection cap,
 * and ends its accept loop (with an uncaught rejection) when the process runs out of file
 * descriptors. So sluice accepts connections itself (`Deno.listen`) and hands each one to Deno's
 * own HTTP/1.1 and HTTP/2 implementation for a single connection, the same engine `Deno.serve`
 * runs; {@link Connections} closes the slow, idle and surplus ones. Running out of descriptors
 * pauses accepting (new connections wait in the kernel's backlog, then are refused) and closes
 * idle connections; it never ends the process.
 *
 * The per-connection entry point is internal to Deno 2.9 (`Deno[Deno.internal]
 * .serveHttpOnConnection`). If a Deno release drops it, sluice falls back to `Deno.serve` and
 * warns that these limits are off (the attack tests in test/attack/ then fail, as they should).
 */
import type { Logger } from "../observe/log.ts";
import { type ConnectionLimits, Connections, type TrackedConnection } from "./connections.ts";

/** The request handler, as `Deno.serve` takes it. */
export type HttpHandler = (
  req: Request,
  info: Deno.ServeHandlerInfo<Deno.NetAddr>,
) => Response | Promise<Response>;

/** Where and how to listen. */
export interface HttpServerOptions extends ConnectionLimits {
  hostname: string;
  port: number;
  log: Logger;
}

type ServeOnConnection = (
  conn: Deno.Conn,
  signal: AbortSignal,
  handler: HttpHandler,
  onError: (error: unknown) => Response,
  onListen: (scheme: string) => void,
) => Deno.HttpServer<Deno.NetAddr>;

/** How long shutdown waits for in-flight requests before closing their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

/** How long after a Connection: close answer is handed over its connection is closed. */
const CLOSE_AFTER_ANSWER_MS = 500;

/** Longest pause of the accept loop after an accept error (such as too many open files). */
const MAX_ACCEPT_BACKOFF_MS = 1_000;

/**
 * Closing a connection aborts its server, and Deno's abort listener closes the connection's
 * resource. When the peer closed it a moment before (a race this side cannot see: the server's
 * `finished` settles a turn later), that listener throws `BadResource`, which an event listener
 * reports as uncaught and which would end the process. The connection is gone either way, so that
 * one error is not fatal; any other uncaught error still is.
 */
let abortRaceGuarded = false;
function guardAbortRace() {
  if (abortRaceGuarded) return;
  abortRaceGuarded = true;
  globalThis.addEventListener("error", (e) => {
    const error = (e as ErrorEvent).error;
    if (error instanceof Deno.errors.BadResource && /00_serve/.test(String(error.stack))) {
      e.preventDefault();
    }
  });
}

/** Deno's per-connection server, when this Deno has it. */
function serveOnConnection(): ServeOnConnection | undefined {
  const key = (Deno as unknown as { internal?: symbol }).internal;
  const internals = key && (Deno as unknown as Record<symbol, Record<string, unknown>>)[key];
  const fn = internals?.serveHttpOnConnection;
  return typeof fn === "function" ? fn as ServeOnConnection : undefined;
}

/** Starts serving `handler`; the result behaves as the server `Deno.serve` returns. */
export function serveHttp(
  options: HttpServerOptions,
  handler: HttpHandler,
): Deno.HttpServer<Deno.NetAddr> {
  const onError = (error: unknown) => {
    options.log.error("request failed", { error });
    return Response.json({ error: "internal error" }, { status: 500 });
  };
  const serveOn = serveOnConnection();
  if (serveOn) guardAbortRace();
  if (!serveOn) {
    options.log.warn(
      "this Deno has no per-connection HTTP server: header and idle timeouts and the " +
        "connection cap are off; put a reverse proxy in front (README, Security)",
    );
    return Deno.serve(
      { hostname: options.hostname, port: options.port, onListen() {}, onError },
      handler,
    );
  }
  return new GuardedServer(options, handler, onError, serveOn);
}

/** A listener whose connections are each served by Deno and watched by {@link Connections}. */
class GuardedServer implements Deno.HttpServer<Deno.NetAddr> {
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  private readonly listener: Deno.TcpListener;
  private readonly connections: Connections;
  private readonly servers = new Map<TrackedConnection, Deno.HttpServer<Deno.NetAddr>>();
  private closing = false;
  private acceptErrors = 0;
  private lastWarnMs = 0;

  constructor(
    private readonly options: HttpServerOptions,
    private readonly handler: HttpHandler,
    private readonly onError: (error: unknown) => Response,
    private readonly serveOn: ServeOnConnection,
  ) {
    this.listener = Deno.listen({ hostname: options.hostname, port: options.port });
    this.addr = this.listener.addr;
    this.connections = new Connections(options);
    this.finished = this.acceptLoop();
  }

  private async acceptLoop(): Promise<void> {
    let backoff = 10;
    while (!this.closing) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.listener.accept();
        backoff = 10;
      } catch (e) {
        if (this.closing) break;
        this.acceptFailed(e, backoff);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, MAX_ACCEPT_BACKOFF_MS);
        continue;
      }
      this.take(conn);
    }
  }

  /** Too many open files, or another accept error: free idle descriptors, warn now and then. */
  private acceptFailed(e: unknown, backoffMs: number) {
    this.acceptErrors++;
    const closed = this.connections.closeIdle(64);
    const now = Date.now();
    if (now - this.lastWarnMs < 10_000) return;
    this.lastWarnMs = now;
    this.options.log.warn("http accept failed; pausing new connections", {
      error: e,
      failures: this.acceptErrors,
      open_connections: this.connections.size,
      idle_closed: closed,
      retry_ms: backoffMs,
    });
  }

  private take(conn: Deno.TcpConn) {
    const tracked = this.connections.admit();
    if (!tracked) {
      conn.close();
      return;
    }
    try {
      conn.setNoDelay(true);
    } catch (e) {
      // The peer may already be gone; the server below then ends at once.
      this.options.log.debug("setNoDelay failed", { error: e });
    }
    const server = this.serveOn(
      conn,
      tracked.abort.signal,
      (req, info) => this.handle(tracked, req, info),
      this.onError,
      () => {},
    );
    this.servers.set(tracked, server);
    server.finished
      .catch((e) => this.options.log.debug("connection ended with an error", { error: e }))
      .finally(() => {
        this.servers.delete(tracked);
        this.connections.release(tracked);
      });
  }

  private async handle(
    c: TrackedConnection,
    req: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
  ): Promise<Response> {
    c.active++;
    c.served = true;
    let res: Response;
    try {
      res = await this.handler(req, info);
    } finally {
      c.active--;
      c.lastMs = Date.now();
    }
    // A refusal that left the body unread (408, 413, …) says Connection: close; Deno would keep
    // the connection waiting for the rest of the body, so it is closed once the answer is out.
    // "Completed" comes before Deno has flushed the answer to the socket, hence the short wait.
    if (res.headers.get("connection") === "close") {
      const later = () => this.connections.closeLater(c, CLOSE_AFTER_ANSWER_MS);
      info.completed.then(later, later);
    }
    return res;
  }

  /**
   * Stops accepting, closes idle connections at once, and lets those with a request in hand
   * finish for up to {@link SHUTDOWN_GRACE_MS} (the process exits after that anyway).
   */
  async shutdown(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.connections.stop();
      this.listener.close();
    }
    this.connections.closeAllIdle();
    const draining = this.connections.busy().map((c) => {
      // From here on only Deno closes it: aborting a server that is shutting down would throw.
      this.connections.release(c);
      const server = this.servers.get(c);
      return server?.shutdown().catch((e) =>
        this.options.log.debug("connection shutdown", { error: e })
      );
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((r) => (timer = setTimeout(r, SHUTDOWN_GRACE_MS)));
    await Promise.race([Promise.all(draining), grace]);
    clearTimeout(timer);
    await this.finished;
  }

  ref(): void {
    this.listener.ref();
  }

  unref(): void {
    this.listener.unref();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
