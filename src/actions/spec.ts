/**
 * What the rules engine needs to know about an action before any of it runs: its name, the
 * JSON Schema of its parameters, and the checks a schema cannot express. Declared once per action
 * and used for validation, `sluice schema` and the docs.
 */
import type { FieldPath } from "../template/field_path.ts";
import { secretPaths } from "./schema_marks.ts";

/** A JSON Schema object, as ajv takes it. */
export type JsonSchema = Record<string, unknown>;

/** A problem with an action's parameters, at a path relative to the action's mapping. */
export interface ParamProblem {
  path: FieldPath;
  message: string;
}

/** The declaration of one action type. */
export interface ActionSpec {
  /** The key that names the action in a rule's `do` list, e.g. `http`. */
  name: string;
  /** One line for `sluice schema` and editors. */
  description: string;
  /** The parameters; `retry` and `timeout` are added for every action by the rule schema. */
  params: JsonSchema;
  /**
   * Cross-field checks the schema cannot express. They also run on data that failed the schema
   * (so one run reports everything), and must check the types of what they read.
   */
  check?(params: Record<string, unknown>): ParamProblem[];
  /** Parameters written as JSONata expressions (like `if`), not as text with `{{ }}`. */
  expressions?: readonly string[];
  /**
   * Dotted paths whose values are secrets (masked in `match`, `test`, logs and dead letters): read
   * from the schema's `x-secret` marks by `actionSpec`, never written by hand.
   */
  readonly secretKeys: readonly string[];
  /**
   * Encodes what templates produce for where it lands (`path` is relative to the parameters;
   * `written` are the parameters as the rule author wrote them, for opt-outs; `before` is the
   * string rendered so far when the value is embedded in one, for its context).
   */
  escape?(
    value: unknown,
    path: FieldPath,
    written: Record<string, unknown>,
    before: string,
  ): unknown;
  /**
   * Fits rendered parameters to the destination's limits in place (cutting over-long event
   * values with `…`); returns a note per change, which the delivery keeps.
   */
  fit?(params: Record<string, unknown>): string[];
  /** Checks rendered parameters (sizes, header safety); a problem fails the delivery for good. */
  checkRendered?(params: Record<string, unknown>): string | undefined;
  /** Deliveries with the same key share one rate limit (a Slack channel, an HTTP host). */
  rateKey?(params: Record<string, unknown>): string | undefined;
}

/** An action's declaration with its secret paths read from the schema's marks. */
export function actionSpec(spec: Omit<ActionSpec, "secretKeys">): ActionSpec {
  return { ...spec, secretKeys: secretPaths(spec.params) };
}
