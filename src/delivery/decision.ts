/**
 * The decision record kept with each dispatched event: for every rule listening to its type,
 * whether it fired and, if not, why. The admin API and `inbox show` read it back.
 */

/** What one rule decided for the event. */
export interface RuleDecision {
  rule: string;
  fired: boolean;
  /** For rules that fired: live, or shadow (recorded, nothing sent). */
  mode?: "live" | "shadow";
  /** For rules that did not fire: why. */
  reason?: string;
  /** When the rule's `if` (or another expression) failed: JSONata's message, with its code. */
  error?: string;
}

/** Why rules fired or not for one event; `throttled` is added by the store as it decides. */
export interface DecisionRecord {
  rules: RuleDecision[];
  /** Failures outside `if` (a `throttle.key` expression, …). */
  errors: string[];
  /** The rules whose throttle window was open, so they sent nothing. */
  throttled?: string[];
}
