/**
 * Turns a JSONata result into plain JSON data: JSONata marks its result arrays with extra
 * properties and may return functions, neither of which belongs in an action's parameters.
 */
export function toPlainValue(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  }
  if (Array.isArray(value)) {
    return value.map((v) => {
      const plain = toPlainValue(v);
      return plain === undefined ? null : plain;
    });
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const plain = toPlainValue(v);
    if (plain !== undefined) out[k] = plain;
  }
  return out;
}
