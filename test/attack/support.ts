/**
 * Tools for attacking a real `sluice run` over sockets: its resident memory, raw connections that
 * send what they like when they like, and timing. Bounds in the attack tests sit about 20× above
 * what a normal run measures, so a noisy shared machine cannot fail them.
 */

/**
 * Resident memory of a process, in MB, from `ps` (Deno reads another process's /proc files only
 * with --allow-all, and the test task's permissions are narrower).
 */
export async function rssMB(pid: number): Promise<number> {
  const kb = Number((await ps(pid, "rss")).trim());
  if (!Number.isFinite(kb) || kb === 0) throw new Error(`no resident size for process ${pid}`);
  return kb / 1024;
}

/** Whether a process is running (not gone, not a zombie). */
export async function isAlive(pid: number): Promise<boolean> {
  const state = (await ps(pid, "stat")).trim();
  return state !== "" && !state.startsWith("Z");
}

async function ps(pid: number, field: string): Promise<string> {
  const out = await new Deno.Command("ps", { args: ["-o", `${field}=`, "-p", String(pid)] })
    .output();
  return new TextDecoder().decode(out.stdout);
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

/** `http://127.0.0.1:PORT` to its port. */
export function portOf(url: string): number {
  return Number(new URL(url).port);
}

/** A raw TCP connection to sluice that records what comes back and when it is closed. */
export class RawClient {
  /** Everything received so far. */
  received = "";
  /** Milliseconds from connect to the server closing the connection. */
  closedAfterMs?: number;
  readonly closed: Promise<void>;
  private readonly started = performance.now();

  private constructor(readonly conn: Deno.Conn) {
    this.closed = this.read();
  }

  /** Connects to 127.0.0.1:port. */
  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Connects to 127.0.0.1:port over TLS (HTTP/1.1), trusting `caCerts`. */
  static async connectTls(port: number, caCerts: string[]): Promise<RawClient> {
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts });
    await conn.handshake();
    return new RawClient(conn);
  }

  private async read() {
    const buf = new Uint8Array(16_384);
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const n = await this.conn.read(buf);
        if (n === null) break;
        this.received += decoder.decode(buf.subarray(0, n));
      }
    } catch (e) {
      // A reset counts as closed, which is what these tests look for; Interrupted and
      // BadResource mean this side closed it.
      if (
        !(e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.BadResource ||
          e instanceof Deno.errors.Interrupted || e instanceof Deno.errors.UnexpectedEof)
      ) throw e;
    }
    this.closedAfterMs = performance.now() - this.started;
  }

  /** Sends text; false if the server has already closed the connection. */
  async send(text: string): Promise<boolean> {
    try {
      await this.conn.write(new TextEncoder().encode(text));
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.BrokenPipe || e instanceof Deno.errors.ConnectionReset) {
        return false;
      }
      throw e;
    }
  }

  /** Sends `text` one character every `everyMs`, until done or the server closes. */
  async drip(text: string, everyMs: number): Promise<void> {
    for (const ch of text) {
      if (this.closedAfterMs !== undefined || !(await this.send(ch))) return;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** The status code of the first response, if one came. */
  get status(): number | undefined {
    const m = /^HTTP\/1\.1 (\d{3})/.exec(this.received);
    return m ? Number(m[1]) : undefined;
  }

  /** Resolves once closed, or after `ms` (then `closedAfterMs` is still undefined). */
  async waitClosed(ms: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.closed, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
  }

  /** Closes from this side (if still open). */
  close(): void {
    try {
      this.conn.close();
    } catch (e) {
      if (!(e instanceof Deno.errors.BadResource)) throw e;
    }
  }
}

/** GET /healthz with a timeout: the status, or the error's name if it did not answer. */
export async function health(url: string, timeoutMs = 5_000): Promise<number | string> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.status;
  } catch (e) {
    return e instanceof Error ? e.name : String(e);
  }
}

/** A gzip body of `mib` MiB of zeros: about 1 KB per MiB. */
export async function gzipBomb(mib: number): Promise<Uint8Array<ArrayBuffer>> {
  const zeros = new Uint8Array(1 << 20);
  const gzip = new CompressionStream("gzip");
  const writer = gzip.writable.getWriter();
  const writing = (async () => {
    for (let i = 0; i < mib; i++) await writer.write(zeros);
    await writer.close();
  })();
  const bytes = new Uint8Array(await new Response(gzip.readable).arrayBuffer());
  await writing;
  return bytes;
}
