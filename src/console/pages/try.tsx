/** Try an event: paste one and see `match --explain` against the running rules. */
import { Csrf, Layout } from "../layout.tsx";

/** Paste an event; see `match --explain` against the running rules. */
export function TryPage(props: { csrf: string; body?: string; result?: unknown; error?: string }) {
  return (
    <Layout title="Try an event" csrf={props.csrf}>
      <form method="post" action="/ui/try">
        <Csrf token={props.csrf} />
        <label>
          Event JSON
          <textarea name="event">{props.body ?? '{ "type": "user.banned" }'}</textarea>
        </label>
        <p>
          <button type="submit">Explain</button>
        </p>
      </form>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      {props.result !== undefined && <pre id="result">{JSON.stringify(props.result, null, 2)}</pre>}
    </Layout>
  );
}
