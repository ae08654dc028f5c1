/**
 * Why an `if` was false: the condition split into the operands of its `and`/`or` (recursively),
 * each with its source text and, for one event, its value. The tree is built once when the rule
 * loads, from JSONata's own parse (operator positions), with each operand compiled; tracing an
 * event evaluates every operand (no short cut, so all are shown). Bounded: at most
 * {@link MAX_LEAVES} operands, values cut to a short preview.
 */
import jsonata from "jsonata";
import type { TraceNode } from "../delivery/decision.ts";
import type { Expression } from "../template/template.ts";
import { compileExpression, describeJsonataError } from "../template/template.ts";
import { toPlainValue } from "../template/plain_value.ts";

/** A condition's operand, compiled. */
export interface ExplainNode {
  source: string;
  expr: Expression;
  op?: "and" | "or";
  parts?: ExplainNode[];
}

const MAX_LEAVES = 16;
const MAX_DEPTH = 8;
const PREVIEW_CHARS = 200;

type Ast = {
  type?: string;
  value?: unknown;
  position?: number;
  lhs?: Ast;
  rhs?: Ast;
  expressions?: Ast[];
};

/** The tree of a condition that compiled to `expr` (parsed again here for its positions). */
export function explainTree(source: string, expr: Expression): ExplainNode {
  const budget = { leaves: MAX_LEAVES };
  return build(source, 0, source.length, jsonata(source).ast() as Ast, expr, budget, 0);
}

function build(
  text: string,
  start: number,
  end: number,
  ast: Ast,
  expr: Expression | undefined,
  budget: { leaves: number },
  depth: number,
): ExplainNode {
  [start, end] = trim(text, start, end);
  let node = ast;
  // `( a and b )`: a block of one expression is that expression, its parentheses dropped.
  while (
    node?.type === "block" && node.expressions?.length === 1 && text[start] === "(" &&
    text[end - 1] === ")"
  ) {
    node = node.expressions[0];
    [start, end] = trim(text, start + 1, end - 1);
  }
  const source = text.slice(start, end);
  const compiled = expr ?? compileOperand(source);
  const op = node?.type === "binary" && (node.value === "and" || node.value === "or")
    ? node.value as "and" | "or"
    : undefined;
  if (!op || depth >= MAX_DEPTH || budget.leaves < 2 || typeof node.position !== "number") {
    budget.leaves--;
    return { source, expr: compiled };
  }
  const opStart = node.position - op.length;
  return {
    source,
    expr: compiled,
    op,
    parts: [
      build(text, start, opStart, node.lhs!, undefined, budget, depth + 1),
      build(text, node.position, end, node.rhs!, undefined, budget, depth + 1),
    ],
  };
}

function trim(text: string, start: number, end: number): [number, number] {
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return [start, end];
}

function compileOperand(source: string): Expression {
  const compiled = compileExpression(source);
  if ("expr" in compiled) return compiled.expr;
  // An operand that does not compile alone (it should not happen: it parsed as part of the
  // whole) is shown with its error rather than hiding the rest of the trace.
  return { evaluate: () => Promise.reject({ message: compiled.message }) };
}

/**
 * Evaluates every operand of `node` for `input`. `known` is the value of `node` itself when the
 * caller has just evaluated it (the whole `if`): it is shown as it was, not evaluated again.
 */
export async function trace(
  node: ExplainNode,
  input: unknown,
  bindings: Record<string, unknown>,
  known?: { value: unknown },
): Promise<TraceNode> {
  const out: TraceNode = { source: node.source };
  try {
    const value = toPlainValue(known ? known.value : await node.expr.evaluate(input, bindings));
    if (value === undefined) out.nothing = true;
    else out.value = preview(value);
  } catch (e) {
    out.error = describeJsonataError(e);
  }
  if (node.op && node.parts) {
    out.op = node.op;
    out.parts = [];
    for (const p of node.parts) out.parts.push(await trace(p, input, bindings));
  }
  return out;
}

/** A value short enough to keep with every event: long text and big structures are cut. */
function preview(value: unknown): unknown {
  if (typeof value === "string") {
    return value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}…` : value;
  }
  if (value === null || typeof value !== "object") return value;
  const text = JSON.stringify(value);
  return text.length > PREVIEW_CHARS
    ? `${text.slice(0, PREVIEW_CHARS)}… (${text.length} characters of JSON)`
    : value;
}
