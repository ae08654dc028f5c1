/**
 * The console's one stylesheet, served by sluice itself (no CDN, no build step). Light and dark
 * follow the system; readable on a phone.
 */
export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: #1b1f23; --bg: #fff; --muted: #6a737d; --line: #d0d7de;
  --accent: #0b63c5; --bad: #b42318; --ok: #127a3b; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8b949e;
  --line: #30363d; --accent: #58a6ff; --bad: #ff7b72; --ok: #3fb950; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); }
nav { display: flex; flex-wrap: wrap; gap: .8rem; align-items: center; }
a { color: var(--accent); }
main { padding: 1rem; max-width: 72rem; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; display: block; overflow-x: auto; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line);
  vertical-align: top; }
pre, code { font: 13px/1.4 ui-monospace, monospace; }
pre { background: color-mix(in srgb, var(--fg) 6%, transparent); padding: .6rem; overflow-x: auto;
  white-space: pre-wrap; word-break: break-word; }
form.inline { display: inline; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
input, select, textarea, button { font: inherit; padding: .3rem .5rem; }
textarea { width: 100%; min-height: 14rem; }
button:focus-visible, a:focus-visible, input:focus-visible { outline: 2px solid var(--accent); }
.notice { border-left: 4px solid var(--accent); padding: .4rem .7rem; }
.error { color: var(--bad); }
.fired, .done { color: var(--ok); }
.dead, .false { color: var(--bad); }
ul.trace { list-style: none; padding-left: 1.1rem; margin: .2rem 0; }
.muted { color: var(--muted); }
.bar-matched, .key-matched { fill: var(--ok); color: var(--ok); }
.bar-unmatched, .key-unmatched { fill: var(--muted); color: var(--muted); }
.bar-error, .key-error { fill: var(--bad); color: var(--bad); }
.bar-pending, .key-pending { fill: var(--accent); color: var(--accent); }
figure { margin: 0 0 1rem; }
figcaption span { margin-left: .6rem; }
`;
