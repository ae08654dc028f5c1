/**
 * The decision record kept with each dispatched event: for every rule listening to its type,
 * whether it fired and, if not, why. The admin API and `inbox show` read it back.
 */

/** One operand of an `if` for one event: its source text and value; `and`/`or` have parts. */
export interface TraceNode {
  source: string;
  /** The operand's value (cut to a preview), or, for `and`/`or`, their boolean. */
  value?: unknown;
  /** JSONata found nothing: a path the event does not have, or a comparison with one. */
  nothing?: true;
  /** JSONata's message and code when the operand failed. */
  error?: string;
  op?: "and" | "or";
  parts?: TraceNode[];
}

/** Why a rule listening to the event's type did not fire. */
export type NotFiredReason = "disabled" | "if was false" | "if failed";

/** What one rule decided for the event. */
export interface RuleDecision {
  rule: string;
  fired: boolean;
  /** For rules that fired: live, or shadow (recorded, nothing sent). */
  mode?: "live" | "shadow";
  /** For rules that did not fire: why. */
  reason?: NotFiredReason;
  /** For `if was false`: each operand of its `and`/`or`, recursively, with its value. */
  trace?: TraceNode;
  /** For `if failed`: JSONata's message, with its code. */
  error?: string;
  /** Templates whose whole value found nothing, so their key was left out (`do[0].http.json.x`). */
  missing?: string[];
  /** Fired, but its throttle window for this key was open until `until` (epoch ms): nothing sent. */
  throttle?: { key: string; until: number };
  /** Fired, and joined the group `id` for `key`; its next send is due at `send_at` (epoch ms). */
  group?: { id: string; key: string; send_at: number };
  /** Fired, but a silence held it: nothing sent. */
  silenced?: { id: string; reason: string };
}

/** Why rules fired or not for one event; `throttled` is added by the store as it decides. */
export interface DecisionRecord {
  rules: RuleDecision[];
  /** Failures outside `if` (a `throttle.key` expression, …). */
  errors: string[];
  /** The rules whose throttle window was open, so they sent nothing. */
  throttled?: string[];
}
