/** A rule as the runtime uses it: validated, with every expression compiled once. */
import type { ActionSpec } from "../actions/spec.ts";
import type { EnvLookup } from "../template/env.ts";
import type { Expression, Template } from "../template/template.ts";
import type { ExplainNode } from "./explain.ts";

/** Retry settings a rule's action overrides, in milliseconds; unset fields take the defaults. */
export interface RetryOverrides {
  maxAttempts?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  maxDurationMs?: number;
}

/** One entry of a rule's `do` list. */
export interface CompiledAction {
  /** Position in `do`, part of the delivery's idempotency key. */
  index: number;
  /** The action name, e.g. `slack`. */
  type: string;
  /** The parameters without `retry` and `timeout`, templates precompiled. */
  params: Template;
  /** The same parameters as written in the rule file, for the action's escaping opt-outs. */
  written: Record<string, unknown>;
  /** Where `${VAR}` references in rendered parameters are read (checks, `match`, `test`). */
  env: EnvLookup;
  /**
   * Whether its parameters keep `${VAR}` references (rendered in the stored form of
   * `template/env_refs.ts`, resolved when sent); false: rendered parameters are what is sent.
   */
  envRefs: boolean;
  retry: RetryOverrides;
  timeoutMs?: number;
  /** The action's declaration: secrets, escaping, rendered checks and rate keys. */
  spec: ActionSpec;
}

/** A loaded rule. */
export interface CompiledRule {
  name: string;
  description?: string;
  /** The file it came from, for messages and the admin API. */
  file: string;
  /** The file's text as loaded (secrets stay `${VAR}` references), for the console and the store. */
  text: string;
  enabled: boolean;
  /** Event type patterns; `*` matches any run of characters. */
  on: readonly string[];
  /** The `if`, compiled, with its operands for explaining why it was false. */
  condition?: { expr: Expression; source: string; explain: ExplainNode };
  throttle?: { key?: { expr: Expression; source: string }; perMs: number };
  /** Events with the same key are collected and sent together (`$group` in the templates). */
  group?: {
    key: { expr: Expression; source: string };
    waitMs: number;
    intervalMs: number;
    max: number;
  };
  mode: "live" | "shadow";
  actions: readonly CompiledAction[];
}
