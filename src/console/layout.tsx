/**
 * The console's page frame: navigation, the page's heading and content. Everything is rendered by
 * Hono's JSX, which escapes every value, so event data always shows as text.
 */
import type { Child } from "hono/jsx";

const NAV: [string, string][] = [
  ["/ui/", "Overview"],
  ["/ui/events", "Events"],
  ["/ui/dead-letters", "Dead letters"],
  ["/ui/rules", "Rules"],
  ["/ui/silences", "Silences"],
  ["/ui/try", "Try an event"],
];

/** A full page. `csrf` is set when signed in (the sign-out form needs it). */
export function Layout(
  props: { title: string; csrf?: string; refreshSeconds?: number; children?: Child },
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · sluice</title>
        {props.refreshSeconds && (
          <meta http-equiv="refresh" content={String(props.refreshSeconds)} />
        )}
        <link rel="stylesheet" href="/ui/assets/console.css" />
      </head>
      <body>
        <header>
          <strong>sluice</strong>
          {props.csrf !== undefined && (
            <nav>
              {NAV.map(([href, label]) => <a href={href}>{label}</a>)}
              <form method="post" action="/ui/signout" class="inline">
                <input type="hidden" name="_csrf" value={props.csrf} />
                <button type="submit">Sign out</button>
              </form>
            </nav>
          )}
        </header>
        <main>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A hidden CSRF field for a form that changes something. */
export function Csrf(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** A short message above a page's content (the outcome of the last action). */
export function Notice(props: { text?: string }) {
  return props.text ? <p class="notice" role="status">{props.text}</p> : null;
}
