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
  if (path.length === 2 && path[0] === "headers" && typeof value === "string") {
    return headerSafe(value);
  }
  if (path.length !== 1 || path[0] !== "url" || typeof value !== "string") return value;
  if (written.raw_url_values === true) return value;
  // Lone surrogates would make encodeURIComponent throw; they become U+FFFD.
  return encodeURIComponent(value.toWellFormed());
}

/**
 * An event value made fit for an HTTP header, so an odd value never loses the request: control
 * characters (CR, LF, NUL, …) become spaces; characters past Latin-1, which a header cannot carry,
 * are percent-encoded as UTF-8 (`José 🚀` → `José %F0%9F%9A%80`).
 */
export function headerSafe(value: string): string {
  let out = "";
  for (const ch of value.toWellFormed()) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) out += " ";
    else if (code > 0xff) out += encodeURIComponent(ch);
    else out += ch;
  }
  return out;
}

const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/** Why a rendered URL may not be requested: not a URL, or a path with `.` or `..` segments. */
export function checkRenderedUrl(rendered: unknown): string | undefined {
  if (typeof rendered !== "string") return "url must render to text";
  // URL parsers drop tabs and line breaks first, so `.\t.` is `..` to them: check what they see.
  const url = rendered.replace(/[\t\n\r]/g, "");
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
