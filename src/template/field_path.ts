/** A location inside a parsed document: object keys and array indexes from the root. */
export type FieldPath = readonly (string | number)[];

/** Formats a path for people, e.g. `do[0].slack.text`. */
export function formatFieldPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out || "(root)";
}
