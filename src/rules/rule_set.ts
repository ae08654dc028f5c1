/**
 * A loaded, immutable set of rules with an index by event type, so that finding the rules an
 * event can match costs O(those rules), not O(all rules). A reload builds a new set and swaps it.
 */
import { compileTypePattern, isGlob, type TypeMatcher } from "../event/type_pattern.ts";
import type { CompiledRule } from "./rule.ts";

const CACHE_LIMIT = 10_000;
/** Longer types (never Stream's own) are looked up each time rather than kept. */
const CACHED_TYPE_LENGTH = 256;

/** The rules whose `on` covers a type: all of them (for explaining), and the enabled ones. */
interface Listening {
  all: readonly CompiledRule[];
  enabled: readonly CompiledRule[];
}

/** Rules indexed by the event types they listen to; disabled rules only explain, never fire. */
export class RuleSet {
  private readonly exact = new Map<string, number[]>();
  private readonly globs: { matches: TypeMatcher; rule: number }[] = [];
  private readonly cache = new Map<string, Listening>();

  constructor(readonly rules: readonly CompiledRule[]) {
    rules.forEach((rule, i) => {
      for (const pattern of rule.on) {
        if (isGlob(pattern)) this.globs.push({ matches: compileTypePattern(pattern), rule: i });
        else this.exact.set(pattern, [...(this.exact.get(pattern) ?? []), i]);
      }
    });
  }

  /** The enabled rules whose `on` matches `type`, in load order. */
  candidates(type: string): readonly CompiledRule[] {
    return this.lookup(type).enabled;
  }

  /** Every rule whose `on` matches `type`, enabled or not, in load order. */
  listening(type: string): readonly CompiledRule[] {
    return this.lookup(type).all;
  }

  private lookup(type: string): Listening {
    const cached = this.cache.get(type);
    if (cached) return cached;
    const hits = new Set(this.exact.get(type));
    for (const g of this.globs) if (g.matches(type)) hits.add(g.rule);
    const all = [...hits].sort((a, b) => a - b).map((i) => this.rules[i]);
    const found = { all, enabled: all.filter((r) => r.enabled) };
    // Types are few in practice; the caps only bound memory against a flood of invented ones.
    if (type.length > CACHED_TYPE_LENGTH) return found;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(type, found);
    return found;
  }
}
