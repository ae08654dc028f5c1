/**
 * A reading taken at most once per interval: `/metrics` and `/readyz` are unauthenticated, and
 * the store's counts behind them cost a query each (45 ms with a million dead letters), so every
 * caller within `ms` shares one reading. A failed reading is shared too, then retried.
 */
export function cached<T>(read: () => Promise<T>, ms: number, now: () => number = Date.now) {
  let value: Promise<T> | undefined;
  let at = -Infinity;
  return (): Promise<T> => {
    if (value === undefined || now() - at >= ms) {
      at = now();
      value = read();
    }
    return value;
  };
}
