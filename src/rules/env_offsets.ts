/**
 * After `${VAR}` interpolation a string is longer or shorter than the text in the file; this maps
 * each character of the interpolated string back to the character of the original it came from
 * (a replacement's characters to the `$` of its reference), so a `{{ }}` after `${BASE_URL}` is
 * still located exactly.
 */
import { type EnvLookup, interpolateEnv } from "../template/env.ts";

/**
 * For `original` (which interpolates without problems), the offset in `original` of each character
 * of the interpolated value, plus one entry for its end; undefined if the two cannot be aligned.
 */
export function interpolatedOffsets(original: string, env: EnvLookup): number[] | undefined {
  const offsets: number[] = [];
  let rebuilt = "";
  const add = (s: string, at: number, step: number) => {
    rebuilt += s;
    for (let k = 0; k < s.length; k++) offsets.push(at + k * step);
  };
  let i = 0;
  while (i < original.length) {
    const at = original.indexOf("$", i);
    if (at < 0) {
      add(original.slice(i), i, 1);
      break;
    }
    add(original.slice(i, at), i, 1);
    if (original.startsWith("$${", at)) {
      add("${", at + 1, 1);
      i = at + 3;
    } else if (original.startsWith("${", at)) {
      const close = original.indexOf("}", at);
      if (close < 0) return undefined;
      const one = interpolateEnv(original.slice(at, close + 1), env);
      if (one.problems.length) return undefined;
      add(one.value, at, 0);
      i = close + 1;
    } else {
      add("$", at, 1);
      i = at + 1;
    }
  }
  if (rebuilt !== interpolateEnv(original, env).value) return undefined;
  offsets.push(original.length);
  return offsets;
}
