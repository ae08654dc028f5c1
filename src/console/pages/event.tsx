/**
 * Event: its body, the decision record as a readable trace (each rule, fired or why not, the `if`'s
 * parts with their values), the deliveries with every attempt, and a redispatch button.
 */
import type { RuleDecision, TraceNode } from "../../delivery/decision.ts";
import { Csrf, Layout, Notice } from "../layout.tsx";
import type { EventRow } from "./events.tsx";

/** The admin API's view of one event (`GET /admin/events/:id`). */
export interface EventJson extends Omit<EventRow, "rules"> {
  decision?: { rules: RuleDecision[]; errors: string[]; throttled?: string[] };
  event: unknown;
  deliveries: DeliveryJson[];
}

/** The admin API's view of one delivery. */
export interface DeliveryJson {
  id: string;
  rule: string;
  action: { index: number; type: string };
  status: string;
  last_error?: string;
  notes?: string[];
  params?: unknown;
  history?: { at: string; outcome: string; status?: number; duration_ms: number; error?: string }[];
}

function Trace(props: { node: TraceNode }) {
  const n = props.node;
  const value = n.error !== undefined
    ? `failed: ${n.error}`
    : n.nothing
    ? "nothing (not in the event)"
    : JSON.stringify(n.value);
  return (
    <li>
      {n.op && <strong>{n.op.toUpperCase()}</strong>} <code>{n.source}</code> →{" "}
      <code class={n.value === false ? "false" : ""}>{value}</code>
      {n.parts && (
        <ul class="trace">
          {n.parts.map((p) => <Trace node={p} />)}
        </ul>
      )}
    </li>
  );
}

function Decision(props: { rule: RuleDecision }) {
  const r = props.rule;
  return (
    <li>
      <a href={`/ui/rules/${encodeURIComponent(r.rule)}`}>{r.rule}</a>:{" "}
      <span class={r.fired ? "fired" : "false"}>
        {r.fired ? `fired${r.mode === "shadow" ? " (shadow)" : ""}` : r.reason}
      </span>
      {r.error && <span class="error">: {r.error}</span>}
      {r.throttle && <span class="muted">, throttled (key {r.throttle.key})</span>}
      {r.group && <span class="muted">, grouped (key {r.group.key})</span>}
      {r.silenced && <span class="muted">, silenced: {r.silenced.reason}</span>}
      {r.trace && (
        <ul class="trace">
          <Trace node={r.trace} />
        </ul>
      )}
      {(r.missing ?? []).map((m) => <div class="muted">left out: {m}</div>)}
    </li>
  );
}

/** The event page. */
export function EventPage(props: { event: EventJson; csrf: string; notice?: string }) {
  const e = props.event;
  return (
    <Layout title={`Event ${e.id}`} csrf={props.csrf}>
      <Notice text={props.notice} />
      <p>
        <code>{e.type}</code> from {e.source}
        {e.sender_id && (
          <span>
            &nbsp;(webhook id <code>{e.sender_id}</code>)
          </span>
        )}, received {e.received_at}; outcome <strong>{e.outcome}</strong>
      </p>
      <h2>Rules</h2>
      {e.decision
        ? (
          <ul class="trace" id="decision">
            {e.decision.rules.map((r) => <Decision rule={r} />)}
          </ul>
        )
        : <p class="muted">Not dispatched yet.</p>}
      {(e.decision?.errors ?? []).map((m) => <p class="error">{m}</p>)}
      <form method="post" action={`/ui/events/${encodeURIComponent(e.id)}/redispatch`}>
        <Csrf token={props.csrf} />
        <button type="submit">Redispatch under the current rules</button>
      </form>
      <h2>Deliveries</h2>
      {e.deliveries.length === 0 && <p class="muted">None.</p>}
      {e.deliveries.map((d) => (
        <section>
          <h3>
            {d.rule} · do[{d.action.index}] {d.action.type}:{" "}
            <span class={d.status}>{d.status}</span>
          </h3>
          {d.last_error && <p class="error">{d.last_error}</p>}
          {(d.notes ?? []).map((n) => <p class="muted">note: {n}</p>)}
          <table>
            <tr>
              <th>at</th>
              <th>outcome</th>
              <th>status</th>
              <th>ms</th>
              <th>error</th>
            </tr>
            {(d.history ?? []).map((a) => (
              <tr>
                <td>{a.at}</td>
                <td>{a.outcome}</td>
                <td>{a.status ?? ""}</td>
                <td>{a.duration_ms}</td>
                <td>{a.error ?? ""}</td>
              </tr>
            ))}
          </table>
        </section>
      ))}
      <h2>Body</h2>
      <pre id="body">{JSON.stringify(e.event, null, 2)}</pre>
    </Layout>
  );
}
