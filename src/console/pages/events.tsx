/** Events: the `inbox list` search, newest first, each linking to its page. */
import { Layout } from "../layout.tsx";

/** One row of `GET /admin/events`. */
export interface EventRow {
  id: string;
  sender_id?: string;
  type: string;
  source: string;
  received_at: string;
  outcome: string;
  rules: string[];
}

const FILTERS: [string, string][] = [
  ["webhook_id", "Webhook id"],
  ["type", "Type (* any)"],
  ["rule", "Rule"],
  ["where", "JSONata condition"],
  ["since", "Since (e.g. 24h)"],
];

/** The events page. */
export function EventsPage(props: {
  items: EventRow[];
  query: Record<string, string>;
  csrf: string;
  error?: string;
  next?: string;
  /** The live view: the page reloads itself every few seconds (no script needed). */
  live?: boolean;
}) {
  const { live: _live, ...filters } = props.query;
  const toggle = new URLSearchParams(props.live ? filters : { ...filters, live: "1" });
  return (
    <Layout title="Events" csrf={props.csrf} refreshSeconds={props.live ? 3 : undefined}>
      <p>
        <a href={`/ui/events?${toggle}`} id="live">
          {props.live ? "Stop the live view" : "Live view (newest first, every 3 s)"}
        </a>
      </p>
      <form method="get" action="/ui/events" class="filters">
        {FILTERS.map(([name, label]) => (
          <label>
            {label}
            <input name={name} value={props.query[name] ?? ""} />
          </label>
        ))}
        <label>
          Outcome
          <select name="outcome">
            {["", "matched", "unmatched", "error", "dead"].map((o) => (
              <option value={o} selected={props.query.outcome === o}>{o || "any"}</option>
            ))}
          </select>
        </label>
        {props.live && <input type="hidden" name="live" value="1" />}
        <button type="submit">Search</button>
      </form>
      {props.error && <p class="error">{props.error}</p>}
      <EventsTable items={props.items} />
      {props.items.length === 0 && <p class="muted">No event matches.</p>}
      {props.next && (
        <p>
          <a href={`/ui/events?${new URLSearchParams({ ...props.query, before: props.next })}`}>
            Older
          </a>
        </p>
      )}
    </Layout>
  );
}

/** Events as a table, each linking to its page. */
export function EventsTable(props: { items: EventRow[] }) {
  return (
    <table id="events">
      <tr>
        <th>received</th>
        <th>type</th>
        <th>webhook id</th>
        <th>outcome</th>
        <th>rules fired</th>
      </tr>
      {props.items.map((e) => (
        <tr>
          <td>
            <a href={`/ui/events/${encodeURIComponent(e.id)}`}>{e.received_at}</a>
          </td>
          <td>{e.type}</td>
          <td>{e.sender_id ?? ""}</td>
          <td class={e.outcome}>{e.outcome}</td>
          <td>{e.rules.join(", ")}</td>
        </tr>
      ))}
    </table>
  );
}
