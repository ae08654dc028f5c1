/**
 * One action type declared once: its spec (the schema, with secret and default marks, and the
 * checks) and a typed parse of rendered parameters. The catalog lists kinds; the registry pairs
 * each with its implementation, by type, and the executor sees the pair as an `Action` that
 * parses before it sends.
 */
import type { Action, ActionContext, ActionOutcome } from "./action.ts";
import { schemaDefaults } from "./schema_marks.ts";
import type { ActionSpec } from "./spec.ts";

/** Why rendered parameters cannot be sent; the delivery fails for good with this message. */
export class ParamsRefused {
  constructor(readonly message: string) {}
}

/** An action implementation over its own parameter type. */
export interface TypedAction<P> {
  execute(params: P, context: ActionContext): Promise<ActionOutcome>;
  /** Releases pooled connections. */
  close?(): Promise<void>;
}

/** The declaration of one action type: its spec and the type its implementation takes. */
export interface ActionKind<P> {
  readonly spec: ActionSpec;
  /** Reads rendered parameters (schema defaults already applied) into the action's type. */
  parse(params: Record<string, unknown>): P | ParamsRefused;
}

/** The executor's view of a kind and its implementation: defaults applied, parsed, then sent. */
export function actionOf<P>(kind: ActionKind<P>, implementation: TypedAction<P>): Action {
  const defaults = schemaDefaults(kind.spec.params);
  return {
    name: kind.spec.name,
    execute(params: Record<string, unknown>, context: ActionContext): Promise<ActionOutcome> {
      const filled = { ...params };
      for (const [key, value] of Object.entries(defaults)) filled[key] ??= value;
      const parsed = kind.parse(filled);
      if (parsed instanceof ParamsRefused) {
        return Promise.resolve({ kind: "permanent", error: parsed.message });
      }
      return implementation.execute(parsed, context);
    },
    close: implementation.close && (() => implementation.close!()),
  };
}

/** Reads an optional text parameter; anything else refuses the parameters. */
export function optionalText(
  params: Record<string, unknown>,
  key: string,
): string | undefined | ParamsRefused {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  return new ParamsRefused(`${key} must be text, not ${typeof value}`);
}
