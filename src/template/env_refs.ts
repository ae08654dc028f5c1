/**
 * `${VAR}` references kept in rendered action parameters, so the store never holds the values
 * (bearer tokens, webhook URLs, SMTP passwords): they are resolved when a delivery is sent.
 *
 * The stored form is text where `${NAME}` and `${NAME:-default}` are references, `$$` is one
 * literal `$`, and any other `$` is itself. The rule author's literal text is turned into that
 * form when rules load ({@link keepRefs}); every value an event produces has each `$` doubled
 * ({@link escapeRefs}), so an event can never write a reference.
 */
import type { EnvLookup } from "./env.ts";

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/y;

/** The names of the `${NAME}` references in `text` (as written; `$${` is not one). */
export function refNames(text: string): string[] {
  const names: string[] = [];
  for (let at = text.indexOf("${"); at >= 0; at = text.indexOf("${", at + 2)) {
    if (at > 0 && text[at - 1] === "$") continue;
    REFERENCE.lastIndex = at;
    const m = REFERENCE.exec(text);
    if (m) names.push(m[1]);
  }
  return names;
}

/** A value from an event, in the stored form: it reads back exactly as it was. */
export function escapeRefs(text: string): string {
  return text.includes("$") ? text.replaceAll("$", "$$$$") : text;
}

/** Every string inside `value` escaped with {@link escapeRefs} (mapping keys are never resolved). */
export function escapeRefsDeep(value: unknown): unknown {
  if (typeof value === "string") return escapeRefs(value);
  if (Array.isArray(value)) return value.map(escapeRefsDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeRefsDeep(v)]));
  }
  return value;
}

/**
 * The rule author's literal text (as written, before interpolation) in the stored form:
 * references kept, `$${` (a literal `${`) kept, any other `$` doubled.
 */
export function keepRefs(text: string): string {
  if (!text.includes("$")) return text;
  let out = "";
  for (let i = 0; i < text.length;) {
    const at = text.indexOf("$", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text.startsWith("$${", at)) {
      out += "$${";
      i = at + 3;
      continue;
    }
    REFERENCE.lastIndex = at;
    const m = REFERENCE.exec(text);
    if (m) {
      out += m[0];
      i = at + m[0].length;
    } else {
      out += "$$";
      i = at + 1;
    }
  }
  return out;
}

/**
 * How references are read back: `send` (values), `show` (the reference text, never a value), or
 * `display` (values, except variables whose names look secret, which stay references).
 */
export type RefMode = "send" | "show" | "display";

const SECRET_NAME =
  /SECRET|TOKEN|PASS|PWD|KEY|AUTH|CREDENTIAL|PRIVATE|WEBHOOK|DSN|COOKIE|SIG|CERT|SESSION/i;

/** Whether a variable's name says it holds a secret (`SLACK_TOKEN`, `PARTNER_API_KEY`, …). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The text of stored-form `text` for `mode`, the values used, and any variable not set. */
export function resolveRefs(
  text: string,
  env: EnvLookup,
  mode: RefMode = "send",
): { value: string; used: { name: string; value: string }[]; missing?: string } {
  const used: { name: string; value: string }[] = [];
  if (!text.includes("$")) return { value: text, used };
  let out = "";
  for (let i = 0; i < text.length;) {
    const at = text.indexOf("$", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text[at + 1] === "$") {
      out += "$";
      i = at + 2;
      continue;
    }
    REFERENCE.lastIndex = at;
    const m = text[at + 1] === "{" ? REFERENCE.exec(text) : null;
    if (!m) {
      out += "$";
      i = at + 1;
      continue;
    }
    i = at + m[0].length;
    const [, name, fallback] = m;
    if (mode === "show" || (mode === "display" && isSecretName(name))) {
      out += m[0];
      continue;
    }
    const found = env.refusal?.(name) ? undefined : env(name);
    if (found !== undefined && found !== "") {
      out += found;
      used.push({ name, value: found });
    } else if (fallback !== undefined) out += fallback;
    else if (found === "") out += "";
    else return { value: out, used, missing: name };
  }
  return { value: out, used };
}

/** Parameters with every string read back for `mode`; a variable not set is named. */
export function resolveParams(
  params: Record<string, unknown>,
  env: EnvLookup,
  mode: RefMode = "send",
): { params: Record<string, unknown>; used: { name: string; value: string }[]; missing?: string } {
  const used: { name: string; value: string }[] = [];
  let missing: string | undefined;
  const walk = (value: unknown): unknown => {
    if (typeof value === "string") {
      const r = resolveRefs(value, env, mode);
      used.push(...r.used);
      missing ??= r.missing;
      return r.value;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  return { params: walk(params) as Record<string, unknown>, used, missing };
}
