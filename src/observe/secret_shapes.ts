/**
 * Well-known secret shapes in free text (URL userinfo, Slack hook URLs, `xox…` tokens, Bearer and
 * Basic credentials), found by plain string scanning. Each pass looks at every character a bounded
 * number of times, so a megabyte of one character costs a few milliseconds: these run on text an
 * attacker may have written (an upstream's error message, a header quoted into a log field), where
 * a backtracking regex such as `(\w+:\/\/)…` went quadratic.
 */

/** What a masked value is replaced with (the same marker as `REDACTED` in redact.ts). */
const MASK = "[redacted]";

/** Masks every well-known secret shape in `text`; linear in its length. */
export function maskSecretShapes(text: string): string {
  if (text.length < 6) return text;
  return maskAuthSchemes(maskSlackTokens(maskSlackHooks(maskUrlUserinfo(text))));
}

/** `scheme://user:password@` becomes `scheme://[redacted]@`. */
export function maskUrlUserinfo(text: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const sep = text.indexOf("://", from);
    if (sep < 0) break;
    from = sep + 3;
    if (sep === 0 || !isWordChar(text.charCodeAt(sep - 1))) continue;
    // user: one or more characters other than / @ : and whitespace, then ":"
    let i = sep + 3;
    while (i < text.length && !endsUser(text.charCodeAt(i))) i++;
    if (i === sep + 3 || text.charCodeAt(i) !== 0x3a) continue;
    // password: one or more characters other than / @ and whitespace, then "@"
    const passwordStart = ++i;
    while (i < text.length && !endsPassword(text.charCodeAt(i))) i++;
    if (i === passwordStart || text.charCodeAt(i) !== 0x40) continue;
    out += text.slice(copied, sep + 3) + MASK;
    copied = i;
    from = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const SLACK_HOOKS = "https://hooks.slack.com/";

/** `https://hooks.slack.com/…` (up to whitespace or a quote) keeps only its origin. */
export function maskSlackHooks(text: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(SLACK_HOOKS, from);
    if (at < 0) break;
    let i = at + SLACK_HOOKS.length;
    while (i < text.length && !endsHookPath(text.charCodeAt(i))) i++;
    from = i;
    if (i === at + SLACK_HOOKS.length) {
      from = at + 1;
      continue;
    }
    out += text.slice(copied, at) + SLACK_HOOKS + MASK;
    copied = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Slack tokens (`xoxb-…`, `xoxp-…`, `xoxa-`, `xoxo-`, `xoxs-`, `xoxr-`) at a word start. */
export function maskSlackTokens(text: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf("xox", from);
    if (at < 0) break;
    from = at + 1;
    if (at > 0 && isWordChar(text.charCodeAt(at - 1))) continue;
    if (!"abposr".includes(text[at + 3] ?? " ") || text[at + 4] !== "-") continue;
    let i = at + 5;
    while (i < text.length && isTokenChar(text.charCodeAt(i))) i++;
    if (i === at + 5) continue;
    out += text.slice(copied, at) + MASK;
    copied = i;
    from = i;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `Bearer …` and `Basic …` (any case) keep the scheme word and lose the credential. */
export function maskAuthSchemes(text: string): string {
  let out = "";
  let copied = 0;
  for (let at = 0; at < text.length; at++) {
    if ((text.charCodeAt(at) | 0x20) !== 0x62) continue; // "b" or "B"
    const word = startsWithFolded(text, at, "bearer")
      ? 6
      : startsWithFolded(text, at, "basic")
      ? 5
      : 0;
    if (word === 0) continue;
    let i = at + word;
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i === at + word) continue;
    const credential = i;
    while (i < text.length && isCredentialChar(text.charCodeAt(i))) i++;
    if (i === credential) continue;
    out += text.slice(copied, at + word) + " " + MASK;
    copied = i;
    at = i - 1;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Whether `text` has the lowercase ASCII `word` at `at`, ignoring ASCII case. */
function startsWithFolded(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = text.charCodeAt(at + k);
    const lower = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    if (lower !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f;
}

/** `[A-Za-z0-9-]` */
function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d;
}

/** `[A-Za-z0-9._~+/=-]` */
function isCredentialChar(c: number): boolean {
  return isTokenChar(c) || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f ||
    c === 0x3d;
}

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x20 || c === 0xa0 || c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f ||
    c === 0x205f || c === 0x3000 || c === 0xfeff;
}

function endsUser(c: number): boolean {
  return c === 0x2f || c === 0x40 || c === 0x3a || isSpace(c);
}

function endsPassword(c: number): boolean {
  return c === 0x2f || c === 0x40 || isSpace(c);
}

function endsHookPath(c: number): boolean {
  return c === 0x22 || c === 0x27 || isSpace(c);
}
