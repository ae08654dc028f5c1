/**
 * Overview: events per minute by outcome over the last hour (an SVG drawn on the server), what
 * waits and what failed, and the rules with their counts.
 */
import { Layout } from "../layout.tsx";
import { type RuleRow, RulesTable } from "./rules.tsx";

/** `GET /admin/stats`. */
export interface StatsJson {
  pending_events: number;
  pending_deliveries: number;
  dead_letters: number;
  events_per_minute: { minute: string; outcome: string; count: number }[];
}

const OUTCOMES = ["matched", "unmatched", "error", "pending"];

/** Stacked bars, one per minute of the last hour, one colour per outcome. */
function Chart(props: { points: StatsJson["events_per_minute"]; now: number }) {
  const minutes = 60;
  const first = Math.floor(props.now / 60_000) - minutes + 1;
  const columns = Array.from({ length: minutes }, () => new Map<string, number>());
  for (const p of props.points) {
    const i = Math.floor(Date.parse(p.minute) / 60_000) - first;
    if (i >= 0 && i < minutes) {
      columns[i].set(p.outcome, (columns[i].get(p.outcome) ?? 0) + p.count);
    }
  }
  const max = Math.max(1, ...columns.map((c) => [...c.values()].reduce((a, b) => a + b, 0)));
  const w = 10, h = 120;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${minutes * w} ${h}`}
        width="100%"
        height={h}
        preserveAspectRatio="none"
        role="img"
        aria-label="events per minute by outcome, last hour"
      >
        {columns.map((c, i) => {
          let y = h;
          return OUTCOMES.map((o) => {
            const n = c.get(o) ?? 0;
            if (!n) return null;
            const bar = (n / max) * h;
            y -= bar;
            return (
              <rect class={`bar-${o}`} x={i * w} y={y} width={w - 1} height={bar}>
                <title>{`${n} ${o}`}</title>
              </rect>
            );
          });
        })}
      </svg>
      <figcaption class="muted">
        Events per minute, last hour (up to {max}/min):{" "}
        {OUTCOMES.map((o) => <span class={`key-${o}`}>■ {o}</span>)}
      </figcaption>
    </figure>
  );
}

/** The overview page. */
export function OverviewPage(props: {
  stats: StatsJson;
  rules: RuleRow[];
  problems: string[];
  running?: string;
  loadedAt?: string;
  csrf: string;
}) {
  const s = props.stats;
  return (
    <Layout title="Overview" csrf={props.csrf}>
      <Chart points={s.events_per_minute} now={Date.now()} />
      <p id="counts">
        {s.pending_events} event(s) waiting for dispatch · {s.pending_deliveries}{" "}
        deliveries queued ·{" "}
        <a href="/ui/dead-letters" class={s.dead_letters ? "dead" : ""}>
          {s.dead_letters} dead letter(s)
        </a>
      </p>
      <h2>Rules</h2>
      <p id="rule-set">
        {props.rules.length} rule(s) loaded{props.loadedAt
          ? ` ${
            props.running === "last good" ? "from the last good set, kept" : "at"
          } ${props.loadedAt}`
          : ""}; {props.problems.length
          ? `${props.problems.length} problem(s) in the rule folder (the last good set runs):`
          : "the rule folder has no problem."}
      </p>
      {props.problems.map((p) => <p class="error">{p}</p>)}
      <RulesTable rules={props.rules} />
    </Layout>
  );
}
