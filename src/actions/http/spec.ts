/** Parameters of the `http` action: one HTTP request to a partner API. */
import { SECRET_MARK } from "../schema_marks.ts";
import { type ActionSpec, actionSpec, type ParamProblem } from "../spec.ts";
import { checkRenderedUrl, escapeUrlValue } from "./url.ts";

const headerValue = { type: ["string", "number", "boolean"] };

/** The `http` action's declaration. */
export const httpSpec: ActionSpec = actionSpec({
  name: "http",
  description: "Send an HTTP request; 2xx (or `expect_status`) is success.",
  params: {
    type: "object",
    additionalProperties: false,
    required: ["url"],
    properties: {
      method: {
        enum: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        default: "POST",
        description: "HTTP method",
      },
      url: {
        type: "string",
        minLength: 1,
        description:
          "Absolute http(s) URL; scheme and host may not come from {{ }}; each {{ }} result is percent-encoded",
      },
      raw_url_values: {
        type: "boolean",
        description:
          "Insert {{ }} results in the url as they are, not percent-encoded (they may then add segments or a query)",
      },
      headers: {
        type: "object",
        properties: {
          authorization: { ...headerValue, [SECRET_MARK]: true },
          "x-api-key": { ...headerValue, [SECRET_MARK]: true },
          cookie: { ...headerValue, [SECRET_MARK]: true },
        },
        additionalProperties: headerValue,
        description: "Request headers",
      },
      json: { description: "Body sent as JSON (templates keep their types)" },
      body: { type: "string", description: "Raw request body" },
      expect_status: {
        type: ["integer", "array"],
        minimum: 100,
        maximum: 599,
        items: { type: "integer", minimum: 100, maximum: 599 },
        description: "Statuses that count as success; default any 2xx",
      },
    },
  },
  escape: escapeUrlValue,
  checkRendered: (params) => checkRenderedUrl(params.url),
  rateKey(params) {
    try {
      return `http:${new URL(String(params.url)).host}`;
    } catch {
      return undefined;
    }
  },
  check(params) {
    const problems: ParamProblem[] = [];
    if (params.json !== undefined && params.body !== undefined) {
      problems.push({ path: ["body"], message: 'use either "json" or "body", not both' });
    }
    const problem = typeof params.url === "string" ? checkUrlOrigin(params.url) : undefined;
    if (problem) problems.push({ path: ["url"], message: problem });
    return problems;
  },
});

/**
 * The scheme and host of a URL must be written by the rule author (or `${VAR}`), never produced by
 * a `{{ }}` template: an event must not be able to choose where a request goes.
 */
export function checkUrlOrigin(url: string): string | undefined {
  const firstTemplate = url.indexOf("{{");
  const fixed = firstTemplate < 0 ? url : url.slice(0, firstTemplate);
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([/?#])?/i.exec(fixed);
  if (!m || (firstTemplate >= 0 && m[3] === undefined)) {
    if (firstTemplate >= 0) {
      return "scheme and host must be literal text or ${VAR}, not a {{ }} template";
    }
    return `not an absolute http(s) URL: ${JSON.stringify(url)}`;
  }
  if (!/^https?$/i.test(m[1])) return `scheme must be http or https, not "${m[1]}"`;
  if (m[2] === "" || m[2].includes("{")) return "has no host";
  if (firstTemplate < 0) {
    try {
      new URL(url);
    } catch {
      return `not a valid URL: ${JSON.stringify(url)}`;
    }
  }
  return undefined;
}
