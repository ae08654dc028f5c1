/**
 * How store calls cross to the SQLite worker. Most arguments go as they are (structured clone);
 * rule plans and decision records go as JSON text: they are stored as JSON anyway, and one string
 * clones in a fraction of the time of the object graph it encodes (a decision record of 17 rules
 * with their traces: 10.6 µs as objects, 1.3 µs to stringify, measured on this machine).
 */

/** Per method, the positions of its arguments sent as JSON. */
const JSON_ARGUMENTS: Readonly<Record<string, readonly number[]>> = {
  putDispatchedEvent: [1, 2],
  completeDispatch: [1, 2],
  redispatch: [1, 2],
};

/** The arguments of `method` as they are posted to the worker. */
export function encodeArgs(method: string, args: unknown[]): unknown[] {
  const positions = JSON_ARGUMENTS[method];
  if (!positions) return args;
  const out = args.slice();
  for (const i of positions) if (out[i] !== undefined) out[i] = JSON.stringify(out[i]);
  return out;
}

/** The arguments of `method` as the worker received them, decoded for the store. */
export function decodeArgs(method: string, args: unknown[]): unknown[] {
  const positions = JSON_ARGUMENTS[method];
  if (!positions) return args;
  const out = args.slice();
  for (const i of positions) if (typeof out[i] === "string") out[i] = JSON.parse(out[i] as string);
  return out;
}
