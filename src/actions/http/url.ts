/**
 * Event values in an `http` URL: each `{{ }}` result is percent-encoded as one path segment or
 * query value, so an event cannot add segments, climb the path with `..`, start a query or a
 * fragment, or reach another endpoint with the rule's credentials. `raw_url_values: true` on the
 * action is the documented opt-out (values inserted as they are); dot segments are refused either
 * way, since no encoding survives URL normalisation (`%2e%2e` is `..` to every URL parser).
 */
import type { FieldPath } from "../../template/field_path.ts";

/** Encodes a template's result for the `url` parameter; other parameters pass through. */
export function escapeUrlValue(
  value: unknown,
  path: FieldPath,
  written: Record<string, unknown>,
): unknown {
  if (path.length !== 1 || path[0] !== "url" || typeof value !== "string") return value;
  if (written.raw_url_values === true) return value;
  // Lone surrogates would make encodeURIComponent throw; they become U+FFFD.
  return encodeURIComponent(value.toWellFormed());
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** Why a rendered URL may not be requested: not a URL, or a path with `.` or `..` segments. */
export function checkRenderedUrl(url: unknown): string | undefined {
  if (typeof url !== "string") return "url must render to text";
  try {
    new URL(url);
  } catch {
    return "url does not render to a valid URL";
  }
  const afterScheme = url.indexOf("//") + 2;
  const pathStart = url.slice(afterScheme).search(/[/\\?#]/);
  if (pathStart < 0) return undefined;
  const rest = url.slice(afterScheme + pathStart);
  const queryStart = rest.search(/[?#]/);
  const path = queryStart < 0 ? rest : rest.slice(0, queryStart);
  if (path.split(/[/\\]/).some((segment) => DOT_SEGMENT.test(segment))) {
    return "url has a `.` or `..` path segment (from an event value?); refused, it would move the request to another path";
  }
  return undefined;
}
