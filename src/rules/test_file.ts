/**
 * Rule test files (`*.test.yaml`): parsed with positions and validated like rule files, each case
 * resolved to the event it sends (`event:` inline or `event_file:` relative to the test file).
 */
import type { JsonSchema } from "../actions/spec.ts";
import { isStreamEvent, type StreamEvent } from "../event/envelope.ts";
import type { Problem } from "./problem.ts";
import { compileSchemaCheck } from "./schema_check.ts";
import { SourceFile } from "./source.ts";

/** What a case expects: exactly these rules fire; each listed action is a subset of one rendered. */
export interface Expectation {
  matches?: string[];
  actions?: Record<string, unknown>[];
}

/** One runnable test case. */
export interface TestCase {
  file: string;
  name: string;
  event: StreamEvent;
  expect: Expectation;
}

/** The JSON Schema of a rule test file. */
export const testFileSchema: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["cases"],
  properties: {
    cases: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "expect"],
        properties: {
          name: { type: "string", minLength: 1 },
          event: { type: "object" },
          event_file: { type: "string", minLength: 1 },
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
            },
          },
        },
      },
    },
  },
};

let check: ReturnType<typeof compileSchemaCheck> | undefined;

/** Reads one test file: its cases, or the problems that stop it from running. */
export async function readTestFile(
  file: string,
): Promise<{ cases: TestCase[]; problems: Problem[] }> {
  const { source, problems, usable } = SourceFile.parse(file, await Deno.readTextFile(file));
  if (!usable) return { cases: [], problems };
  const data = source.toData() as { cases: Record<string, unknown>[] };
  check ??= compileSchemaCheck(testFileSchema);
  problems.push(...check(data, source));
  if (problems.length) return { cases: [], problems };

  const cases: TestCase[] = [];
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ".";
  for (const [i, c] of data.cases.entries()) {
    const at = (key: string, message: string) =>
      problems.push(source.problemAt(["cases", i, key], message));
    if ((c.event === undefined) === (c.event_file === undefined)) {
      at("name", 'a case needs exactly one of "event" or "event_file"');
      continue;
    }
    let event: unknown = c.event;
    if (typeof c.event_file === "string") {
      const path = c.event_file.startsWith("/") ? c.event_file : `${dir}/${c.event_file}`;
      try {
        event = JSON.parse(await Deno.readTextFile(path));
      } catch (e) {
        at("event_file", `event_file: cannot read ${path}: ${e instanceof Error ? e.message : e}`);
        continue;
      }
    }
    if (!isStreamEvent(event)) {
      at(
        c.event_file ? "event_file" : "event",
        'the event must be a JSON object with a string "type"',
      );
      continue;
    }
    cases.push({ file, name: c.name as string, event, expect: c.expect as Expectation });
  }
  return { cases, problems };
}
