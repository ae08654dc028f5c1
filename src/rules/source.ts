/**
 * A YAML file parsed with source positions, so every problem can name `PATH:LINE:COL` of the key
 * or value at fault. Environment interpolation happens here, on string scalars, before the data
 * is handed to validation.
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
  visit,
} from "yaml";
import type { EnvLookup } from "../template/env.ts";
import { interpolateEnv } from "../template/env.ts";
import { isSecretName } from "../template/env_refs.ts";
import type { FieldPath } from "../template/field_path.ts";
import { interpolatedOffsets } from "./env_offsets.ts";
import type { Problem } from "./problem.ts";
import { scalarValueOffsets } from "./scalar_offsets.ts";

/** A parsed YAML file that can map field paths back to line and column. */
export class SourceFile {
  /** The text of scalars as written, before `${VAR}` was replaced, to locate characters in them. */
  private readonly originals = new WeakMap<Scalar, { text: string; env: EnvLookup }>();

  private constructor(
    readonly path: string,
    /** The file's text as read (before `${VAR}` interpolation). */
    readonly text: string,
    private readonly doc: ReturnType<typeof parseDocument>,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `text`; duplicate keys and syntax errors come back as problems. */
  static parse(
    path: string,
    text: string,
  ): { source: SourceFile; problems: Problem[]; usable: boolean } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const source = new SourceFile(path, text, doc, lines);
    const problems = [...doc.errors, ...doc.warnings].map((e) =>
      source.problemAtOffset(
        e.pos[0],
        yamlMessage(e.code, e.message, text.slice(e.pos[0])),
        "error",
      )
    );
    // Duplicate keys still leave a usable document (the last one wins); other errors do not.
    const usable = [...doc.errors, ...doc.warnings].every((e) => e.code === "DUPLICATE_KEY");
    return { source, problems, usable };
  }

  /** The environment `${VAR}` was last read from. */
  env?: EnvLookup;
  /** The values this file read from variables whose names look secret. */
  secretValues: string[] = [];
  private written?: unknown;

  /** Replaces `${VAR}` in every string scalar; unresolved references become problems. */
  interpolateEnv(env: EnvLookup): Problem[] {
    this.env = env;
    this.written = undefined;
    this.secretValues = [];
    const problems: Problem[] = [];
    // Values of secret-looking variables, so no problem message quotes one (see compileSources).
    const tracked: EnvLookup = Object.assign((name: string) => {
      const value = env(name);
      if (value && isSecretName(name)) this.secretValues.push(value);
      return value;
    }, { refusal: env.refusal });
    visit(this.doc, {
      Scalar: (_key, node) => {
        if (typeof node.value !== "string") return;
        const r = interpolateEnv(node.value, tracked);
        for (const p of r.problems) {
          problems.push(this.problemInScalar(node, p.index, p.message));
        }
        if (r.changed && r.problems.length === 0) {
          this.originals.set(node, { text: node.value, env });
          node.value = typedValue(node, r.value);
        }
      },
    });
    return problems;
  }

  /** The plain data of the document. */
  toData(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /**
   * The plain data as written: strings that `${VAR}` resolved to text keep their references (so
   * action parameters can keep them in the store); values they typed (numbers) stay resolved.
   */
  writtenData(): unknown {
    if (this.written !== undefined) return this.written;
    const swapped: [Scalar, unknown][] = [];
    visit(this.doc, {
      Scalar: (_key, node) => {
        const original = this.originals.get(node);
        if (original && typeof node.value === "string") {
          swapped.push([node, node.value]);
          node.value = original.text;
        }
      },
    });
    try {
      this.written = this.toData();
    } finally {
      for (const [node, value] of swapped) node.value = value;
    }
    return this.written;
  }

  /** A problem at the key (`"key"`) or value (`"value"`) of `path`, or the nearest parent found. */
  problemAt(path: FieldPath, message: string, target: "key" | "value" = "value"): Problem {
    const { node, key } = this.find(path);
    const at = target === "key" && key ? key : node;
    return this.problemAtOffset(at?.range?.[0] ?? 0, message, "error");
  }

  /**
   * A problem at character `index` of the string value at `path` (after `${VAR}` interpolation),
   * located in the file whatever the scalar's style: plain, quoted, `|` or `>` blocks.
   */
  problemInString(path: FieldPath, index: number, message: string): Problem {
    const { node } = this.find(path);
    if (node && isScalar(node)) return this.problemInScalar(node, index, message);
    return this.problemAt(path, message);
  }

  /** A warning at character `index` of the string value at `path`; see {@link problemInString}. */
  warningInString(path: FieldPath, index: number, message: string): Problem {
    return { ...this.problemInString(path, index, message), severity: "warning" };
  }

  /** A warning at the value of `path`. */
  warningAt(path: FieldPath, message: string): Problem {
    return { ...this.problemAt(path, message), severity: "warning" };
  }

  private problemInScalar(node: Scalar, index: number, message: string): Problem {
    const [start, end] = node.range ?? [0, 0];
    const original = this.originals.get(node);
    let at: number | undefined = index;
    if (original) {
      const back = interpolatedOffsets(original.text, original.env);
      at = back?.[Math.min(index, back.length - 1)];
    }
    const value = original?.text ?? String(node.value);
    const offsets = at === undefined
      ? undefined
      : scalarValueOffsets(this.text, start, end, node.type ?? "", value);
    const offset = offsets ? offsets[Math.min(Math.max(0, at!), offsets.length - 1)] : start;
    return this.problemAtOffset(offset, message, "error");
  }

  private problemAtOffset(offset: number, message: string, severity: Problem["severity"]): Problem {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.path, line, col, message, severity };
  }

  private find(path: FieldPath): { node: Node | null; key: Node | null } {
    let node: Node | null = (this.doc.contents as Node | null) ?? null;
    let key: Node | null = null;
    for (const seg of path) {
      if (node && isMap(node)) {
        const pair = (node.items as Pair<Node, Node | null>[]).find((p) =>
          isScalar(p.key) && String(p.key.value) === String(seg)
        );
        if (!pair) break;
        key = pair.key;
        node = pair.value ?? pair.key;
      } else if (node && isSeq(node) && typeof seg === "number" && node.items[seg]) {
        key = null;
        node = node.items[seg] as Node;
      } else break;
    }
    return { node, key };
  }
}

/**
 * A plain (unquoted) scalar whose interpolated text reads as a number or a boolean takes that
 * type, as it would have in YAML, so `max_attempts: ${ATTEMPTS}` is a number; quoted scalars and
 * anything else stay strings.
 */
function typedValue(node: Scalar, value: string): unknown {
  if (node.type !== Scalar.PLAIN) return value;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

function yamlMessage(code: string, message: string, at: string): string {
  if (code === "DUPLICATE_KEY") {
    const key = /^[^:\n]*/.exec(at)![0].trim();
    return `duplicate key "${key}": each key may appear once in a mapping`;
  }
  return `invalid YAML: ${message.split("\n")[0]}`;
}
