/**
 * `${VAR}` and `${VAR:-default}` interpolation, applied to rule and config files when they load.
 *
 * `$${` writes a literal `${`. A malformed reference is reported rather than left in place, so a
 * typo such as `${TOKEN-x}` never reaches a destination as literal text.
 */

/**
 * Reads one environment variable; `undefined` when it is not set. `refusal`, when present, says
 * why a variable may not be read at all (a rule asking for sluice's own secret).
 */
export type EnvLookup = ((name: string) => string | undefined) & {
  refusal?: (name: string) => string | undefined;
};

/** Why one reference could not be resolved; `index` is its offset in the input text. */
export interface EnvProblem {
  index: number;
  message: string;
}

/** The interpolated text, whether any reference was replaced, and the references at fault. */
export interface EnvResult {
  value: string;
  changed: boolean;
  problems: EnvProblem[];
}

const REFERENCE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/;

/** Replaces every `${VAR}` in `text` from `env`; a variable that is unset and has no default is a problem. */
export function interpolateEnv(text: string, env: EnvLookup): EnvResult {
  if (!text.includes("${")) return { value: text, changed: false, problems: [] };
  let out = "";
  const problems: EnvProblem[] = [];
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("$", i);
    if (at < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, at);
    if (text.startsWith("$${", at)) {
      out += "${";
      i = at + 3;
      continue;
    }
    if (!text.startsWith("${", at)) {
      out += "$";
      i = at + 1;
      continue;
    }
    const m = REFERENCE.exec(text.slice(at));
    if (!m) {
      problems.push({
        index: at,
        message:
          'malformed environment reference: use ${NAME} or ${NAME:-default} (write "$${" for a literal "${")',
      });
      out += "${";
      i = at + 2;
      continue;
    }
    const [whole, name, fallback] = m;
    const refused = env.refusal?.(name);
    if (refused) {
      problems.push({ index: at, message: refused });
      out += "";
      i = at + whole.length;
      continue;
    }
    const found = env(name);
    if (found !== undefined && found !== "") out += found;
    else if (fallback !== undefined) out += fallback;
    else if (found === "") out += "";
    else problems.push({ index: at, message: `environment variable ${name} is not set` });
    i = at + whole.length;
  }
  return { value: out, changed: true, problems };
}

/** The process environment as an {@link EnvLookup}. */
export const processEnv: EnvLookup = (name) => Deno.env.get(name);
