/**
 * Finds the rule files written inline in TypeScript sources (test fixtures such as
 * `` const rule = `on: user.banned\ndo: …` ``), so a test can run every rule the repository holds
 * through `validate`'s checks. String and template literals are read with a small scanner (no
 * regexes over the source); a literal counts as a rule when it has top-level `on:` and `do:` keys.
 * An array of literals only, joined with `.join("\n")`, counts as one literal. `${…}`
 * substitutions in template literals become `x`.
 */

/** One inline rule: the file and line it was found at, and its YAML text. */
export interface InlineRule {
  file: string;
  line: number;
  yaml: string;
}

/** Every string literal in `source` that reads as a rule file. */
export function inlineRules(file: string, source: string): InlineRule[] {
  const out: InlineRule[] = [];
  for (const lit of joinedArrays(source, literals(source))) {
    const lines = lit.text.split("\n");
    const top = (key: string) => lines.some((l) => l.startsWith(key));
    if (top("on:") && top("do:")) {
      out.push({ file, line: source.slice(0, lit.at).split("\n").length, yaml: lit.text });
    }
  }
  return out;
}

interface Literal {
  /** Offset of the opening quote. */
  at: number;
  /** Offset after the closing quote. */
  end: number;
  text: string;
}

/** The literals, plus one joined literal for each `["…", "…"].join("\n")`. */
function joinedArrays(src: string, lits: Literal[]): Literal[] {
  const out = [...lits];
  const between = (a: number, b: number) => {
    let s = src.slice(a, b);
    for (let c = s.indexOf("//"); c >= 0; c = s.indexOf("//")) {
      const nl = s.indexOf("\n", c);
      s = s.slice(0, c) + (nl < 0 ? "" : s.slice(nl));
    }
    return s;
  };
  let i = 0;
  while (i < lits.length) {
    if (!between(src.lastIndexOf("[", lits[i].at), lits[i].at).match(/^\[\s*$/)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < lits.length && /^[\s,]*$/.test(between(lits[j].end, lits[j + 1].at))) j++;
    const tail = between(lits[j].end, lits[j].end + 200).replace(/\s/g, "");
    if (/^,?\](\.filter\(Boolean\))?\.join\("\\n"\)/.test(tail)) {
      const run = lits.slice(i, j + 1);
      out.push({ at: run[0].at, end: run.at(-1)!.end, text: run.map((l) => l.text).join("\n") });
    }
    i = j + 1;
  }
  return out;
}

function literals(src: string): Literal[] {
  const out: Literal[] = [];
  let i = 0;
  const skipTemplate = (): string => {
    // At the character after an opening backtick; returns the cooked text.
    let text = "";
    while (i < src.length && src[i] !== "`") {
      if (src[i] === "\\") {
        text += escape(src[i + 1]);
        i += 2;
      } else if (src[i] === "$" && src[i + 1] === "{") {
        i += 2;
        skipCode("}");
        i++;
        text += "x";
      } else text += src[i++];
    }
    i++;
    return text;
  };
  const skipQuoted = (q: string): string => {
    let text = "";
    while (i < src.length && src[i] !== q && src[i] !== "\n") {
      if (src[i] === "\\") {
        text += escape(src[i + 1]);
        i += 2;
      } else text += src[i++];
    }
    i++;
    return text;
  };
  const skipCode = (until: string) => {
    let depth = 0;
    while (i < src.length) {
      const c = src[i];
      if (c === until && depth === 0) return;
      if (c === "{") depth++;
      else if (c === "}") depth--;
      if (c === "/" && src[i + 1] === "/") {
        i = src.indexOf("\n", i) < 0 ? src.length : src.indexOf("\n", i);
      } else if (c === "/" && src[i + 1] === "*") {
        i = src.indexOf("*/", i) < 0 ? src.length : src.indexOf("*/", i) + 2;
      } else if (c === "`") {
        const at = i++;
        const text = skipTemplate();
        out.push({ at, end: i, text });
      } else if (c === '"' || c === "'") {
        const at = i++;
        const text = skipQuoted(c);
        out.push({ at, end: i, text });
      } else i++;
    }
  };
  skipCode("\0");
  return out;
}

function escape(c: string | undefined): string {
  switch (c) {
    case "n":
      return "\n";
    case "t":
      return "\t";
    case "r":
      return "\r";
    case undefined:
      return "";
    default:
      return c;
  }
}
