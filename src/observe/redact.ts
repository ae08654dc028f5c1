/**
 * The one place secrets are masked before anything is shown or stored for people: `match` and
 * `test` output, logs, dead letters and the admin API all go through here.
 */
import type { FieldPath } from "../template/field_path.ts";
import { maskSecretShapes } from "./secret_shapes.ts";

/** What a masked value is replaced with. */
export const REDACTED = "[redacted]";

/**
 * Whether `path` (relative to an action's parameters) names a secret, given the action's
 * dotted `secretKeys` (e.g. `webhook_url`, `headers.authorization`). Case-insensitive, because
 * header names are.
 */
export function isSecretPath(path: FieldPath, secretKeys: readonly string[]): boolean {
  const dotted = path.map(String).join(".").toLowerCase();
  return secretKeys.some((k) => dotted === k || dotted.startsWith(`${k}.`));
}

/** A copy of an action's parameters with every secret value masked. */
export function redactParams(
  params: Record<string, unknown>,
  secretKeys: readonly string[],
): Record<string, unknown> {
  if (secretKeys.length === 0) return params;
  return redactNode(params, [], secretKeys) as Record<string, unknown>;
}

function redactNode(value: unknown, path: (string | number)[], keys: readonly string[]): unknown {
  if (path.length > 0 && isSecretPath(path, keys)) return REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => redactNode(v, [...path, i], keys));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, redactNode(v, [...path, k], keys)]),
    );
  }
  return value;
}

/**
 * Masks URLs' credentials and well-known token shapes inside free text such as error messages.
 * Linear in the text's length (plain scanning, no backtracking regex): it runs on text an
 * attacker may have written.
 */
export function redactText(text: string): string {
  return maskSecretShapes(text);
}

/** The values at secret paths of an action's parameters (to mask wherever they turn up). */
export function secretValues(
  params: Record<string, unknown> | null,
  secretKeys: readonly string[],
): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    if (path.length > 0 && isSecretPath(path, secretKeys)) {
      if (typeof value === "string" && value.length >= 4) found.push(value, ...urlParts(value));
      return;
    }
    if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  if (params) walk(params, []);
  return found;
}

/** A secret URL's path and credentials, which a server may echo without the rest. */
function urlParts(value: string): string[] {
  try {
    const url = new URL(value);
    return [url.pathname + url.search, url.password].filter((p) => p.length >= 8);
  } catch {
    return [];
  }
}

/** Replaces every occurrence of the given secret values in `text`. */
export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.replaceAll(s, REDACTED);
  return out;
}
