/** A clock tests move by hand, so backoff, throttle and dedupe windows need no sleeping. */
export class ManualClock {
  private shared?: Float64Array;

  constructor(public time = Date.UTC(2026, 7, 24, 10, 0, 0)) {}

  /** The current time in milliseconds; pass `clock.now` wherever a `now()` is injected. */
  now = (): number => this.time;

  /** Moves time forward. */
  advance(ms: number): void {
    this.time += ms;
    if (this.shared) this.shared[0] = this.time;
  }

  /** Mirrors the time into `cell` (shared memory), for a store running in a worker. */
  share(cell: Float64Array): void {
    this.shared = cell;
    cell[0] = this.time;
  }
}
