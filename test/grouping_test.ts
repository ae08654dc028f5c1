/**
 * Digests, silences and throttles as a user sees them: timed test cases through `sluice test`,
 * and a real `sluice run` that groups a burst into one digest (durably: killed with the group
 * open, it sends the digest once after the restart), holds a silenced rule within a second of
 * `sluice silence add`, and names the throttle window in the decision record.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { projectRoot, runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

Deno.test("timed test cases: a burst makes digests, a silence holds, a throttle sends once per window", async () => {
  const r = await runSluice(["test", `${projectRoot}/test/fixtures/timed/rules`]);
  assertEquals(r.code, 0, r.stdout);
  assertIncludes(r.stdout, "3 passed, 0 failed");
});

const rules = {
  "rules/digest.yaml": `name: digest
on: feeds.activity.reaction.added
group: { key: activity.id, wait: 2s, interval: 3s }
do:
  - http: { url: "\${SINK}/digest", json: { key: "{{ $group.key }}", count: "{{ $group.count }}" } }
`,
  "rules/bans.yaml": `name: bans
on: user.banned
throttle: { key: user.id, per: 10m }
do:
  - http: { url: "\${SINK}/ban", json: { id: "{{ user.id }}" } }
`,
};

const flag = (n: number, activity = "act-1") =>
  JSON.stringify({ type: "feeds.activity.reaction.added", n, activity: { id: activity } });

Deno.test("a group survives kill -9: its digest is sent once, after the restart", async () => {
  const sink = startSink();
  await withTree(rules, async (dir) => {
    const env = { SINK: sink.url, SLUICE_LOG: "debug" };
    let sluice = await startSluice(dir, env);
    for (const n of [1, 2, 3]) assertEquals((await postWebhook(sluice.url, flag(n))).status, 200);
    const res = await postWebhook(sluice.url, flag(4, "act-2"));
    const { id } = await res.json();
    await sluice.kill();
    assertEquals(sink.requests.length, 0, "killed before the group was due");
    sluice = await startSluice(dir, env);
    try {
      const got = await sink.waitFor(2, 15_000);
      const bodies = got.map((r) => JSON.parse(r.body)).sort((a, b) => a.key < b.key ? -1 : 1);
      assertEquals(bodies, [{ key: "act-1", count: 3 }, { key: "act-2", count: 1 }]);
      await new Promise((r) => setTimeout(r, 4_000)); // past the interval: nothing new, closed
      assertEquals(sink.requests.length, 2, "each group sent once");
      const shown = await runSluice(["inbox", "show", id, "--json"], { cwd: dir });
      const record = JSON.parse(shown.stdout);
      assertEquals(record.decision.rules[0].group.key, "act-2");
      assertEquals(record.deliveries.length, 1, "the digest is the newest event's delivery");
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});

Deno.test("silence add holds a running rule within a second; the throttle window is named", async () => {
  const sink = startSink();
  await withTree(rules, async (dir) => {
    const sluice = await startSluice(dir, { SINK: sink.url });
    const cli = (args: string[]) => runSluice(args, { cwd: dir, env: { SINK: sink.url } });
    try {
      const ban = (id: string) =>
        postWebhook(
          sluice.url,
          JSON.stringify({ type: "user.banned", user: { id }, n: crypto.randomUUID() }),
        );
      assertEquals((await ban("u1")).status, 200);
      await sink.waitFor(1);
      const second = await (await ban("u1")).json();
      const record = await waitUntil(async () => {
        const r = JSON.parse((await cli(["inbox", "show", second.id, "--json"])).stdout);
        return r.decision ? r : undefined;
      }, "dispatched");
      assertEquals(record.decision.rules[0].throttle.key, "u1");
      assertOk(
        Date.parse(record.decision.rules[0].throttle.until) > 0 ||
          record.decision.rules[0].throttle.until > 0,
      );
      const listed = await cli(["throttle", "list", "--rule", "bans"]);
      assertIncludes(listed.stdout, "bans  u1  until");

      const added = await cli([
        "silence",
        "add",
        "--rule",
        "bans",
        "--if",
        'user.id = "u2"',
        "--for",
        "1h",
        "--reason",
        "known spammer",
      ]);
      assertEquals(added.code, 0, added.stderr);
      await new Promise((r) => setTimeout(r, 1_500));
      const held = await (await ban("u2")).json();
      assertEquals((await ban("u3")).status, 200);
      await sink.waitFor(2);
      const heldRecord = await waitUntil(async () => {
        const r = JSON.parse((await cli(["inbox", "show", held.id, "--json"])).stdout);
        return r.decision ? r : undefined;
      }, "held dispatched");
      assertEquals(heldRecord.decision.rules[0].silenced.reason, "known spammer");
      await new Promise((r) => setTimeout(r, 300));
      assertEquals(sink.requests.map((r) => JSON.parse(r.body).id), ["u1", "u3"]);
      const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
      assertIncludes(metrics, 'sluice_rule_suppressed_total{rule="bans",reason="silenced"} 1');
      assertIncludes(metrics, 'sluice_rule_suppressed_total{rule="bans",reason="throttled"} 1');
      const [s] = (await cli(["silence", "list"])).stdout.trim().split("  ");
      assertEquals((await cli(["silence", "expire", s])).code, 0);
      assertEquals((await cli(["throttle", "reset", "--rule", "bans", "--key", "u1"])).code, 0);
      assertEquals((await cli(["throttle", "reset", "--rule", "bans", "--key", "u1"])).code, 1);
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});
