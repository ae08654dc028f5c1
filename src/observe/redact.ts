/**
 * The one place secrets are masked before anything is shown or stored for people: `match` and
 * `test` output, logs, dead letters and the admin API all go through here.
 */
import type { FieldPath } from "../template/field_path.ts";
import { maskSecretShapes } from "./secret_shapes.ts";
import { resolveParams } from "../template/env_refs.ts";

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

/**
 * A copy of an action's parameters with every secret value masked: values at secret paths, and
 * URL credentials and token shapes anywhere else.
 */
export function redactParams(
  params: Record<string, unknown>,
  secretKeys: readonly string[],
): Record<string, unknown> {
  return redactNode(params, [], secretKeys) as Record<string, unknown>;
}

/**
 * Stored parameters as people see them (admin API, `dlq`, `inbox`): `${VAR}` references shown as
 * references (their values never leave the process), then {@link redactParams}.
 */
export function storedParamsView(
  params: Record<string, unknown>,
  envRefs: boolean | undefined,
  secretKeys: readonly string[],
): Record<string, unknown> {
  const shown = envRefs ? resolveParams(params, () => undefined, "show").params : params;
  return redactParams(shown, secretKeys);
}

function redactNode(value: unknown, path: (string | number)[], keys: readonly string[]): unknown {
  if (path.length > 0 && isSecretPath(path, keys)) return REDACTED;
  if (typeof value === "string") return redactText(value);
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

/** The shortest run of a secret that is masked wherever it appears (shorter secrets: whole). */
export const SECRET_RUN = 8;

const AUTH_SCHEME = /^(?:Bearer|Token|Basic|Bot|ApiKey)\s+/i;

/**
 * Masks in `text` every run of at least {@link SECRET_RUN} characters that appears in one of the
 * secrets, so a destination that echoes part of a credential (`invalid token abc…`) cannot get
 * it into errors, logs or the admin API. Linear: each window of the text is looked up in a set of
 * the secrets' windows. Secrets shorter than the run are masked where they appear whole.
 */
export function redactValues(text: string, secrets: readonly string[]): string {
  const windows = new Set<string>();
  let out = text;
  for (const raw of secrets) {
    const s = raw.replace(AUTH_SCHEME, "");
    if (s.length < SECRET_RUN) {
      if (s.length >= 4) out = out.replaceAll(s, REDACTED);
      continue;
    }
    for (let i = 0; i + SECRET_RUN <= s.length; i++) windows.add(s.slice(i, i + SECRET_RUN));
  }
  if (windows.size === 0 || out.length < SECRET_RUN) return out;
  let masked = "";
  let copied = 0;
  let coveredTo = -1;
  for (let i = 0; i + SECRET_RUN <= out.length; i++) {
    if (!windows.has(out.slice(i, i + SECRET_RUN))) continue;
    if (i > coveredTo) {
      masked += out.slice(copied, i) + REDACTED;
    }
    coveredTo = i + SECRET_RUN;
    copied = coveredTo;
  }
  return copied === 0 ? out : masked + out.slice(copied);
}
