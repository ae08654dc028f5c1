/**
 * Where each character of a YAML string value sits in the file, for every scalar style: plain and
 * quoted (with line folding and escapes), literal `|` and folded `>` blocks (indentation stripped,
 * lines folded, chomping). This is what lets a problem inside an `if` written as a block point at
 * its own line and column rather than at the block's first line.
 *
 * The value is decoded again from the source and compared with what the YAML parser produced; on
 * any difference (a form this reader does not follow) the caller gets `undefined` and falls back to
 * the scalar's start, so a position is never wrong, at worst coarse.
 */

/** The YAML scalar styles, as the `yaml` package names them. */
export type ScalarStyle =
  | "PLAIN"
  | "QUOTE_SINGLE"
  | "QUOTE_DOUBLE"
  | "BLOCK_LITERAL"
  | "BLOCK_FOLDED";

/**
 * The file offset of each character of `value` (plus one entry for the end), for the scalar of
 * `style` whose source is `text.slice(start, end)`; undefined when the source does not decode to
 * `value`.
 */
export function scalarValueOffsets(
  text: string,
  start: number,
  end: number,
  style: string,
  value: string,
): number[] | undefined {
  const out = new Decoded();
  const raw = text.slice(start, end);
  switch (style) {
    case "PLAIN":
      foldFlow(lines(raw, start), out, "plain");
      break;
    case "QUOTE_SINGLE":
    case "QUOTE_DOUBLE": {
      if (raw.length < 2 || raw[0] !== raw.at(-1)) return undefined;
      const kind = style === "QUOTE_SINGLE" ? "single" : "double";
      foldFlow(lines(raw.slice(1, -1), start + 1), out, kind);
      break;
    }
    case "BLOCK_LITERAL":
    case "BLOCK_FOLDED":
      if (!block(lines(raw, start), out, style === "BLOCK_FOLDED")) return undefined;
      break;
    default:
      return undefined;
  }
  if (out.text !== value) return undefined;
  out.offsets.push(end);
  return out.offsets;
}

class Decoded {
  text = "";
  offsets: number[] = [];

  add(s: string, at: number): void {
    this.text += s;
    for (let i = 0; i < s.length; i++) this.offsets.push(at);
  }
}

interface Line {
  text: string;
  at: number;
}

function lines(raw: string, at: number): Line[] {
  const out: Line[] = [];
  let from = 0;
  for (;;) {
    const nl = raw.indexOf("\n", from);
    const piece = raw.slice(from, nl < 0 ? raw.length : nl);
    out.push({ text: piece.endsWith("\r") ? piece.slice(0, -1) : piece, at: at + from });
    if (nl < 0) return out;
    from = nl + 1;
  }
}

const isBlank = (c: string | undefined) => c === " " || c === "\t";

/** Plain and quoted scalars: blanks around line breaks trimmed, breaks folded to a space. */
function foldFlow(all: Line[], out: Decoded, kind: "plain" | "single" | "double"): void {
  let empty = 0;
  let join = false;
  let breakAt = all[0].at;
  all.forEach((line, i) => {
    const first = i === 0;
    const last = i === all.length - 1;
    const text = line.text;
    let s = 0;
    if (!first) { while (s < text.length && isBlank(text[s])) s++; }
    if (!first && !last && s === text.length) {
      empty++;
      return;
    }
    if (!first && !join) out.add(empty ? "\n".repeat(empty) : " ", breakAt);
    empty = 0;
    join = false;
    const piece: { c: string; at: number; blank: boolean }[] = [];
    for (let j = s; j < text.length; j++) {
      const c = text[j];
      if (kind === "double" && c === "\\") {
        if (j + 1 === text.length) {
          join = !last;
          break;
        }
        const next = text[j + 1];
        const hex = HEX_LENGTH[next];
        if (hex) {
          const code = parseInt(text.slice(j + 2, j + 2 + hex), 16);
          if (Number.isNaN(code)) return;
          for (const ch of String.fromCodePoint(code)) {
            piece.push({ c: ch, at: line.at + j, blank: false });
          }
          j += 1 + hex;
        } else {
          piece.push({ c: ESCAPES[next] ?? next, at: line.at + j, blank: false });
          j++;
        }
      } else if (kind === "single" && c === "'" && text[j + 1] === "'") {
        piece.push({ c, at: line.at + j, blank: false });
        j++;
      } else piece.push({ c, at: line.at + j, blank: isBlank(c) });
    }
    if (!last && !join) { while (piece.length && piece.at(-1)!.blank) piece.pop(); }
    for (const p of piece) out.add(p.c, p.at);
    breakAt = line.at + text.length;
  });
}

const ESCAPES: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\x85",
  _: "\xa0",
  L: "\u2028",
  P: "\u2029",
};
const HEX_LENGTH: Record<string, number> = { x: 2, u: 4, U: 8 };

/** Literal and folded blocks: the header line, then content lines with the indentation stripped. */
function block(all: Line[], out: Decoded, folded: boolean): boolean {
  const header = all[0].text;
  const chomp = header.includes("-") ? "strip" : header.includes("+") ? "keep" : "clip";
  const content = all.slice(1);
  const first = content.find((l) => l.text.trim() !== "");
  const explicit = /^[|>][-+]?([1-9])|^[|>]([1-9])/.exec(header);
  if (explicit) return false; // relative to the parent's indentation: not known here
  let indent = 0;
  if (first) { while (first.text[indent] === " ") indent++; }
  const body = content.map((l) =>
    l.text.slice(0, indent).trim() === "" && l.text.length <= indent
      ? { text: "", at: l.at + l.text.length }
      : { text: l.text.slice(indent), at: l.at + indent }
  );
  let last = body.length - 1;
  while (last >= 0 && body[last].text === "") last--;
  let empty = 0;
  let prev: "none" | "normal" | "more" = "none";
  let breakAt = all[0].at + header.length;
  for (let i = 0; i <= last; i++) {
    const line = body[i];
    if (line.text === "") {
      empty++;
      continue;
    }
    const kind = isBlank(line.text[0]) ? "more" : "normal";
    if (prev === "none") out.add("\n".repeat(empty), breakAt);
    else if (!folded) out.add("\n".repeat(empty + 1), breakAt);
    else if (prev === "normal" && kind === "normal") {
      out.add(empty ? "\n".repeat(empty) : " ", breakAt);
    } else out.add("\n".repeat(empty + 1), breakAt);
    empty = 0;
    prev = kind;
    for (let j = 0; j < line.text.length; j++) out.add(line.text[j], line.at + j);
    breakAt = line.at + line.text.length;
  }
  // Line breaks after the last content line: `all` holds the header, then one entry per line.
  const breaks = all.length - 2 - last;
  if (last >= 0 && chomp !== "strip" && breaks > 0) {
    out.add("\n".repeat(chomp === "keep" ? breaks : 1), breakAt);
  }
  return true;
}
