/**
 * Secrets never show: a Slack webhook URL, a bearer token and an SMTP password used by failing
 * deliveries (whose targets even echo them back) do not appear in sluice's logs, dead letters,
 * `dlq list`, `match` or `test` output.
 */
import { assertEquals, assertOk } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { startSluice } from "./support/sluice_process.ts";
import { postWebhook } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const SECRETS = ["SECRETHOOK1234", "SECRETTOKEN5678", "SECRETPASS9012"];

const rules = {
  "rules/leaky.yaml": `
on: user.banned
do:
  - slack: { webhook_url: "\${SINK}/services/T000/B000/SECRETHOOK1234", text: "{{ user.id }}" }
  - http:
      url: \${SINK}/api
      headers: { Authorization: "Bearer SECRETTOKEN5678" }
      json: { id: "{{ user.id }}" }
  - email:
      smtp_url: "smtp://ops:SECRETPASS9012@127.0.0.1:9"
      from: sluice@example.com
      to: ts@example.com
      subject: "{{ user.id }}"
      text: x
      retry: { max_attempts: 1 }
`,
  "rules/leaky.test.yaml": `
cases:
  - name: wrong expectations print secrets masked
    event: { type: user.banned, user: { id: u1 } }
    expect:
      actions:
        - slack: { webhook_url: "https://hooks.slack.com/other", text: nope }
        - http: { headers: { Authorization: "Bearer other" } }
`,
};

Deno.test("secrets appear in no log, dead letter, dlq, match or test output", async () => {
  // The stand-in for Slack and the partner API fails, echoing the request line and headers back.
  const sink = startSink((req) =>
    new Response(`${req.path} ${req.headers.get("authorization") ?? ""}`, { status: 404 })
  );
  await withTree(rules, async (dir) => {
    const env = { SINK: sink.url, SLUICE_LOG: "debug" };
    const sluice = await startSluice(dir, env);
    let outputs = "";
    try {
      const res = await postWebhook(
        sluice.url,
        JSON.stringify({ type: "user.banned", user: { id: "u1" } }),
      );
      assertEquals(res.status, 200);
      await waitUntil(
        () => sluice.logs.filter((l) => l.msg === "delivery dead").length === 3,
        "3 dead letters",
        20_000,
      );
    } finally {
      await sluice.stop();
      await sink.close();
    }
    const cli = (args: string[]) => runSluice(args, { cwd: dir, env });
    const list = await cli(["dlq", "list"]);
    const json = await cli(["dlq", "list", "--json"]);
    const match = await runSluice(["match", "--event", "-"], {
      cwd: dir,
      env,
      stdin: JSON.stringify({ type: "user.banned", user: { id: "u1" } }),
    });
    assertEquals(match.code, 0, match.stderr);
    assertEquals(JSON.parse(match.stdout).matches[0].actions.length, 3);
    const test = await cli(["test"]);
    assertEquals(JSON.parse(json.stdout).length, 3);
    assertOk(list.stdout.includes("3 dead letter(s)"));
    assertEquals(test.code, 1);
    outputs = [
      JSON.stringify(sluice.logs),
      list.stdout,
      json.stdout,
      match.stdout + match.stderr,
      test.stdout,
    ].join("\n");
    assertOk(json.stdout.includes("[redacted]"));
    for (const secret of SECRETS) {
      const at = outputs.indexOf(secret);
      assertEquals(at, -1, `${secret} leaked: ${outputs.slice(Math.max(0, at - 300), at + 50)}`);
    }
  });
});
