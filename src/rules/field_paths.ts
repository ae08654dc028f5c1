/**
 * The field paths a JSONata expression reads, found by walking the syntax tree JSONata itself
 * builds (`jsonata(src).ast()`), never by pattern-matching the text.
 *
 * Arrays are transparent, as in JSONata. Names inside a predicate (`flags[type = "x"]`), a mapping
 * step (`flags.(user_id & type)`), a sort or a group-by are read relative to the step they follow.
 * `$` is the current context, `$$` the event, `$event` the envelope. Paths through anything else
 * (variables bound with `:=`, lambda parameters, function results, `*`, `**`, `%`) are not event
 * fields and are not reported; the names before such a step still are.
 */
import type jsonata from "jsonata";

/** One field path an expression reads. */
export interface FieldRef {
  /** `event` for the event's own fields, `envelope` for `$event.…`. */
  scope: "event" | "envelope";
  /** The field's names from the scope's root: those of the surrounding step, then its own. */
  segments: string[];
  /** How many leading segments come from the surrounding step rather than this path. */
  inherited: number;
  /** Offset in the expression of the path's first character (its first name, or `$event`). */
  start: number;
}

type Ast = ReturnType<ReturnType<typeof jsonata>["ast"]>;

/** The parts of JSONata's syntax tree this walker reads (its published type lists few). */
interface Node {
  type: string;
  value?: unknown;
  position?: number;
  steps?: Node[];
  stages?: Node[];
  predicate?: Node[];
  expr?: Node;
  expression?: Node;
  expressions?: Node[];
  arguments?: Node[];
  lhs?: Node | [Node, Node][];
  rhs?: Node;
  condition?: Node;
  then?: Node;
  else?: Node;
  body?: Node;
  terms?: { expression: Node }[];
  group?: { lhs: [Node, Node][] };
  focus?: string;
  pattern?: Node;
  update?: Node;
  delete?: Node;
}

/** Where a step reads from: a path into the event or the envelope, or unknown (`null`). */
type Context = { scope: FieldRef["scope"]; segments: string[] } | null;

/** Deeper nesting than this is not followed (no event is this deep; it bounds the walk). */
const MAX_DEPTH = 200;
/** Paths longer than this are cut here. */
const MAX_SEGMENTS = 64;

/** Every event and envelope field path `ast` (parsed from `source`) reads. */
export function fieldPaths(ast: Ast, source: string): FieldRef[] {
  const refs: FieldRef[] = [];
  new Walker(source, refs).walk(ast as unknown as Node, { scope: "event", segments: [] }, 0);
  return refs;
}

class Walker {
  constructor(private readonly source: string, private readonly refs: FieldRef[]) {}

  /** Walks `node` read in `ctx`; returns where the result points when it is a plain path. */
  walk(node: Node | undefined, ctx: Context, depth: number): Context {
    if (!node || depth > MAX_DEPTH) return null;
    const d = depth + 1;
    switch (node.type) {
      case "path":
        return this.path(node, ctx, d);
      case "name":
        return this.path({ type: "path", steps: [node] }, ctx, d);
      case "variable": {
        const at = this.variable(node, ctx);
        this.each(node.predicate, at && at.ctx, d);
        return at && !node.predicate ? at.ctx : null;
      }
      case "block": {
        let last: Context = null;
        for (const e of node.expressions ?? []) last = this.walk(e, ctx, d);
        this.each(node.predicate, null, d);
        return node.predicate ? null : last;
      }
      case "binary":
        this.walk(node.lhs as Node, ctx, d);
        this.walk(node.rhs, ctx, d);
        return null;
      case "unary":
        this.walk(node.expression, ctx, d);
        for (const e of node.expressions ?? []) this.walk(e, ctx, d);
        this.pairs(node.value === "{" ? node.lhs : undefined, ctx, d);
        this.each(node.predicate, null, d);
        return null;
      case "function":
      case "partial":
        for (const a of node.arguments ?? []) this.walk(a, ctx, d);
        this.each(node.predicate, null, d);
        return null;
      case "condition":
        this.walk(node.condition, ctx, d);
        this.walk(node.then, ctx, d);
        this.walk(node.else, ctx, d);
        return null;
      case "bind":
        this.walk(node.rhs, ctx, d);
        return null;
      case "apply":
        this.walk(node.lhs as Node, ctx, d);
        this.walk(node.rhs, ctx, d);
        return null;
      case "lambda":
        // A lambda runs wherever it is called, on whatever it is given: not followed.
        this.walk(node.body, null, d);
        return null;
      case "transform":
        this.walk(node.pattern, null, d);
        this.walk(node.update, null, d);
        this.walk(node.delete, null, d);
        return null;
      default:
        return null;
    }
  }

  private each(nodes: Node[] | undefined, ctx: Context, depth: number): void {
    for (const n of nodes ?? []) this.walk(n.type === "filter" ? n.expr : n, ctx, depth);
  }

  private pairs(lhs: Node["lhs"], ctx: Context, depth: number): void {
    if (!Array.isArray(lhs)) return;
    for (const [k, v] of lhs) {
      this.walk(k, ctx, depth);
      this.walk(v, ctx, depth);
    }
  }

  /** `$` (here), `$$` (the event) and `$event` (the envelope); other variables are unknown. */
  private variable(node: Node, ctx: Context): { ctx: Context; start: number } | null {
    const name = String(node.value);
    const start = (node.position ?? 0) - name.length - 1;
    if (name === "") return { ctx, start };
    if (name === "$") return { ctx: { scope: "event", segments: [] }, start };
    if (name === "event") return { ctx: { scope: "envelope", segments: [] }, start };
    return null;
  }

  private path(node: Node, ctx: Context, depth: number): Context {
    let cur = ctx;
    let written = 0;
    let start = -1;
    const flush = () => {
      if (cur && written > 0) {
        this.refs.push({
          scope: cur.scope,
          segments: cur.segments,
          inherited: cur.segments.length - written,
          start,
        });
      }
      written = 0;
      start = -1;
    };
    (node.steps ?? []).forEach((step, i) => {
      if (step.type === "variable" && i === 0) {
        const at = this.variable(step, cur);
        cur = at && at.ctx;
        if (at) start = at.start;
        this.each(step.stages ?? step.predicate, cur, depth);
        return;
      }
      if (step.type !== "name") {
        flush();
        cur = this.otherStep(step, cur, depth);
        return;
      }
      if (cur && cur.segments.length < MAX_SEGMENTS) {
        if (written === 0 && start < 0) start = this.nameStart(step);
        cur = { scope: cur.scope, segments: [...cur.segments, String(step.value)] };
        written++;
      } else {
        flush();
        cur = null;
      }
      this.each(step.stages, cur, depth);
      if (step.focus !== undefined) {
        // `@$v` keeps the previous context for what follows: not followed.
        flush();
        cur = null;
      }
    });
    flush();
    if (node.group) this.pairs(node.group.lhs, cur, depth);
    return cur;
  }

  /** A step that is not a name: what it reads is walked, and where the path goes on from. */
  private otherStep(step: Node, cur: Context, depth: number): Context {
    switch (step.type) {
      case "sort":
        for (const t of step.terms ?? []) this.walk(t.expression, cur, depth);
        this.each(step.stages, cur, depth);
        return cur;
      case "block": {
        const next = this.walk(step, cur, depth);
        this.each(step.stages, next, depth);
        return next;
      }
      default:
        this.walk(step, cur, depth);
        this.each(step.stages, null, depth);
        return null;
    }
  }

  /** Where a name step begins: `position` is where it ends; quoted names end in their quote. */
  private nameStart(step: Node): number {
    const end = step.position ?? 0;
    const name = String(step.value);
    if (this.source.slice(end - name.length, end) === name) return end - name.length;
    const quote = this.source[end - 1];
    for (let j = end - 2; j >= 0; j--) {
      if (this.source[j] !== quote) continue;
      let slashes = 0;
      while (this.source[j - 1 - slashes] === "\\") slashes++;
      if (slashes % 2 === 0) return j;
    }
    return Math.max(0, end - name.length);
  }
}
