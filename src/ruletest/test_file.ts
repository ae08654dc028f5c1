/**
 * Rule test files (`*.test.yaml`): parsed with positions and validated like rule files. A case
 * sends one event (`event:` inline or `event_file:` relative to the test file) and expects the
 * rules that fire and their rendered actions; or it runs timed `steps:` (events and silences at
 * offsets from the case's start, on a simulated clock) and expects the deliveries each rule made.
 * `env:` at the top gives placeholder values for the variables the rules read, so CI needs no
 * real tokens.
 */
import type { JsonSchema } from "../actions/spec.ts";
import { isStreamEvent, type StreamEvent } from "../event/envelope.ts";
import { parseDuration } from "../rules/duration.ts";
import type { Problem } from "../rules/problem.ts";
import { compileSchemaCheck } from "../rules/schema_check.ts";
import { SourceFile } from "../rules/source.ts";

/** What a case expects: exactly these rules fire; each listed action is a subset of one rendered. */
export interface Expectation {
  matches?: string[];
  actions?: Record<string, unknown>[];
  /** For timed cases: per rule, its deliveries in order (a count, or a subset of each action). */
  deliveries?: Record<string, number | Record<string, unknown>[]>;
}

/** One step of a timed case. */
export type Step =
  | { at: number; event: StreamEvent }
  | { at: number; silence: { rule: string; if?: string; forMs: number; reason: string } };

/** One runnable test case. */
export interface TestCase {
  file: string;
  name: string;
  /** The event of a one-event case. */
  event?: StreamEvent;
  /** The steps of a timed case, in time order. */
  steps?: Step[];
  expect: Expectation;
}

const duration = { type: "string", pattern: "^[0-9]+(\\.[0-9]+)?(ms|s|m|h|d)$" };
const eventSource = {
  event: { type: "object" },
  event_file: { type: "string", minLength: 1 },
};

/** The JSON Schema of a rule test file. */
export const testFileSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["cases"],
  properties: {
    env: {
      type: "object",
      additionalProperties: { type: ["string", "number", "boolean"] },
      description: "placeholder values for the variables the rules read",
    },
    cases: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "expect"],
        properties: {
          name: { type: "string", minLength: 1 },
          ...eventSource,
          steps: {
            type: "array",
            minItems: 1,
            items: {
              type: "object",
              additionalProperties: false,
              required: ["at"],
              properties: {
                at: duration,
                ...eventSource,
                silence: {
                  type: "object",
                  additionalProperties: false,
                  required: ["rule", "for"],
                  properties: {
                    rule: { type: "string", minLength: 1 },
                    if: { type: "string", minLength: 1 },
                    for: duration,
                    reason: { type: "string" },
                  },
                },
              },
            },
          },
          expect: {
            type: "object",
            additionalProperties: false,
            minProperties: 1,
            properties: {
              matches: { type: "array", items: { type: "string" } },
              actions: {
                type: "array",
                items: { type: "object", minProperties: 1, maxProperties: 1 },
              },
              deliveries: {
                type: "object",
                additionalProperties: {
                  type: ["integer", "array"],
                  minimum: 0,
                  items: { type: "object", maxProperties: 1 },
                },
              },
            },
          },
        },
      },
    },
  },
};

let check: ReturnType<typeof compileSchemaCheck> | undefined;

/** Reads one test file: its cases and placeholder env, or the problems that stop it. */
export async function readTestFile(
  file: string,
): Promise<{ cases: TestCase[]; problems: Problem[]; env: Record<string, string> }> {
  const { source, problems, usable } = SourceFile.parse(file, await Deno.readTextFile(file));
  if (!usable) return { cases: [], problems, env: {} };
  const data = source.toData() as {
    env?: Record<string, unknown>;
    cases: Record<string, unknown>[];
  };
  check ??= compileSchemaCheck(testFileSchema);
  problems.push(...check(data, source));
  if (problems.length) return { cases: [], problems, env: {} };
  const env = Object.fromEntries(Object.entries(data.env ?? {}).map(([k, v]) => [k, String(v)]));

  const cases: TestCase[] = [];
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  const readEvent = async (
    holder: Record<string, unknown>,
    where: (string | number)[],
  ): Promise<StreamEvent | undefined> => {
    const at = (key: string, message: string) =>
      problems.push(source.problemAt([...where, key], message));
    let event: unknown = holder.event;
    if (typeof holder.event_file === "string") {
      const path = holder.event_file.startsWith("/")
        ? holder.event_file
        : `${dir}/${holder.event_file}`;
      try {
        event = JSON.parse(await Deno.readTextFile(path));
      } catch (e) {
        at("event_file", `event_file: cannot read ${path}: ${e instanceof Error ? e.message : e}`);
        return undefined;
      }
    }
    if (!isStreamEvent(event)) {
      at(
        holder.event_file ? "event_file" : "event",
        'the event must be a JSON object with a string "type"',
      );
      return undefined;
    }
    return event;
  };

  for (const [i, c] of data.cases.entries()) {
    const where = ["cases", i];
    const name = c.name as string;
    const expect = c.expect as Expectation;
    const hasEvent = c.event !== undefined || c.event_file !== undefined;
    if (Array.isArray(c.steps)) {
      if (hasEvent) {
        problems.push(
          source.problemAt([...where, "steps"], 'a case has either "steps" or an event, not both'),
        );
        continue;
      }
      if (expect.matches || expect.actions) {
        problems.push(
          source.problemAt(
            [...where, "expect"],
            'a timed case expects "deliveries" (per rule), not matches or actions',
          ),
        );
        continue;
      }
      const steps: Step[] = [];
      let last = 0;
      let ok = true;
      for (const [k, step] of (c.steps as Record<string, unknown>[]).entries()) {
        const stepWhere = [...where, "steps", k];
        const at = parseDuration(step.at as string)!;
        if (at < last) {
          problems.push(source.problemAt([...stepWhere, "at"], "steps must be in time order"));
          ok = false;
          continue;
        }
        last = at;
        const kinds = ["event", "event_file", "silence"].filter((key) => step[key] !== undefined);
        if (kinds.length !== 1) {
          problems.push(
            source.problemAt(
              stepWhere,
              'a step has exactly one of "event", "event_file" or "silence"',
            ),
          );
          ok = false;
          continue;
        }
        if (step.silence) {
          const s = step.silence as { rule: string; if?: string; for: string; reason?: string };
          steps.push({
            at,
            silence: {
              rule: s.rule,
              if: s.if,
              forMs: parseDuration(s.for)!,
              reason: s.reason ?? `test ${name}`,
            },
          });
          continue;
        }
        const event = await readEvent(step, stepWhere);
        if (!event) {
          ok = false;
          continue;
        }
        steps.push({ at, event });
      }
      if (ok) cases.push({ file, name, steps, expect });
      continue;
    }
    if (!hasEvent || (c.event !== undefined && c.event_file !== undefined)) {
      problems.push(
        source.problemAt(
          [...where, "name"],
          'a case needs exactly one of "event", "event_file" or "steps"',
        ),
      );
      continue;
    }
    if (expect.deliveries) {
      problems.push(source.problemAt([...where, "expect"], '"deliveries" needs timed "steps"'));
      continue;
    }
    const event = await readEvent(c, where);
    if (event) cases.push({ file, name, event, expect });
  }
  return { cases, problems, env };
}
