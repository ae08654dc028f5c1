/**
 * Runs rule test cases exactly as `run` would evaluate the event, sending nothing. A case fails
 * when the rules that fire differ from `matches`, when an expected action is not a subset of a
 * rendered one (in order), or when a condition or template fails for its event.
 */
import type { Envelope } from "../event/envelope.ts";
import { isSecretPath, REDACTED } from "../observe/redact.ts";
import type { FieldPath } from "../template/field_path.ts";
import { evaluateEvent, type RenderedAction } from "../rules/evaluate.ts";
import type { RuleSet } from "../rules/rule_set.ts";
import { subsetDiff } from "./subset_diff.ts";
import type { TestCase } from "./test_file.ts";
import { runTimedCase } from "./timed.ts";

/** A case's outcome: passed when `failures` is empty. */
export interface CaseResult {
  testCase: TestCase;
  failures: string[];
}

/** Runs one case against `rules`; `now` is the `received_at` its envelope carries. */
export async function runTestCase(
  rules: RuleSet,
  testCase: TestCase,
  now: Date = new Date(),
): Promise<CaseResult> {
  if (testCase.steps) {
    return { testCase, failures: await runTimedCase(rules, testCase.steps, testCase.expect) };
  }
  const event = testCase.event!;
  const envelope: Envelope = {
    id: `test:${testCase.name}`,
    type: event.type,
    source: "test",
    received_at: now.toISOString(),
    attempt: 1,
  };
  const { matches, errors } = await evaluateEvent(rules, event, envelope);
  const failures = errors.map((e) => e.message);
  const fired = matches.map((m) => m.rule.name);

  const expected = testCase.expect.matches;
  if (expected) {
    const missing = expected.filter((n) => !fired.includes(n));
    const extra = fired.filter((n) => !expected.includes(n));
    if (missing.length || extra.length) {
      failures.push(
        `matches: expected [${expected.join(", ")}], got [${fired.join(", ")}]` +
          (missing.length ? `; did not fire: ${missing.join(", ")}` : "") +
          (extra.length ? `; fired unexpectedly: ${extra.join(", ")}` : ""),
      );
    }
  }

  const rendered = matches.flatMap((m) => m.actions);
  for (const r of rendered) if ("error" in r) failures.push(r.error.message);
  failures.push(...compareActions(testCase.expect.actions ?? [], rendered));
  return { testCase, failures };
}

/** Where expected actions (in order, each a subset) are not among the rendered ones. */
export function compareActions(
  expected: Record<string, unknown>[],
  rendered: RenderedAction[],
): string[] {
  const failures: string[] = [];
  let next = 0;
  expected.forEach((want, i) => {
    const [type, params] = Object.entries(want)[0];
    const candidates = rendered.slice(next).filter((r) => r.action.type === type);
    const hit = candidates.find((r) =>
      "sendable" in r && subsetDiff(params, r.sendable).length === 0
    );
    if (hit) {
      next = rendered.indexOf(hit) + 1;
      return;
    }
    const closest = candidates.find((r) => "sendable" in r);
    if (!closest || !("sendable" in closest)) {
      failures.push(`actions[${i}]: no ${type} action was rendered after the previous match`);
      return;
    }
    const show = (v: unknown, path: FieldPath) =>
      v === undefined
        ? "nothing"
        : isSecretPath(path.slice(1), closest.action.spec.secretKeys)
        ? REDACTED
        : JSON.stringify(v);
    const lines = subsetDiff(params, closest.sendable, [type], show);
    failures.push(...lines.map((l) => `actions[${i}].${l}`));
  });
  return failures;
}
