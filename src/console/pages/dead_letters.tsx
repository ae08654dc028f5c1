/** Dead letters: the `dlq list` filters; replay or discard (with a reason) a selection or all. */
import { Csrf, Layout, Notice } from "../layout.tsx";
import type { DeliveryJson } from "./event.tsx";

/** A dead letter as `GET /admin/dead-letters` lists it. */
export type DeadLetterRow = DeliveryJson & { event_id: string; event_type?: string };

/** The dead letters page. */
export function DeadLettersPage(props: {
  items: DeadLetterRow[];
  query: Record<string, string>;
  csrf: string;
  notice?: string;
}) {
  return (
    <Layout title="Dead letters" csrf={props.csrf}>
      <Notice text={props.notice} />
      <form method="get" action="/ui/dead-letters" class="filters">
        <label>
          Rule<input name="rule" value={props.query.rule ?? ""} />
        </label>
        <label>
          Error contains<input name="error" value={props.query.error ?? ""} />
        </label>
        <label>
          Since<input name="since" value={props.query.since ?? ""} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <form method="post" action="/ui/dead-letters/act" id="dead-letters">
        <Csrf token={props.csrf} />
        {["rule", "error", "since"].map((k) =>
          props.query[k] ? <input type="hidden" name={k} value={props.query[k]} /> : null
        )}
        <table>
          <tr>
            <th>
              <span class="muted">pick</span>
            </th>
            <th>rule</th>
            <th>action</th>
            <th>event</th>
            <th>last error</th>
          </tr>
          {props.items.map((d) => (
            <tr>
              <td>
                <input
                  type="checkbox"
                  name="ids"
                  value={d.id}
                  aria-label={`dead letter ${d.id}`}
                />
              </td>
              <td>{d.rule}</td>
              <td>do[{d.action.index}] {d.action.type}</td>
              <td>
                <a href={`/ui/events/${encodeURIComponent(d.event_id)}`}>
                  {d.event_type ?? d.event_id}
                </a>
              </td>
              <td class="error">{d.last_error ?? ""}</td>
            </tr>
          ))}
        </table>
        {props.items.length === 0 && <p class="muted">No dead letters.</p>}
        <p>
          <label>
            Reason (to discard)<input name="reason" />
          </label>
        </p>
        <p>
          <button type="submit" name="do" value="replay">Replay picked</button>{" "}
          <button type="submit" name="do" value="replay-all">Replay all matching</button>{" "}
          <button type="submit" name="do" value="discard">Discard picked</button>{" "}
          <button type="submit" name="do" value="discard-all">Discard all matching</button>
        </p>
      </form>
    </Layout>
  );
}
