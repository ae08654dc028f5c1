/**
 * A fast path for the simple JSONata expressions most rules use (`type = "x"`, `n % 10 = 0`,
 * `a.b > 2 and $event.type != "y"`): field paths through objects, string/number/boolean/null
 * literals, arithmetic, comparisons, `and`/`or`. They run as plain functions, without JSONata's
 * async evaluator, which is most of a rule's cost per event (docs/PERFORMANCE.md).
 *
 * The result is always what JSONata itself returns. Anything else (an array or object met on
 * the way, mixed types in a comparison, a non-finite number, an unknown variable) answers
 * {@link DEFER} and the caller evaluates with JSONata, which also produces its errors.
 * `fast_path_test.ts` checks this against JSONata on thousands of generated cases.
 */

/** Returned when the fast path cannot decide; evaluate with JSONata instead. */
export const DEFER: unique symbol = Symbol("defer to JSONata");

type Primitive = string | number | boolean | null | undefined;
type Bindings = Record<string, unknown> | undefined;
/** A compiled fast evaluator: the value JSONata would produce, or {@link DEFER}. */
export type FastEvaluator = (input: unknown, bindings: Bindings) => Primitive | typeof DEFER;

type Node = Record<string, unknown>;

const ARITHMETIC = new Set(["+", "-", "*", "/", "%"]);
const COMPARISON = new Set(["<", "<=", ">", ">="]);
const COMPARABLE = new Set(["undefined", "string", "number"]);

/** Compiles a JSONata AST (`expr.ast()`) to a fast evaluator, or undefined if it is not simple. */
export function compileFastPath(ast: unknown): FastEvaluator | undefined {
  return compileNode(ast as Node);
}

/** Whether `node` has only the listed keys (JSONata marks predicates, stages etc. with extra ones). */
function onlyKeys(node: Node, keys: readonly string[]): boolean {
  return Object.keys(node).every((k) => keys.includes(k));
}

function compileNode(node: Node): FastEvaluator | undefined {
  if (node === null || typeof node !== "object") return undefined;
  switch (node.type) {
    case "string":
    case "number":
    case "value": {
      if (!onlyKeys(node, ["type", "value", "position"])) return undefined;
      const value = node.value as Primitive;
      if (typeof value === "number" && !Number.isFinite(value)) return undefined;
      return () => value;
    }
    case "path":
      return onlyKeys(node, ["type", "steps", "position"])
        ? compilePath(node.steps as Node[])
        : undefined;
    case "variable": {
      // `$` is the event itself (an object: deferred); `$name` a binding such as `$event`.
      if (!onlyKeys(node, ["type", "value", "position"])) return undefined;
      const name = node.value as string;
      return (input, bindings) => {
        if (name === "") return primitive(input);
        return bindings && Object.hasOwn(bindings, name) ? primitive(bindings[name]) : DEFER;
      };
    }
    case "block": {
      // Parentheses: a block of one expression is that expression.
      const inner = node.expressions as Node[];
      return onlyKeys(node, ["type", "expressions", "position"]) && inner?.length === 1
        ? compileNode(inner[0])
        : undefined;
    }
    case "binary":
      return onlyKeys(node, ["type", "value", "position", "lhs", "rhs"])
        ? compileBinary(node.value as string, node.lhs as Node, node.rhs as Node)
        : undefined;
    default:
      return undefined;
  }
}

/** A field read: JSONata's lookup reads own properties of objects; arrays would map, so defer. */
function field(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return DEFER;
  if (value !== null && typeof value === "object" && Object.hasOwn(value, key)) {
    return (value as Record<string, unknown>)[key];
  }
  return undefined;
}

/** The path's value if it is a primitive; arrays, objects and functions defer. */
function primitive(value: unknown): Primitive | typeof DEFER {
  if (value === DEFER || (value !== null && typeof value === "object")) return DEFER;
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
    return DEFER;
  }
  return value as Primitive;
}

function compilePath(steps: Node[]): FastEvaluator | undefined {
  if (!Array.isArray(steps) || steps.length === 0) return undefined;
  const names: string[] = [];
  let variable: string | undefined;
  for (const [i, step] of steps.entries()) {
    if (!onlyKeys(step, ["type", "value", "position"]) || typeof step.value !== "string") {
      return undefined;
    }
    if (step.type === "variable" && i === 0 && step.value !== "") variable = step.value;
    else if (step.type === "name") names.push(step.value);
    else return undefined;
  }
  return (input, bindings) => {
    let value: unknown = input;
    if (variable !== undefined) {
      if (!bindings || !Object.hasOwn(bindings, variable)) return DEFER;
      value = bindings[variable];
    } else if (Array.isArray(input)) {
      return DEFER;
    }
    for (const name of names) {
      value = field(value, name);
      if (value === DEFER) return DEFER;
      if (value === undefined) return undefined;
    }
    return primitive(value);
  };
}

/** JSONata's `$boolean` for the primitives the fast path handles. */
function boolize(value: Primitive): boolean {
  if (typeof value === "string") return value.length > 0;
  if (typeof value === "number") return value !== 0;
  return value === true;
}

function compileBinary(op: string, lhsNode: Node, rhsNode: Node): FastEvaluator | undefined {
  const lhs = compileNode(lhsNode);
  const rhs = compileNode(rhsNode);
  if (!lhs || !rhs) return undefined;
  if (op === "and" || op === "or") {
    return (input, bindings) => {
      const l = lhs(input, bindings);
      if (l === DEFER) return DEFER;
      if (boolize(l) === (op === "or")) return op === "or";
      const r = rhs(input, bindings);
      return r === DEFER ? DEFER : boolize(r);
    };
  }
  if (op === "=" || op === "!=") {
    return (input, bindings) => {
      const l = lhs(input, bindings);
      const r = rhs(input, bindings);
      if (l === DEFER || r === DEFER) return DEFER;
      if (l === undefined || r === undefined) return false;
      return (l === r) === (op === "=");
    };
  }
  if (COMPARISON.has(op)) {
    return (input, bindings) => {
      const l = lhs(input, bindings);
      const r = rhs(input, bindings);
      if (l === DEFER || r === DEFER) return DEFER;
      // JSONata raises for booleans, null and mixed types: let it.
      const lt = typeof l, rt = typeof r;
      if (!COMPARABLE.has(lt) || !COMPARABLE.has(rt)) return DEFER;
      if (l === undefined || r === undefined) return undefined;
      if (lt !== rt) return DEFER;
      const a = l as number, b = r as number;
      return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
    };
  }
  if (ARITHMETIC.has(op)) {
    return (input, bindings) => {
      const l = lhs(input, bindings);
      const r = rhs(input, bindings);
      if (l === DEFER || r === DEFER) return DEFER;
      // A non-number operand is JSONata's error to raise, even beside an undefined one.
      if (
        (l !== undefined && typeof l !== "number") || (r !== undefined && typeof r !== "number")
      ) {
        return DEFER;
      }
      if (l === undefined || r === undefined) return undefined;
      const v = op === "+"
        ? l + r
        : op === "-"
        ? l - r
        : op === "*"
        ? l * r
        : op === "/"
        ? l / r
        : l % r;
      return Number.isFinite(v) ? v : DEFER;
    };
  }
  return undefined;
}
