/**
 * Checks the field paths a rule reads (its `if`, `throttle.key`, every `{{ }}` in its actions)
 * against the catalogue's shapes of the rule's `on` types, so `coment.text` is caught by
 * `validate` instead of silently never matching. Unknown paths are warnings with the closest
 * known path; `validate --strict` makes them errors.
 */
import jsonata from "jsonata";
import type { EventShape } from "../event/shape.ts";
import { envelopeFields } from "../event/catalogue.ts";
import { type FieldPath, formatFieldPath } from "../template/field_path.ts";
import { splitTemplate } from "../template/parse.ts";
import { fieldPaths, type FieldRef } from "./field_paths.ts";
import type { PathScope } from "./path_scope.ts";
import type { Problem } from "./problem.ts";
import type { SourceFile } from "./source.ts";
import { closestMatch } from "./suggest.ts";

/**
 * The rule keys that hold one JSONata expression over the event. A new key (`group.key`) is one
 * more line here.
 */
export const EXPRESSION_KEYS: readonly FieldPath[] = [
  ["if"],
  ["throttle", "key"],
  ["group", "key"],
];

/** Action parameters that are not rendered templates. */
const NOT_TEMPLATES = new Set(["retry", "timeout"]);

/** At most this many path warnings per rule (a broken path is usually repeated). */
const MAX_WARNINGS = 20;

/** One unknown path: where it starts in the expression and what to say. */
export interface PathWarning {
  index: number;
  message: string;
}

/** Every unknown field path in a rule, as warnings at their exact positions. */
export function checkRulePaths(data: unknown, source: SourceFile, scope: PathScope): Problem[] {
  const problems: Problem[] = [];
  const budget = { left: MAX_WARNINGS };
  const rule = data as Record<string, unknown>;
  for (const key of EXPRESSION_KEYS) {
    const text = valueAt(rule, key);
    if (typeof text !== "string") continue;
    for (const w of checkExpression(text, scope, budget)) {
      problems.push(source.warningInString(key, w.index, `${formatFieldPath(key)}: ${w.message}`));
    }
  }
  const actions = Array.isArray(rule.do) ? rule.do : [];
  actions.forEach((item, index) => {
    if (!item || typeof item !== "object" || Array.isArray(item)) return;
    for (const [name, params] of Object.entries(item)) {
      if (!params || typeof params !== "object") continue;
      for (const [key, value] of Object.entries(params)) {
        if (NOT_TEMPLATES.has(key)) continue;
        strings(value, ["do", index, name, key], (path, text) => {
          for (const w of checkTemplate(text, scope, budget)) {
            problems.push(
              source.warningInString(path, w.index, `${formatFieldPath(path)}: ${w.message}`),
            );
          }
        });
      }
    }
  });
  return problems;
}

/** How many more warnings may be reported; shared by the checks of one rule. */
export interface WarningBudget {
  left: number;
}

/** Unknown paths in every `{{ }}` of one string; offsets are in the string. */
export function checkTemplate(
  text: string,
  scope: PathScope,
  budget: WarningBudget = { left: MAX_WARNINGS },
): PathWarning[] {
  if (!text.includes("{{")) return [];
  let parts;
  try {
    parts = splitTemplate(text);
  } catch {
    return []; // a template that does not split is reported as an error by compilation
  }
  const out: PathWarning[] = [];
  for (const part of parts) {
    if (part.kind !== "expr" || budget.left <= 0) continue;
    for (const w of checkExpression(part.source, scope, budget)) {
      out.push({ index: part.offset + w.index, message: w.message });
    }
  }
  return out;
}

/** Unknown paths in one JSONata expression; offsets are in `text`. */
export function checkExpression(
  text: string,
  scope: PathScope,
  budget: WarningBudget = { left: MAX_WARNINGS },
): PathWarning[] {
  if (budget.left <= 0) return [];
  let ast;
  try {
    ast = jsonata(text).ast();
  } catch {
    return []; // syntax errors are reported by compilation, with their position
  }
  const out: PathWarning[] = [];
  const seen = new Set<string>();
  for (const ref of fieldPaths(ast, text)) {
    if (budget.left <= 0) break;
    const message = ref.scope === "envelope" ? checkEnvelope(ref) : checkEvent(ref, scope);
    if (!message || seen.has(`${ref.start}:${message}`)) continue;
    seen.add(`${ref.start}:${message}`);
    out.push({ index: ref.start, message });
    budget.left--;
  }
  return out;
}

function checkEnvelope(ref: FieldRef): string | undefined {
  const [first, ...rest] = ref.segments;
  if (Object.hasOwn(envelopeFields, first) && rest.length === 0) return undefined;
  const written = shorten(`$event.${displayPath(ref.segments)}`);
  const known = Object.hasOwn(envelopeFields, first)
    ? undefined
    : closestMatch(first, Object.keys(envelopeFields));
  const hint = known ? ` (did you mean $event.${known}?)` : "";
  return `${written} is not a field of $event (id, type, source, received_at, attempt, known)${hint}`;
}

function checkEvent(ref: FieldRef, scope: PathScope): string | undefined {
  let deepest = -1;
  for (const shape of scope.shapes) {
    const failedAt = walk(shape, ref.segments);
    if (failedAt < 0) return undefined;
    deepest = Math.max(deepest, failedAt);
  }
  // A fault in the surrounding step is reported there, once.
  if (deepest < ref.inherited) return undefined;
  const written = shorten(displayPath(ref.segments));
  const hint = suggestion(ref.segments, deepest, scope.shapes);
  return `${written} is not a field of ${scope.describe}` +
    (hint ? ` (did you mean ${hint}?)` : "");
}

/** The index of the first segment `shape` does not know, or -1 when the path is fine. */
function walk(shape: EventShape, segments: readonly string[]): number {
  let key = "";
  for (let i = 0; i < segments.length; i++) {
    const step = shape.step(key, segments[i]);
    if (step.kind === "open") return -1;
    if (step.kind === "unknown") return i;
    key = step.key;
  }
  return -1;
}

/**
 * The closest known path: first among paths as deep as the one written that agree with it up to
 * the faulty segment, then among those that end at it. Map keys (`*`) take the written word.
 */
function suggestion(
  segments: readonly string[],
  failedAt: number,
  shapes: readonly EventShape[],
): string | undefined {
  const written = displayPath(segments);
  if (written.length > 200) return undefined;
  for (const depth of [segments.length, failedAt + 1]) {
    const candidates = new Set<string>();
    for (const shape of shapes) {
      for (const key of shape.keys()) {
        const parts = splitKey(key);
        if (parts.length !== depth) continue;
        let ok = true;
        for (let i = 0; i < failedAt && ok; i++) ok = parts[i] === "*" || parts[i] === segments[i];
        if (!ok) continue;
        candidates.add(displayPath(parts.map((p, i) => p === "*" ? segments[i] ?? p : p)));
      }
    }
    const target = depth === segments.length ? written : displayPath(segments.slice(0, depth));
    const best = closestMatch(target, candidates);
    if (best) return best;
  }
  return undefined;
}

/** A path cut to a readable length for a message. */
function shorten(path: string): string {
  return path.length > 120 ? `${path.slice(0, 120)}…` : path;
}

/** A path as JSONata would write it: names that are not plain words in backticks. */
export function displayPath(segments: readonly string[]): string {
  return segments.map((s) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : `\`${s}\``).join(".");
}

/** The segments of a catalogue path key (`a.\`b.c\`.*`). */
function splitKey(key: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= key.length) {
    if (key[i] === "`") {
      let j = i + 1;
      let seg = "";
      for (; j < key.length; j++) {
        if (key[j] === "`" && key[j + 1] === "`") {
          seg += "`";
          j++;
        } else if (key[j] === "`") break;
        else seg += key[j];
      }
      out.push(seg);
      i = j + 2;
    } else {
      const dot = key.indexOf(".", i);
      const end = dot < 0 ? key.length : dot;
      out.push(key.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

function valueAt(data: Record<string, unknown>, path: FieldPath): unknown {
  let v: unknown = data;
  for (const seg of path) {
    if (!v || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

function strings(value: unknown, path: FieldPath, visit: (p: FieldPath, s: string) => void): void {
  if (typeof value === "string") visit(path, value);
  else if (Array.isArray(value)) value.forEach((v, i) => strings(v, [...path, i], visit));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) strings(v, [...path, k], visit);
  }
}
