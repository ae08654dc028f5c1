/**
 * The open HTTP connections of one listener, so that none outlives its use: a connection that
 * has not sent complete headers within the header timeout, or sits idle between keep-alive
 * requests past the idle timeout, is closed by a once-a-second sweep; at the connection cap the
 * longest-idle one is closed to make room (a connection in the middle of a request never is).
 * Deno's server gives none of these knobs, so they are kept here, around it.
 */

/** One accepted connection, as the sweep sees it. */
export interface TrackedConnection {
  /** Requests being handled right now. */
  active: number;
  /** Whether a request has arrived (before that, the header timeout applies). */
  served: boolean;
  /** When it was accepted or last answered. */
  lastMs: number;
  /**
   * Closes it at once. Only {@link Connections} aborts it, and only while it is open and not
   * draining: Deno's abort listener throws (uncaught) once the connection's server has ended or
   * is shutting down.
   */
  readonly abort: AbortController;
}

/** Timeouts and cap of {@link Connections}. */
export interface ConnectionLimits {
  /** Complete headers of the first request must arrive within this. */
  headerTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  idleTimeoutMs: number;
  /** Open connections at most. */
  maxConnections: number;
}

/** The connections of one listener. */
export class Connections {
  private readonly open = new Set<TrackedConnection>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(readonly limits: ConnectionLimits, private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 1000);
    Deno.unrefTimer(this.sweeper);
  }

  /** How many are open. */
  get size(): number {
    return this.open.size;
  }

  /**
   * Takes a new connection, first closing the longest-idle one if at the cap. Returns undefined
   * (the caller closes the new one) when the cap is reached and every connection is busy.
   */
  admit(): TrackedConnection | undefined {
    if (this.open.size >= this.limits.maxConnections && !this.closeIdle(1)) return undefined;
    const c: TrackedConnection = {
      active: 0,
      served: false,
      lastMs: this.now(),
      abort: new AbortController(),
    };
    this.open.add(c);
    return c;
  }

  /** Forgets a connection that has ended, or is draining (never to be aborted from now on). */
  release(c: TrackedConnection): void {
    this.open.delete(c);
  }

  /** Closes `c` after `ms`, unless it has ended or is draining by then. */
  closeLater(c: TrackedConnection, ms: number): void {
    const timer = setTimeout(() => {
      if (this.open.has(c)) this.close(c);
    }, ms);
    Deno.unrefTimer(timer);
  }

  /** Open connections with a request in hand. */
  busy(): TrackedConnection[] {
    return [...this.open].filter((c) => c.active > 0);
  }

  /** Closes up to `count` idle connections, longest idle first; returns how many it closed. */
  closeIdle(count: number): number {
    if (count === 1) {
      let oldest: TrackedConnection | undefined;
      for (const c of this.open) {
        if (c.active === 0 && (!oldest || c.lastMs < oldest.lastMs)) oldest = c;
      }
      if (oldest) this.close(oldest);
      return oldest ? 1 : 0;
    }
    const idle = [...this.open].filter((c) => c.active === 0).sort((a, b) => a.lastMs - b.lastMs);
    const closing = idle.slice(0, count);
    for (const c of closing) this.close(c);
    return closing.length;
  }

  /** Closes every idle connection at once. */
  closeAllIdle(): void {
    for (const c of [...this.open]) if (c.active === 0) this.close(c);
  }

  /** Stops the sweep. */
  stop(): void {
    clearInterval(this.sweeper);
  }

  /** Closes the connections past their timeout. */
  sweep(): void {
    const now = this.now();
    const { headerTimeoutMs, idleTimeoutMs } = this.limits;
    for (const c of this.open) {
      if (c.active > 0) continue;
      if (now - c.lastMs > (c.served ? idleTimeoutMs : headerTimeoutMs)) this.close(c);
    }
  }

  private close(c: TrackedConnection) {
    this.open.delete(c);
    c.abort.abort();
  }
}

/** The default cap: three quarters of the process's open-file limit, between 16 and 10,000. */
export function defaultMaxConnections(): number {
  const limit = openFileLimit();
  if (limit === undefined) return 1_000;
  return Math.max(16, Math.min(10_000, Math.floor(limit * 0.75)));
}

/**
 * The soft `RLIMIT_NOFILE` from /proc (Linux), when it may be read without a prompt. By pid, as
 * Deno asks for --allow-all to read /proc/self.
 */
function openFileLimit(): number | undefined {
  const path = `/proc/${Deno.pid}/limits`;
  if (Deno.build.os !== "linux") return undefined;
  if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.PermissionDenied ||
      e instanceof Deno.errors.NotCapable
    ) {
      return undefined;
    }
    throw e;
  }
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
}
