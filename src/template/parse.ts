/**
 * Splits a string into literal text and `{{ expression }}` parts.
 *
 * The closing `}}` is found by tracking braces, brackets and string literals, so JSONata object
 * constructors such as `{{ {"id": {"v": 1}} }}` are read whole; when the brackets do not balance,
 * the first `}}` closes the template and JSONata reports the fault.
 */

/** One piece of a template string: literal text or the source of a JSONata expression. */
export type TemplatePart =
  | { kind: "text"; text: string }
  | { kind: "expr"; source: string; offset: number };

/** A template that cannot be split; `index` is the offset of the fault in the string. */
export class TemplateSyntaxError extends Error {
  constructor(message: string, readonly index: number) {
    super(message);
    this.name = "TemplateSyntaxError";
  }
}

/** Splits `text` into parts; `offset` of an expression part is where its source starts in `text`. */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("{{", i);
    if (open < 0) {
      parts.push({ kind: "text", text: text.slice(i) });
      break;
    }
    if (open > i) parts.push({ kind: "text", text: text.slice(i, open) });
    const start = open + 2;
    // Unbalanced brackets inside are JSONata's to report: fall back to the first "}}".
    let end = findClose(text, start);
    if (end < 0) end = text.indexOf("}}", start);
    if (end < 0) throw new TemplateSyntaxError('"{{" has no matching "}}"', open);
    const source = text.slice(start, end);
    if (source.trim() === "") throw new TemplateSyntaxError('empty "{{ }}"', open);
    parts.push({ kind: "expr", source, offset: start });
    i = end + 2;
  }
  return parts;
}

function findClose(text: string, from: number): number {
  let depth = 0;
  let quote = "";
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "{" || c === "[" || c === "(") depth++;
    else if (depth > 0 && (c === "}" || c === "]" || c === ")")) depth--;
    else if (depth === 0 && c === "}" && text[i + 1] === "}") return i;
  }
  return -1;
}
