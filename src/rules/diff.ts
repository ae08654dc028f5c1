/**
 * What a rule change would have done to real traffic: stored events evaluated under the current
 * rules and under a proposed set, counted per rule (fires before → after), with a sample of the
 * events whose outcome changes: the rules that start or stop firing, and the rendered parameters
 * that differ (as `match` shows them: secrets masked). Throttles, groups and silences are state,
 * not rules, and are left out: "fires" means the `if` is true.
 */
import { storedEnvelope, type StreamEvent } from "../event/envelope.ts";
import type { StoredEvent } from "../inbox/model.ts";
import { redactParams } from "../observe/redact.ts";
import { resolveParams } from "../template/env_refs.ts";
import { evaluateEvent, type RenderedAction } from "./evaluate.ts";
import type { RuleSet } from "./rule_set.ts";

/** Per rule: the events it fires for, before and after. */
export interface RuleChange {
  rule: string;
  before: number;
  after: number;
}

/** One event whose outcome changes. */
export interface ChangedEvent {
  id: string;
  type: string;
  received_at: string;
  starts: string[];
  stops: string[];
  /** `rule do[i].type.path: before → after`, for rules that fire both times. */
  params: string[];
}

/** The whole comparison. */
export interface DiffReport {
  events: number;
  /** Events whose outcome changes (rules fired or parameters). */
  changed: number;
  rules: RuleChange[];
  samples: ChangedEvent[];
}

/** Accumulates a comparison one stored event at a time. */
export class RuleDiff {
  private readonly counts = new Map<string, RuleChange>();
  private readonly samples: ChangedEvent[] = [];
  private events = 0;
  private changed = 0;

  constructor(
    private readonly current: RuleSet,
    private readonly proposed: RuleSet,
    private readonly sampleLimit: number,
  ) {
    for (const r of current.rules) this.count(r.name);
    for (const r of proposed.rules) this.count(r.name);
  }

  /** Evaluates one stored event both ways. */
  async add(stored: StoredEvent): Promise<void> {
    let event: StreamEvent;
    try {
      event = JSON.parse(stored.body);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      return; // never stored by ingress; nothing a rule could have seen
    }
    this.events++;
    const envelope = storedEnvelope(stored);
    const [before, after] = await Promise.all([
      fired(this.current, event, envelope),
      fired(this.proposed, event, envelope),
    ]);
    for (const rule of before.keys()) this.count(rule).before++;
    for (const rule of after.keys()) this.count(rule).after++;
    const starts = [...after.keys()].filter((r) => !before.has(r));
    const stops = [...before.keys()].filter((r) => !after.has(r));
    const params: string[] = [];
    for (const [rule, shown] of before) {
      const now = after.get(rule);
      if (now) params.push(...differences(rule, shown, now));
    }
    if (!starts.length && !stops.length && !params.length) return;
    this.changed++;
    if (this.samples.length < this.sampleLimit) {
      this.samples.push({
        id: stored.id,
        type: stored.type,
        received_at: envelope.received_at,
        starts,
        stops,
        params,
      });
    }
  }

  report(): DiffReport {
    return {
      events: this.events,
      changed: this.changed,
      rules: [...this.counts.values()].sort((a, b) => a.rule < b.rule ? -1 : 1),
      samples: this.samples,
    };
  }

  private count(rule: string): RuleChange {
    let c = this.counts.get(rule);
    if (!c) this.counts.set(rule, c = { rule, before: 0, after: 0 });
    return c;
  }
}

/** Rules that fire for the event, each with its actions as `match` shows them, by `do[i].type`. */
async function fired(
  rules: RuleSet,
  event: StreamEvent,
  envelope: ReturnType<typeof storedEnvelope>,
): Promise<Map<string, Map<string, unknown>>> {
  const { matches } = await evaluateEvent(rules, event, envelope);
  return new Map(matches.map((m) => [m.rule.name, new Map(m.actions.map(shownAction))]));
}

function shownAction(a: RenderedAction): [string, unknown] {
  const key = `do[${a.action.index}].${a.action.type}`;
  if (!("params" in a)) return [key, { error: a.error.message }];
  const shown = a.action.envRefs
    ? resolveParams(a.params, a.action.env, "display").params
    : a.params;
  return [key, redactParams(shown, a.action.spec.secretKeys)];
}

/** `rule do[i].type.path: before → after` for every leaf that differs (or appears or goes). */
function differences(
  rule: string,
  before: Map<string, unknown>,
  after: Map<string, unknown>,
): string[] {
  const out: string[] = [];
  const walk = (path: string, a: unknown, b: unknown) => {
    if (isObject(a) && isObject(b)) {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`, a[k], b[k]);
      }
    } else if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${rule} ${path}: ${preview(a)} → ${preview(b)}`);
    }
  };
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    walk(key, before.get(key), after.get(key));
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object";
}

function preview(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
