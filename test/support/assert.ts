/**
 * The few assertions the tests use, on top of `node:assert/strict` (`@std/assert` lives on JSR,
 * which this project does not reach).
 */
import assert from "node:assert/strict";

/** Fails unless `actual` deep-equals `expected`. */
export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  assert.deepStrictEqual(actual, expected, message as string);
}

/** Fails unless `value` is truthy. */
export function assertOk(value: unknown, message?: string): asserts value {
  assert.ok(value, message as string);
}

/** Fails unless `text` matches `pattern`. */
export function assertMatch(text: string, pattern: RegExp, message?: string): void {
  assert.match(text, pattern, message as string);
}

/** Fails unless `text` contains `part`. */
export function assertIncludes(text: string, part: string, message?: string): void {
  assert.ok(
    text.includes(part),
    message ?? `expected to find ${JSON.stringify(part)} in:\n${text}`,
  );
}

/** Fails unless `fn` throws an instance of `type`; returns the error for further checks. */
export function assertThrows<E extends Error>(
  fn: () => unknown,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => E,
): E {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be thrown` });
}

/** Fails unless `promise` rejects with an instance of `type`; returns the error. */
export async function assertRejects<E extends Error>(
  promise: Promise<unknown>,
  // deno-lint-ignore no-explicit-any
  type: new (...args: any[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof type, `expected ${type.name}, got ${e}`);
    return e;
  }
  throw new assert.AssertionError({ message: `expected ${type.name} to be rejected` });
}
