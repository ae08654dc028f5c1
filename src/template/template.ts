/**
 * `{{ }}` templates: compiled once with JSONata when rules load, rendered per event.
 *
 * A string that is exactly one `{{ }}` keeps the value's type (number, list, object); any other
 * string with templates is stringified (objects and lists as JSON, a missing value as "").
 * Subtrees without templates compile to literals and cost nothing to render.
 */
import jsonata from "jsonata";
import { type FieldPath, formatFieldPath } from "./field_path.ts";
import { splitTemplate, TemplateSyntaxError } from "./parse.ts";
import { toPlainValue } from "./plain_value.ts";
import { compileFastPath, DEFER } from "./fast_path.ts";

/** A compiled JSONata expression. */
export interface Expression {
  /** What JSONata's `evaluate` returns for `input`, by the fast path where it applies. */
  evaluate(input: unknown, bindings?: Record<string, unknown>): Promise<unknown>;
}

type Piece = string | { expr: Expression; source: string };

/** A value tree ready to render: literal parts are kept, expressions precompiled. */
export type Template =
  | { kind: "literal"; value: unknown }
  | { kind: "expr"; expr: Expression; source: string }
  | { kind: "concat"; pieces: Piece[] }
  | { kind: "object"; entries: [string, Template][] }
  | { kind: "array"; items: Template[] };

/** A template that does not compile; `index` is the offset of the fault in the string at `path`. */
export interface TemplateProblem {
  path: FieldPath;
  index: number;
  message: string;
}

/** A template that failed while rendering, naming the field and expression at fault. */
export class TemplateRenderError extends Error {
  constructor(readonly path: FieldPath, readonly source: string, cause: unknown) {
    super(`${formatFieldPath(path)}: {{${source}}} failed: ${describeJsonataError(cause)}`, {
      cause,
    });
    this.name = "TemplateRenderError";
  }
}

/** What a render sees besides its input: JSONata variable bindings and an optional escaper. */
export interface RenderOptions {
  bindings?: Record<string, unknown>;
  /**
   * Applied to every value an expression produces (never to the rule author's literal text),
   * e.g. Slack's `&<>` escaping. A value embedded in a longer string is passed as that string,
   * with `before`, the string rendered so far (so an escaper can tell its context, e.g. inside
   * quotes the author wrote).
   */
  escape?: (value: unknown, path: FieldPath, before: string) => unknown;
  /** Told of each template whose whole value found nothing (its key is then left out). */
  onMissing?: (path: FieldPath, source: string) => void;
}

/** Compiles a JSONata expression, or returns the problem with its offset in `source`. */
export function compileExpression(
  source: string,
): { expr: Expression } | { message: string; index: number } {
  try {
    return { expr: withFastPath(jsonata(source)) };
  } catch (e) {
    const position = (e as { position?: number }).position;
    return {
      message: `invalid JSONata: ${describeJsonataError(e)}`,
      index: typeof position === "number" ? Math.max(0, position - 1) : 0,
    };
  }
}

/** The JSONata expression, evaluated by {@link compileFastPath}'s function when it is simple. */
function withFastPath(expr: ReturnType<typeof jsonata>): Expression {
  const fast = compileFastPath(expr.ast());
  if (!fast) return expr;
  return {
    evaluate(input, bindings) {
      const value = fast(input, bindings);
      return value === DEFER ? expr.evaluate(input, bindings) : Promise.resolve(value);
    },
  };
}

/**
 * How a template's strings are taken: `text` maps the literal text around `{{ }}` (e.g. to keep
 * `${VAR}` references), `expr` maps each expression's source (e.g. to resolve them).
 */
export interface CompileOptions {
  text?: (text: string) => string;
  expr?: (source: string) => string;
}

/** Compiles every `{{ }}` in a value tree (strings, lists and mappings, any depth). */
export function compileTemplate(
  value: unknown,
  path: FieldPath = [],
  options: CompileOptions = {},
): { template: Template; problems: TemplateProblem[] } {
  const problems: TemplateProblem[] = [];
  const template = compileNode(value, path, problems, options);
  return { template, problems };
}

function compileNode(
  value: unknown,
  path: FieldPath,
  problems: TemplateProblem[],
  options: CompileOptions,
): Template {
  if (typeof value === "string") return compileString(value, path, problems, options);
  const literal = (t: Template) => (t as { value: unknown }).value;
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileNode(v, [...path, i], problems, options));
    return items.every((t) => t.kind === "literal")
      ? { kind: "literal", value: items.map(literal) }
      : { kind: "array", items };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]): [string, Template] => [
      k,
      compileNode(v, [...path, k], problems, options),
    ]);
    return entries.every(([, t]) => t.kind === "literal")
      ? { kind: "literal", value: Object.fromEntries(entries.map(([k, t]) => [k, literal(t)])) }
      : { kind: "object", entries };
  }
  return { kind: "literal", value };
}

function compileString(
  text: string,
  path: FieldPath,
  problems: TemplateProblem[],
  options: CompileOptions,
): Template {
  let parts;
  try {
    parts = splitTemplate(text);
  } catch (e) {
    if (!(e instanceof TemplateSyntaxError)) throw e;
    problems.push({ path, index: e.index, message: e.message });
    return { kind: "literal", value: options.text ? options.text(text) : text };
  }
  const pieces: Piece[] = [];
  for (const part of parts) {
    if (part.kind === "text") {
      pieces.push(options.text ? options.text(part.text) : part.text);
      continue;
    }
    const source = options.expr ? options.expr(part.source) : part.source;
    const compiled = compileExpression(source);
    if ("expr" in compiled) pieces.push({ expr: compiled.expr, source });
    else problems.push({ path, index: part.offset + compiled.index, message: compiled.message });
  }
  if (pieces.length === 1 && typeof pieces[0] === "object") {
    return { kind: "expr", ...pieces[0] };
  }
  if (pieces.every((p) => typeof p === "string")) {
    return { kind: "literal", value: (pieces as string[]).join("") };
  }
  return { kind: "concat", pieces };
}

/** Renders a compiled template against `input`; throws {@link TemplateRenderError}. */
export async function renderTemplate(
  template: Template,
  input: unknown,
  options: RenderOptions = {},
  path: FieldPath = [],
): Promise<unknown> {
  switch (template.kind) {
    case "literal":
      return template.value;
    case "expr": {
      const v = await evaluate(template.expr, template.source, input, options, path);
      if (v === undefined) options.onMissing?.(path, template.source);
      return options.escape && v !== undefined ? options.escape(v, path, "") : v;
    }
    case "concat":
      return await renderConcat(template.pieces, input, options, path);
    case "array": {
      const items = [];
      for (let i = 0; i < template.items.length; i++) {
        const v = await renderTemplate(template.items[i], input, options, [...path, i]);
        items.push(v === undefined ? null : v);
      }
      return items;
    }
    case "object":
      return await renderObject(template.entries, input, options, path);
  }
}

async function renderObject(
  entries: [string, Template][],
  input: unknown,
  options: RenderOptions,
  path: FieldPath,
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [key, t] of entries) {
    const v = await renderTemplate(t, input, options, [...path, key]);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

async function renderConcat(
  pieces: Piece[],
  input: unknown,
  options: RenderOptions,
  path: FieldPath,
): Promise<string> {
  let out = "";
  for (const piece of pieces) {
    if (typeof piece === "string") {
      out += piece;
      continue;
    }
    const text = stringify(await evaluate(piece.expr, piece.source, input, options, path));
    out += options.escape ? String(options.escape(text, path, out)) : text;
  }
  return out;
}

async function evaluate(
  expr: Expression,
  source: string,
  input: unknown,
  options: RenderOptions,
  path: FieldPath,
): Promise<unknown> {
  try {
    return toPlainValue(await expr.evaluate(input, options.bindings));
  } catch (e) {
    throw new TemplateRenderError(path, source, e);
  }
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** JSONata errors carry a code, a message and sometimes a token; this says it in one line. */
export function describeJsonataError(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) {
    const { message, code } = e as { message: string; code?: string };
    return code ? `${message} (${code})` : message;
  }
  return String(e);
}
