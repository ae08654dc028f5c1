/** A clock tests move by hand, so backoff, throttle and dedupe windows need no sleeping. */
export class ManualClock {
  constructor(public time = Date.UTC(2026, 7, 24, 10, 0, 0)) {}

  /** The current time in milliseconds; pass `clock.now` wherever a `now()` is injected. */
  now = (): number => this.time;

  /** Moves time forward. */
  advance(ms: number): void {
    this.time += ms;
  }
}
