/**
 * Calls made in the same turn of the event loop, run as one batch: the store completes the
 * dispatches and records the delivery results that arrive together in a few set-based statements
 * instead of one transaction's worth of statements each.
 */
import { setImmediate } from "node:timers";

/**
 * Collects inputs until the end of the turn; `run` gets every input and answers one output per
 * input, in order; if it fails, every call fails with its error.
 */
export class SameTurnBatch<I, O> {
  private pending: { input: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];

  constructor(private readonly run: (batch: I[]) => Promise<O[]>) {}

  /** Adds `input` to the batch of this turn; resolves with its output. */
  add(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush() {
    const batch = this.pending.splice(0);
    this.run(batch.map((p) => p.input)).then(
      (outputs) => batch.forEach((p, i) => p.resolve(outputs[i])),
      (e) => batch.forEach((p) => p.reject(e)),
    );
  }
}
