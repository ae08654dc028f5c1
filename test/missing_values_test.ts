/**
 * A template that finds nothing is visible: `{{ creted_by.id }}` (a typo) leaves `banned_by` out of
 * the JSON sent, and the user sees why in `match` and `match --explain`, in the event's decision
 * record (`inbox show`), and in `sluice_template_missing_total` on `/metrics`.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const files = {
  "rules/ban.yaml": `name: ban
on: user.banned
do:
  - http:
      url: "\${SINK}/ban"
      json: { user: "{{ user.id }}", banned_by: "{{ creted_by.id }}" }
`,
  "event.json": JSON.stringify({ type: "user.banned", user: { id: "mallory" } }),
};
const LEFT_OUT = "do[0].http.json.banned_by: {{ creted_by.id }} found nothing";

Deno.test("match and match --explain name a template that found nothing", async () => {
  await withTree(files, async (dir) => {
    const out = await runSluice(["match", "--explain", "--event", "event.json"], {
      cwd: dir,
      env: { SINK: "http://127.0.0.1:9" },
    });
    assertEquals(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assertEquals(result.matches[0].actions[0].params.json, { user: "mallory" });
    assertEquals(result.matches[0].actions[0].missing, [LEFT_OUT]);
    assertEquals(result.explain[0].missing, [LEFT_OUT]);
  });
});

Deno.test({
  name: "a running sluice records and counts it",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree(files, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url });
      try {
        const res = await postWebhook(sluice.url, await Deno.readTextFile(`${dir}/event.json`));
        const { id } = await res.json();
        const [req] = await sink.waitFor(1);
        assertEquals(JSON.parse(req.body), { user: "mallory" });
        const metrics = await waitUntil(async () => {
          const text = await (await fetch(`${sluice.url}/metrics`)).text();
          return text.includes("sluice_template_missing_total{") ? text : "";
        }, "the counter");
        assertIncludes(metrics, 'sluice_template_missing_total{rule="ban"} 1');
        const shown = await runSluice(["inbox", "show", id], { cwd: dir, env: { SINK: sink.url } });
        assertIncludes(shown.stdout, `ban: fired\n    left out: ${LEFT_OUT}`);
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
    });
  },
});
