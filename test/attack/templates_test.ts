/**
 * Attack: event values that try to change what the rule author wrote, against a real `sluice run`
 * with real sinks (HTTP, HTTPS, SMTP). Before: an activity id of `../../admin/users/delete?…`
 * sent the rule's bearer token to `/admin/users/delete`; a display name added a recipient and
 * became the SMTP sender (a group in it gave 121 recipients); `<script>` reached `html` email
 * verbatim; 80 flaggers pushed a field of the shipped `review-queue-to-slack` card over 2,000
 * characters and it was never posted; an https→http redirect on the same host was followed with
 * `Authorization`. Each is now encoded, quoted, escaped, fitted or refused, as asserted below.
 */
import { DatabaseSync } from "node:sqlite";
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { projectRoot } from "../support/cli.ts";
import { problemsOf } from "../support/rules.ts";
import { startPipeline } from "../support/pipeline.ts";
import { startSink } from "../support/sink.ts";
import { startSmtp } from "../support/smtp.ts";
import { postWebhook, startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { waitUntil } from "../support/wait.ts";

const tls = `${projectRoot}/test/fixtures/tls`;

const RULES = {
  "rules/review.yaml": `
on: feeds.activity.added
do:
  - http:
      url: "\${SINK}/api/review/{{ activity.id }}?by={{ activity.user.id }}"
      headers: { authorization: "Bearer \${PARTNER_TOKEN}" }
      retry: { max_attempts: 1 }
`,
  "rules/ban-mail.yaml": `
on: user.banned
do:
  - email:
      smtp_url: "\${SMTP}"
      from: "{{ user.name }} <alerts@sluice.example>"
      to: "{{ user.name }} <{{ user.custom.email }}>"
      cc: '"{{ user.name }}" <cc@sluice.example>'
      subject: "Banned: {{ user.name }}"
      text: "{{ reason }}"
      html: "<p>Reason: {{ reason }}</p>"
      retry: { max_attempts: 1 }
`,
  "rules/unban.yaml": `
on: user.unbanned
do:
  - http:
      url: "\${TLS_SINK}/start"
      headers: { authorization: "Bearer \${PARTNER_TOKEN}" }
      retry: { max_attempts: 1 }
`,
  "rules/review-queue-to-slack.yaml": await Deno.readTextFile(
    `${projectRoot}/rules/review-queue-to-slack.yaml`,
  ),
};

/** What the store holds about deliveries, read as an operator would with sqlite3. */
function deliveries(dir: string) {
  const db = new DatabaseSync(`${dir}/data/sluice.db`, { readOnly: true });
  try {
    return db.prepare("SELECT rule, status, last_error, notes FROM sluice_deliveries ORDER BY id")
      .all() as { rule: string; status: string; last_error: string | null; notes: string | null }[];
  } finally {
    db.close();
  }
}

Deno.test({
  name: "attack: event values are encoded for the URL, the mailbox, the HTML and Slack's limits",
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    const smtp = await startSmtp();
    const tlsSink = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      cert: await Deno.readTextFile(`${tls}/cert.pem`),
      key: await Deno.readTextFile(`${tls}/key.pem`),
      onListen() {},
    }, (req) => {
      const at = new URL(req.url);
      // Same host and port, scheme downgraded: the Authorization header would go in clear text.
      return new Response(null, {
        status: 302,
        headers: { location: `http://127.0.0.1:${at.port}/landing` },
      });
    });
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir, {
        SINK: sink.url,
        TLS_SINK: `https://127.0.0.1:${tlsSink.addr.port}`,
        SMTP: `smtp://127.0.0.1:${smtp.port}`,
        PARTNER_TOKEN: "partner-secret-token",
        SLACK_MODERATION_WEBHOOK: `${sink.url}/slack/moderation`,
        DENO_CERT: `${tls}/ca.pem`,
      });
      let n = 0;
      const send = async (event: unknown) => {
        const res = await postWebhook(sluice.url, JSON.stringify(event), { webhookId: `a${n++}` });
        assertEquals(res.status, 200, await res.text());
      };
      try {
        // 6. Path traversal, encoded dots, backslashes, a fragment: each stays one segment.
        const ids = [
          "../../admin/users/delete?confirm=yes&x=",
          "%2e%2e%2fadmin",
          "..\\..\\admin",
          "x#frag?y=1",
        ];
        for (const id of ids) {
          await send({ type: "feeds.activity.added", activity: { id, user: { id: "a&b=c" } } });
        }
        await send({ type: "feeds.activity.added", activity: { id: "..", user: { id: "u" } } });

        // 7, 8. A display name that is a second recipient, a group of 121, HTML in a value.
        const group = `All: ${Array.from({ length: 121 }, (_, i) => `u${i}@evil.example`)};`;
        for (const name of ["attacker@evil.example, Bob", group, "x <eve@evil.example> ("]) {
          await send({
            type: "user.banned",
            user: { name, custom: { email: "bob@corp.example" } },
            reason: `<script>alert(1)</script><img src="https://t.example/p.gif">`,
          });
        }

        // 10. The shipped card, with 80 flaggers: the fields go over 2,000 characters.
        const sample = JSON.parse(
          await Deno.readTextFile(`${projectRoot}/examples/events/review_queue_item.new.json`),
        );
        delete sample.created_at;
        const flag = sample.review_queue_item.flags[0];
        sample.review_queue_item.flags = Array.from({ length: 80 }, (_, i) => ({
          ...flag,
          user_id: `flagger-${i}-${"x".repeat(20)}`,
          reason: `reason number ${i}`,
        }));
        await send(sample);

        // 11. A same-host https → http redirect.
        await send({ type: "user.unbanned", user: { id: "u1" } });

        await waitUntil(() => smtp.messages.length === 3, "three emails", 60_000);
        await waitUntil(
          () =>
            deliveries(dir).every((d) => d.status !== "pending") && deliveries(dir).length === 10,
          "every delivery finished",
          60_000,
        );

        const api = sink.requests.filter((r) => r.path.startsWith("/api/"));
        assertEquals(
          api.map((r) => r.path).sort(),
          [
            "/api/review/..%2F..%2Fadmin%2Fusers%2Fdelete%3Fconfirm%3Dyes%26x%3D?by=a%26b%3Dc",
            "/api/review/%252e%252e%252fadmin?by=a%26b%3Dc",
            "/api/review/..%5C..%5Cadmin?by=a%26b%3Dc",
            "/api/review/x%23frag%3Fy%3D1?by=a%26b%3Dc",
          ].sort(),
        );
        assertOk(!sink.requests.some((r) => r.path.includes("/admin/")), "nothing reached /admin");
        const rows = deliveries(dir);
        const dotDot = rows.filter((d) => d.rule === "review" && d.status === "dead");
        assertEquals(dotDot.length, 1);
        assertIncludes(dotDot[0].last_error!, "`.` or `..` path segment");

        for (const m of smtp.messages) {
          assertEquals(m.from, "alerts@sluice.example", "the envelope sender is the author's");
          assertEquals(m.to, ["bob@corp.example", "cc@sluice.example"], "the recipients written");
          const raw = m.raw.replace(/=\r?\n/g, "");
          assertOk(!raw.includes("<p>Reason: <script>"), "html value escaped");
          assertIncludes(
            raw,
            "<p>Reason: &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=3D&quot;",
          );
        }

        const [card] = sink.requests.filter((r) => r.path === "/slack/moderation");
        assertOk(card, "the shipped card was posted");
        const fields = JSON.parse(card.body).blocks[2].fields;
        assertEquals(fields[1].text.length, 2_000);
        assertOk(fields[1].text.endsWith("…"));
        const slack = rows.find((d) => d.rule === "review-queue-to-slack")!;
        assertEquals(slack.status, "done");
        assertIncludes(slack.notes!, "blocks[2].fields[1] cut from");

        const unban = rows.find((d) => d.rule === "unban")!;
        assertEquals(unban.status, "dead");
        assertIncludes(
          unban.last_error!,
          `redirect to another origin (http://127.0.0.1:${tlsSink.addr.port}) not followed`,
        );
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
        await smtp.close();
        await tlsSink.shutdown();
      }
    });
  },
});

Deno.test("attack: Slack webhook_url/token and email smtp_url may not come from templates", async () => {
  const cases = [
    "slack: { webhook_url: 'https://hooks.slack.com/{{ hook }}', text: hi }",
    "slack: { token: 'xoxb-{{ t }}', channel: C1, text: hi }",
    "email: { smtp_url: 'smtp://u:p@{{ host }}:25', to: a@b.co, subject: s, text: t }",
  ];
  for (const action of cases) {
    const problems = await problemsOf(`on: user.banned\ndo:\n  - ${action}\n`);
    assertIncludes(problems.join("\n"), "not a {{ }} template", action);
  }
});

Deno.test("attack: odd event values in http headers are sent, not dead-lettered", async () => {
  const sink = startSink();
  const p = await startPipeline({
    "r.yaml": `on: user.banned
do:
  - http:
      url: "\${SINK}/h"
      headers: { x-user-name: "{{ user.name }}" }
      retry: { max_attempts: 1 }
`,
  }, { SINK: sink.url });
  try {
    const names = ["José 🚀", "a\r\nX-Evil: 1", "nul\u0000x", "\u2028line", "\ud800"];
    for (const name of names) await p.send({ type: "user.banned", user: { name } });
    const got = await sink.waitFor(names.length);
    assertEquals(got.map((r) => r.headers.get("x-user-name")).sort(), [
      "%E2%80%A8line",
      "%EF%BF%BD",
      "José %F0%9F%9A%80",
      "a  X-Evil: 1",
      "nul x",
    ]);
    assertOk(got.every((r) => !r.headers.has("x-evil")), "no header injected");
  } finally {
    await p.close();
    await sink.close();
  }
});
