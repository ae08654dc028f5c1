/** At most N requests in flight per host, so one slow partner cannot take every worker. */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perHost: number) {}

  /** Waits for a slot on `host`; resolves to its release, or undefined if `signal` aborts first. */
  async acquire(host: string, signal: AbortSignal): Promise<(() => void) | undefined> {
    while ((this.active.get(host) ?? 0) >= this.perHost) {
      if (signal.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const queue = this.waiting.get(host) ?? [];
        this.waiting.set(host, queue);
        const wake = () => {
          signal.removeEventListener("abort", wake);
          const i = queue.indexOf(wake);
          if (i >= 0) queue.splice(i, 1);
          resolve();
        };
        queue.push(wake);
        signal.addEventListener("abort", wake, { once: true });
      });
    }
    if (signal.aborted) return undefined;
    this.active.set(host, (this.active.get(host) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.active.get(host) ?? 1) - 1;
      if (left === 0) this.active.delete(host);
      else this.active.set(host, left);
      this.waiting.get(host)?.shift()?.();
    };
  }
}
