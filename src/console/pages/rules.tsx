/** Rules: each with its counts, the rule folder's problems, and a rule's YAML and recent events. */
import { Layout } from "../layout.tsx";
import { type EventRow, EventsTable } from "./events.tsx";

/** One row of `GET /admin/rules`. */
export interface RuleRow {
  name: string;
  on?: string[];
  mode?: string;
  enabled?: boolean;
  counts: { fired: number; errors: number; throttled: number; silenced: number; grouped: number };
  last_fired_at?: string;
}

/** The rules with their counts (the overview shows the same table). */
export function RulesTable(props: { rules: RuleRow[] }) {
  return (
    <table id="rules">
      <tr>
        <th>rule</th>
        <th>on</th>
        <th>fired</th>
        <th>errors</th>
        <th>throttled</th>
        <th>silenced</th>
        <th>last fired</th>
      </tr>
      {props.rules.map((r) => (
        <tr>
          <td>
            <a href={`/ui/rules/${encodeURIComponent(r.name)}`}>{r.name}</a>
            {r.enabled === false && <span class="muted">(disabled)</span>}
            {r.mode === "shadow" && <span class="muted">(shadow)</span>}
          </td>
          <td>{(r.on ?? []).join(", ")}</td>
          <td>{r.counts.fired}</td>
          <td class={r.counts.errors ? "error" : ""}>{r.counts.errors}</td>
          <td>{r.counts.throttled}</td>
          <td>{r.counts.silenced}</td>
          <td>{r.last_fired_at ?? "never"}</td>
        </tr>
      ))}
    </table>
  );
}

/** The rules page, with the load problems of the rule folder. */
export function RulesPage(props: { rules: RuleRow[]; problems: string[]; csrf: string }) {
  return (
    <Layout title="Rules" csrf={props.csrf}>
      {props.problems.map((p) => <p class="error">{p}</p>)}
      <RulesTable rules={props.rules} />
    </Layout>
  );
}

/** One rule: its YAML as loaded, and its recent events. */
export function RulePage(
  props: { name: string; file: string; source: string; events: EventRow[]; csrf: string },
) {
  return (
    <Layout title={`Rule ${props.name}`} csrf={props.csrf}>
      <p class="muted">{props.file}</p>
      <pre id="yaml">{props.source}</pre>
      <h2>Recent events</h2>
      <EventsTable items={props.events} />
    </Layout>
  );
}
