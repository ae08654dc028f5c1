/**
 * The slack action against a local stand-in for Slack: incoming webhooks and chat.postMessage,
 * their error shapes, escaping of event values, size limits and the per-channel rate limit.
 */
import { assertEquals, assertOk } from "./support/assert.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";
import { type Sink, startSink } from "./support/sink.ts";
import { waitUntil } from "./support/wait.ts";

const event = {
  type: "feeds.activity.reaction.added",
  activity: {
    id: "act-1",
    text: "<!channel> free money at <http://evil.example|bank.example> & more",
  },
  reaction: { user: { id: "mallory" } },
};

const webhookRule = `
on: feeds.activity.reaction.added
do:
  - slack:
      webhook_url: \${SINK}/hook/T0/B0/secret
      text: "*Flagged* <https://app.example/a/{{ activity.id }}|open> {{ activity.text }}"
      blocks:
        - type: section
          text: { type: mrkdwn, text: "> {{ activity.text }}" }
        - type: context
          elements: [{ type: mrkdwn, text: "by {{ reaction.user.id }}" }]
      retry: { initial_delay: 1s, max_delay: 10s }
`;

const apiRule = `
on: feeds.activity.reaction.added
do:
  - slack: { token: xoxb-test-token, channel: C123, text: "{{ activity.id }}", thread_ts: "1700000000.000100" }
`;

async function withSlack(
  rule: string,
  handler: Parameters<typeof startSink>[0],
  fn: (sink: Sink, p: Pipeline) => Promise<void>,
) {
  const sink = startSink(handler);
  const p = await startPipeline({ "r.yaml": rule }, { SINK: sink.url }, {
    actions: { slack: { apiUrl: `${sink.url}/api` } },
    rateIntervals: { slack: 1000 },
  });
  try {
    await fn(sink, p);
  } finally {
    await p.close();
    await sink.close();
  }
}

Deno.test("slack webhook: event values are escaped, the author's formatting is kept", async () => {
  await withSlack(webhookRule, () => new Response("ok"), async (sink, p) => {
    await p.send(event);
    const [req] = await sink.waitFor(1);
    assertEquals(req.path, "/hook/T0/B0/secret");
    const body = JSON.parse(req.body);
    const escaped =
      "&lt;!channel&gt; free money at &lt;http://evil.example|bank.example&gt; &amp; more";
    assertEquals(body.text, `*Flagged* <https://app.example/a/act-1|open> ${escaped}`);
    assertEquals(body.blocks[0].text.text, `> ${escaped}`);
    assertEquals(body.blocks[1].elements[0].text, "by mallory");
    await waitUntil(() => p.attempts.length === 1, "attempt");
    assertEquals(p.attempts[0].result.kind, "done");
  });
});

Deno.test("slack webhook: text codes are permanent, 5xx retried, 429 waits for Retry-After", async () => {
  const answers = [
    new Response("rollup_error", { status: 500 }),
    new Response("rate limited", { status: 429, headers: { "retry-after": "4" } }),
    new Response("channel_not_found", { status: 404 }),
  ];
  await withSlack(webhookRule, (_, n) => answers[n], async (_sink, p) => {
    await p.send(event);
    await waitUntil(() => p.attempts.length === 1, "attempt 1");
    p.advance(10_000);
    await waitUntil(() => p.attempts.length === 2, "attempt 2");
    assertEquals(await p.store.nextDueAt(), p.clock.now() + 4000);
    p.advance(4000);
    await waitUntil(() => p.attempts.length === 3, "attempt 3");
    assertEquals(p.attempts.map((a) => [a.result.kind, a.result.attempt.error]), [
      ["retry", "Slack answered 500 rollup_error"],
      ["retry", "Slack rate limited (429)"],
      ["dead", "Slack webhook answered 404 channel_not_found"],
    ]);
  });
});

Deno.test("chat.postMessage: ok:false under HTTP 200 is read; ratelimited retries, others are permanent", async () => {
  const answers = [{ ok: false, error: "ratelimited" }, { ok: true, ts: "1.2" }, {
    ok: false,
    error: "channel_not_found",
  }];
  await withSlack(apiRule, (_, n) => Response.json(answers[n]), async (sink, p) => {
    await p.send(event);
    await waitUntil(() => p.attempts.length === 1, "attempt 1");
    p.advance(10_000);
    await waitUntil(() => p.attempts.length === 2, "attempt 2");
    await p.send({ ...event, activity: { id: "act-2", text: "x" } });
    p.advance(1000);
    await waitUntil(() => p.attempts.length === 3, "attempt 3");
    assertEquals(p.attempts.map((a) => a.result.kind), ["retry", "done", "dead"]);
    assertEquals(p.attempts[2].result.attempt.error, "chat.postMessage: channel_not_found");
    const req = sink.requests[0];
    assertEquals(req.path, "/api/chat.postMessage");
    assertEquals(req.headers.get("authorization"), "Bearer xoxb-test-token");
    assertEquals(JSON.parse(req.body), {
      text: "act-1",
      thread_ts: "1700000000.000100",
      channel: "C123",
    });
  });
});

Deno.test("one message per second per webhook, shared by rules, waiting in the store", async () => {
  const second = webhookRule.replace("on: feeds", "name: second\non: feeds");
  const sink = startSink();
  const p = await startPipeline({ "a.yaml": webhookRule, "b.yaml": second }, { SINK: sink.url }, {
    rateIntervals: { slack: 1000 },
  });
  try {
    await p.send(event);
    await p.send({ ...event, activity: { id: "act-2", text: "y" } });
    await sink.waitFor(1);
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(sink.requests.length, 1, "three wait");
    assertEquals((await p.store.stats()).pendingDeliveries, 3);
    for (let i = 2; i <= 4; i++) {
      p.advance(1000);
      await sink.waitFor(i);
    }
    assertEquals(sink.requests.length, 4);
  } finally {
    await p.close();
    await sink.close();
  }
});

Deno.test("a message over Slack's limits is fitted and posted, and the delivery says so", async () => {
  const tooMany = `
on: feeds.activity.reaction.added
do:
  - slack:
      webhook_url: "\${SINK}/hook"
      text: "{{ $pad('', 50000, 'x') }}"
      blocks: '{{ [1..51].({"type": "section", "text": {"type": "mrkdwn", "text": $pad("", 3500, "y")}}) }}'
`;
  await withSlack(tooMany, undefined, async (sink, p) => {
    await p.send(event);
    const [req] = await sink.waitFor(1);
    const posted = JSON.parse(req.body);
    assertEquals(posted.text.length, 40_000);
    assertOk(posted.text.endsWith("…"));
    assertEquals(posted.blocks.length, 50);
    assertEquals(posted.blocks[0].text.text.length, 3_000);
    await waitUntil(async () => (await p.store.stats()).pendingDeliveries === 0, "done");
    const [delivery] = await p.store.listDeliveries();
    assertEquals(delivery.status, "done");
    assertEquals(delivery.notes!.slice(0, 3), [
      "text cut from 50000 to 40000 characters",
      "1 of 51 blocks left out",
      "blocks[0].text cut from 3500 to 3000 characters",
    ]);
  });
});
