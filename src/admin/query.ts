/**
 * Query parameters and JSON bodies of the admin API, read strictly: each endpoint names the
 * parameters it takes, and an unknown one, or a value that does not parse, is a 400 that names it.
 */
import type { Context } from "hono";
import { parseDuration } from "../rules/duration.ts";

/** A parameter or body field the endpoint does not take or cannot read. */
export class BadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** The query of `c`, refusing parameters outside `allowed`. */
export function query(c: Context, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of new URL(c.req.url).searchParams) {
    if (!allowed.includes(name)) {
      throw new BadRequestError(
        `unknown query parameter "${name.slice(0, 100)}" (this endpoint takes: ${
          allowed.join(", ")
        })`,
      );
    }
    out[name] = value;
  }
  return out;
}

/** `limit`: a positive integer up to 500 (default 50). */
export function limitParam(value: string | undefined, fallback = 50): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new BadRequestError("limit: expected a positive integer");
  }
  return Math.min(n, 500);
}

/** `since`: a duration back from now (`24h`, `30m`), as epoch milliseconds. */
export function sinceParam(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new BadRequestError("since: expected a duration such as 30m, 24h or 7d");
  }
  return now - ms;
}

/** One of `allowed`, or undefined. */
export function oneOf<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new BadRequestError(`${name}: expected one of ${allowed.join(", ")}`);
  }
  return value as T;
}

/** The request's JSON body as an object, refusing fields outside `allowed`. */
export async function jsonBody(
  c: Context,
  allowed: readonly string[],
): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new BadRequestError("the body must be a JSON object");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new BadRequestError("the body must be a JSON object");
  }
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw new BadRequestError(
        `unknown field "${key.slice(0, 100)}" (this endpoint takes: ${allowed.join(", ")})`,
      );
    }
  }
  return body as Record<string, unknown>;
}

/** A list of strings in a body field. */
export function stringList(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new BadRequestError(`${name}: expected a list of strings`);
  }
  return value;
}
