/** A sleep that ends early when someone calls {@link Wakeup.notify} (new work arrived). */
export class Wakeup {
  private waiters: (() => void)[] = [];
  private pending = false;

  /** Ends the current (or, if none, the next) wait. */
  notify(): void {
    if (this.waiters.length === 0) this.pending = true;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits up to `ms`, or less if notified. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }
}
