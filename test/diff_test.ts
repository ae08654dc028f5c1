/**
 * `sluice diff` through the CLI against the store of a running `sluice run`: per-rule counts
 * before → after, the events that change (rules starting and stopping, parameters that differ,
 * secrets masked), `--json`, and `--fail-on-change` for CI.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const ban = (text: string) =>
  `name: bans
on: user.banned
do:
  - http:
      url: "\${SINK}/ban"
      headers: { authorization: "Bearer \${PARTNER_TOKEN}" }
      json: { text: "${text}" }
`;
const flags = (proposed: boolean) =>
  `name: flags
on: feeds.activity.reaction.added
if: reaction.type = "flag"${proposed ? ' and activity.id != "act-2"' : ""}
do:
  - http: { url: "\${SINK}/flag", json: { id: "{{ activity.id }}" } }
`;

const files = {
  "rules/bans.yaml": ban("{{ user.id }} banned"),
  "rules/flags.yaml": flags(false),
  "proposed/bans.yaml": ban("{{ user.id }} was banned"),
  "proposed/flags.yaml": flags(true),
  "proposed/unbans.yaml":
    'name: unbans\non: user.unbanned\ndo:\n  - http: { url: "${SINK}/unban" }\n',
};

Deno.test({
  name: "diff reports what a rule change would have done to the stored traffic",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree(files, async (dir) => {
      const env = { SINK: sink.url, PARTNER_TOKEN: "tok-diff-secret-1234567890" };
      const sluice = await startSluice(dir, env);
      try {
        const events = [
          { type: "user.banned", user: { id: "mallory" } },
          {
            type: "feeds.activity.reaction.added",
            reaction: { type: "flag" },
            activity: { id: "act-1" },
          },
          {
            type: "feeds.activity.reaction.added",
            reaction: { type: "flag" },
            activity: { id: "act-2" },
          },
          {
            type: "feeds.activity.reaction.added",
            reaction: { type: "like" },
            activity: { id: "act-3" },
          },
          { type: "user.unbanned", user: { id: "mallory" } },
        ];
        for (const e of events) {
          assertEquals((await postWebhook(sluice.url, JSON.stringify(e))).status, 200);
        }
        await sink.waitFor(3);
        const diff = (...args: string[]) =>
          runSluice(["diff", "--rules", "proposed", ...args], { cwd: dir, env });
        const text = await diff();
        assertEquals(text.code, 0, text.stderr);
        assertIncludes(text.stdout, "5 stored event(s) since");
        assertIncludes(text.stdout, "bans         1 → 1\n");
        assertIncludes(text.stdout, "flags        2 → 1  (-1)");
        assertIncludes(text.stdout, "unbans       0 → 1  (starts firing)");
        assertIncludes(text.stdout, "3 event(s) change; the first 3:");
        assertIncludes(text.stdout, "stops firing: flags");
        assertIncludes(text.stdout, "starts firing: unbans");
        assertIncludes(
          text.stdout,
          'bans do[0].http.json.text: "mallory banned" → "mallory was banned"',
        );
        assertOk(!text.stdout.includes("tok-diff-secret"), "secrets masked");

        const json = JSON.parse((await diff("--json", "--limit", "1")).stdout);
        assertEquals(json.events, 5);
        assertEquals(json.changed, 3);
        assertEquals(json.samples.length, 1);
        assertEquals(json.rules, [
          { rule: "bans", before: 1, after: 1 },
          { rule: "flags", before: 2, after: 1 },
          { rule: "unbans", before: 0, after: 1 },
        ]);

        assertEquals((await diff("--fail-on-change")).code, 1);
        const same = await runSluice(["diff", "--rules", "rules", "--fail-on-change"], {
          cwd: dir,
          env,
        });
        assertEquals(same.code, 0, same.stdout);
        assertIncludes(same.stdout, "no event's outcome changes");
        const none = await diff("--since", "1ms");
        assertIncludes(none.stdout, "0 stored event(s)");

        const bad = await runSluice(["diff"], { cwd: dir, env });
        assertEquals(bad.code, 2);
        assertIncludes(bad.stderr, "--rules DIR (the proposed rules) is required");
        await waitUntil(async () => (await fetch(`${sluice.url}/healthz`)).ok, "still serving");
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
    });
  },
});
