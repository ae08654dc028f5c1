/**
 * The `http` action declared once: its spec and its typed parameters (the implementation,
 * `action.ts`, is paired with it by type in `../registry.ts`).
 */
import { type ActionKind, optionalText, ParamsRefused } from "../kind.ts";
import { httpSpec } from "./spec.ts";

/** Rendered `http` parameters, as the request is built from them. */
export interface HttpParams {
  url: string;
  method: string;
  headers: [string, string][];
  /** Sent as JSON when present (any value, `null` included). */
  json?: unknown;
  body?: string;
  /** Statuses that count as success; any 2xx when absent. */
  expectStatus?: number[];
}

/** Reads rendered `http` parameters. */
export function parseHttpParams(params: Record<string, unknown>): HttpParams | ParamsRefused {
  const url = optionalText(params, "url");
  const method = optionalText(params, "method");
  const body = optionalText(params, "body");
  for (const v of [url, method, body]) if (v instanceof ParamsRefused) return v;
  if (url === undefined) return new ParamsRefused("url is missing");
  const headers: [string, string][] = [];
  const written = params.headers ?? {};
  if (typeof written !== "object" || Array.isArray(written)) {
    return new ParamsRefused("headers must be a mapping");
  }
  for (const [name, value] of Object.entries(written as Record<string, unknown>)) {
    headers.push([name, String(value)]);
  }
  const expect = params.expect_status;
  const expectStatus = expect === undefined
    ? undefined
    : (Array.isArray(expect) ? expect : [expect]).map(Number);
  return {
    url: url as string,
    method: (method as string | undefined) ?? "POST",
    headers,
    ...(params.json !== undefined ? { json: params.json } : {}),
    ...(body !== undefined ? { body: body as string } : {}),
    expectStatus,
  };
}

/** The `http` action. */
export const httpKind: ActionKind<HttpParams> = {
  spec: httpSpec,
  parse: parseHttpParams,
};
