/**
 * A flag wave with and without `group`: N flag events for E entities (10,000 and 100 by default)
 * are stored, then dispatched, on a SQLite file store, for two otherwise identical rules (a Slack
 * message per flag, and the same message grouped by activity). It reports dispatch throughput
 * (events per second, the plain rule being the baseline in the same run), p50/p99 of a dispatch
 * batch, and how many digests the grouped rule makes: after its `wait`, and within one `interval`
 * for a second wave (time is a manual clock, so the counts do not depend on the machine).
 *
 *   deno run -A bench/load/group_load.ts [--events 10000] [--entities 100] [--rounds 3]
 */
import { parseArgs } from "node:util";
import { Dispatcher } from "../../src/dispatch/dispatcher.ts";
import { GroupSender } from "../../src/dispatch/group_sender.ts";
import { openStore, type Store } from "../../src/store/mod.ts";
import { ruleSetFrom } from "../../test/support/rules.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    events: { type: "string", default: "10000" },
    entities: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
  },
});
const N = Number(values.events);
const E = Number(values.entities);
const ROUNDS = Number(values.rounds);

const action = `
do:
  - slack:
      token: xoxb-bench
      channel: C1
      thread: activity.id
      text: "{{ $exists($group) ? $group.count : 1 }} flag(s) on {{ activity.id }}, newest by {{ reaction.user.id }}"
`;
const RULES = {
  plain: `on: feeds.activity.reaction.added\nif: reaction.type = "flag"\n${action}`,
  grouped:
    `on: feeds.activity.reaction.added\nif: reaction.type = "flag"\ngroup: { key: activity.id, wait: 30s, interval: 5m, max: 20 }\n${action}`,
};

const flag = (i: number, wave: number) =>
  JSON.stringify({
    type: "feeds.activity.reaction.added",
    reaction: { type: "flag", user: { id: `u${wave}-${i}` } },
    activity: { id: `act-${i % E}`, text: "Earn $5k/week from home" },
  });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Stores one wave of N flags, then dispatches them all; returns the time and batch durations. */
async function wave(store: Store, dispatcher: Dispatcher, n: number) {
  await Promise.all(
    Array.from(
      { length: N },
      (_, i) =>
        store.putEvent({
          source: "webhook",
          type: "feeds.activity.reaction.added",
          body: flag(i, n),
        }),
    ),
  );
  const batches: number[] = [];
  const started = performance.now();
  for (;;) {
    const t = performance.now();
    const done = await dispatcher.dispatchBatch();
    if (done === 0) break;
    batches.push(performance.now() - t);
  }
  return { ms: performance.now() - started, batches };
}

async function run(kind: keyof typeof RULES) {
  const dir = await Deno.makeTempDir({ prefix: "sluice-group-bench-" });
  let now = Date.UTC(2026, 11, 3, 10);
  const store = await openStore(`sqlite:${dir}/sluice.db`, { now: () => now });
  const rules = await ruleSetFrom({ [`${kind}.yaml`]: RULES[kind] });
  const dispatcher = new Dispatcher(store, () => rules, { owner: "bench", batch: 256 });
  const sender = new GroupSender(store, () => rules, { owner: "bench", now: () => now });
  const sendAll = async () => {
    let sends = 0;
    for (let s; (s = await sender.sendDue()) > 0;) sends += s;
    return sends;
  };
  try {
    const first = await wave(store, dispatcher, 1);
    const pendingBefore = (await store.stats()).pendingDeliveries;
    now += 31_000; // past `wait`
    const afterWait = kind === "grouped" ? await sendAll() : pendingBefore;
    await wave(store, dispatcher, 2);
    now += 60_000; // a minute later: still inside the interval
    const insideInterval = kind === "grouped" ? await sendAll() : 0;
    now += 5 * 60_000; // past the interval
    const nextInterval = kind === "grouped" ? await sendAll() : 0;
    return { ms: first.ms, batches: first.batches, afterWait, insideInterval, nextInterval };
  } finally {
    await store.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const results: Record<string, Awaited<ReturnType<typeof run>>[]> = { plain: [], grouped: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const kind of ["plain", "grouped"] as const) results[kind].push(await run(kind));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rate = (kind: string) => median(results[kind].map((x) => N / (x.ms / 1000)));
console.log(`${N} flag events for ${E} entities, ${ROUNDS} rounds each, SQLite file store`);
for (const kind of ["plain", "grouped"] as const) {
  const batches = results[kind].flatMap((x) => x.batches).sort((a, b) => a - b);
  const last = results[kind].at(-1)!;
  console.log(
    `${kind.padEnd(8)} ${rate(kind).toFixed(0).padStart(6)} events/s dispatched ` +
      `(runs: ${results[kind].map((x) => (N / (x.ms / 1000)).toFixed(0)).join(", ")}), ` +
      `batch of 256 p50 ${percentile(batches, 0.5).toFixed(1)} ms p99 ${
        percentile(batches, 0.99).toFixed(1)
      } ms; messages: ${last.afterWait} after the first wave` +
      (kind === "grouped"
        ? `, ${last.insideInterval} for a second wave inside the interval, ${last.nextInterval} after it`
        : ""),
  );
}
console.log(`grouped / plain dispatch throughput: ${(rate("grouped") / rate("plain")).toFixed(2)}`);
