/** Silences: those in force, adding one (a rule, or its events matching a condition), expiring. */
import { Csrf, Layout, Notice } from "../layout.tsx";

/** A silence as `GET /admin/silences` lists it. */
export interface SilenceRow {
  id: string;
  rule: string;
  if?: string;
  reason: string;
  created_by: string;
  until: string;
}

/** The silences page. */
export function SilencesPage(
  props: { items: SilenceRow[]; rules: string[]; csrf: string; notice?: string },
) {
  return (
    <Layout title="Silences" csrf={props.csrf}>
      <Notice text={props.notice} />
      <table id="silences">
        <tr>
          <th>rule</th>
          <th>if</th>
          <th>reason</th>
          <th>by</th>
          <th>until</th>
          <th></th>
        </tr>
        {props.items.map((s) => (
          <tr>
            <td>{s.rule}</td>
            <td>
              <code>{s.if ?? ""}</code>
            </td>
            <td>{s.reason}</td>
            <td>{s.created_by}</td>
            <td>{s.until}</td>
            <td>
              <form method="post" action={`/ui/silences/${encodeURIComponent(s.id)}/expire`}>
                <Csrf token={props.csrf} />
                <button type="submit">Expire</button>
              </form>
            </td>
          </tr>
        ))}
      </table>
      {props.items.length === 0 && <p class="muted">No silence is in force.</p>}
      <h2>Add a silence</h2>
      <form method="post" action="/ui/silences" class="filters" id="add-silence">
        <Csrf token={props.csrf} />
        <label>
          Rule
          <select name="rule">{props.rules.map((r) => <option value={r}>{r}</option>)}</select>
        </label>
        <label>
          Only events where (JSONata, optional)<input name="if" />
        </label>
        <label>
          For (e.g. 2h)<input name="for" value="1h" />
        </label>
        <label>
          Reason<input name="reason" />
        </label>
        <button type="submit">Silence</button>
      </form>
    </Layout>
  );
}
