/**
 * The silences in force, as the dispatcher applies them: read from the store at most once a
 * second (so one added by the CLI, the admin API or another replica holds within a second, in
 * every process on the store), their conditions compiled once. A silence holds a rule's matching
 * events: recorded, counted, nothing sent.
 */
import type { StreamEvent } from "../event/envelope.ts";
import type { RuleMatch } from "../rules/evaluate.ts";
import { isTruthy } from "../rules/truthy.ts";
import type { Silence, Silences } from "../store/mod.ts";
import { compileExpression, type Expression } from "../template/template.ts";
import type { Held } from "./plan.ts";

const REFRESH_MS = 1_000;

interface Active {
  silence: Silence;
  condition?: Expression;
}

/** The silences in force, refreshed from the store. */
export class SilenceBook {
  private active: Active[] = [];
  private readAt = -Infinity;
  private reading?: Promise<void>;

  constructor(
    private readonly store: Pick<Silences, "listSilences">,
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the store again at the next use (a silence was just added or expired here). */
  invalidate(): void {
    this.readAt = -Infinity;
  }

  /** The silence holding each matched rule for `event`, if any. */
  async held(
    matches: readonly RuleMatch[],
    event: StreamEvent,
    bindings: Record<string, unknown>,
  ): Promise<Held> {
    await this.refresh();
    const held = new Map<string, { id: string; reason: string }>();
    if (this.active.length === 0) return held;
    const now = this.now();
    for (const m of matches) {
      for (const a of this.active) {
        if (a.silence.rule !== m.rule.name || a.silence.until <= now) continue;
        if (a.condition && !(await holds(a.condition, event, bindings))) continue;
        held.set(m.rule.name, { id: a.silence.id, reason: a.silence.reason });
        break;
      }
    }
    return held;
  }

  private refresh(): Promise<void> {
    if (this.now() - this.readAt < REFRESH_MS) return this.reading ?? Promise.resolve();
    this.readAt = this.now();
    this.reading = this.store.listSilences().then((silences) => {
      this.active = silences.map((silence) => {
        const compiled = silence.condition === undefined
          ? undefined
          : compileExpression(silence.condition);
        // A condition stored by an older version that no longer compiles holds nothing.
        if (compiled && !("expr" in compiled)) return { silence, condition: never };
        return { silence, condition: compiled?.expr };
      });
    });
    return this.reading;
  }
}

const never: Expression = { evaluate: () => Promise.resolve(false) };

async function holds(condition: Expression, event: StreamEvent, bindings: Record<string, unknown>) {
  try {
    return isTruthy(await condition.evaluate(event, bindings));
  } catch {
    // A silence's condition that fails for an event does not hold it: the alert goes out.
    return false;
  }
}

/** A silence request that cannot be kept; the message says which part. */
export class SilenceRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SilenceRequestError";
  }
}

/** A silence to add, as the CLI and the admin API take it. */
export interface SilenceRequest {
  rule: string;
  condition?: string;
  forMs: number;
  reason: string;
  createdBy: string;
}

/** The longest silence: a year. Longer ones are refused (and past a bound, dates break). */
export const MAX_SILENCE_MS = 365 * 24 * 60 * 60 * 1000;

/** Checks a request (the rule exists, the condition compiles) and gives the silence to store. */
export function silenceOf(
  request: SilenceRequest,
  ruleNames: readonly string[],
  now: number = Date.now(),
): Omit<Silence, "id" | "createdAt"> {
  if (!ruleNames.includes(request.rule)) {
    throw new SilenceRequestError(`rule: no rule named "${request.rule.slice(0, 200)}" is loaded`);
  }
  if (!request.reason.trim()) {
    throw new SilenceRequestError("reason: say why (it is kept with the silence)");
  }
  if (!(request.forMs > 0)) {
    throw new SilenceRequestError("for: expected a duration such as 30m or 2h");
  }
  if (request.forMs > MAX_SILENCE_MS) {
    throw new SilenceRequestError("for: at most 365d (a silence is meant to end)");
  }
  if (request.condition !== undefined) {
    const compiled = compileExpression(request.condition);
    if (!("expr" in compiled)) throw new SilenceRequestError(`if: ${compiled.message}`);
  }
  return {
    rule: request.rule,
    ...(request.condition === undefined ? {} : { condition: request.condition }),
    reason: request.reason.trim(),
    createdBy: request.createdBy,
    until: now + request.forMs,
  };
}
