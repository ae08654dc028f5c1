/**
 * Slack `thread:` against a Web API stand-in that answers `chat.postMessage` with a `ts` and
 * records `thread_ts`: one thread per key and channel, the first message to the channel and the
 * rest as replies (optionally broadcast), a failed first message leaving the next to start the
 * thread, and, in a real `sluice run`, a group's digests as replies in the entity's thread.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { startPipeline } from "./support/pipeline.ts";
import { problemsOf } from "./support/rules.ts";
import { type Sink, type SinkRequest, startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

/** A chat.postMessage stand-in: `ts` 1000.000001, 1000.000002, …; `fail` refuses a request. */
function slackApi(fail: (body: Record<string, unknown>, n: number) => boolean = () => false) {
  let posted = 0;
  return startSink((req: SinkRequest, n) => {
    const body = JSON.parse(req.body);
    if (fail(body, n)) return Response.json({ ok: false, error: "channel_not_found" });
    return Response.json({ ok: true, ts: `1000.${String(++posted).padStart(6, "0")}` });
  });
}

const sent = (sink: Sink) =>
  sink.requests.map((r) => {
    const { text, thread_ts, reply_broadcast } = JSON.parse(r.body);
    return { text, thread_ts, reply_broadcast };
  });

const rule = (extra = "") => `
on: feeds.activity.reaction.added
do:
  - slack:
      token: xoxb-test
      channel: C1
      thread: activity.id
      text: "{{ activity.id }} {{ n }}"
      retry: { max_attempts: 1 }
${extra}`;

const flag = (id: string, n: number) => ({
  type: "feeds.activity.reaction.added",
  n,
  activity: { id },
});

Deno.test("one thread per key: the first message to the channel, the rest as replies", async () => {
  const sink = slackApi();
  const p = await startPipeline({ "r.yaml": rule("      reply_broadcast: true") }, {}, {
    actions: { slack: { apiUrl: `${sink.url}/api` } },
  });
  try {
    for (const [id, n] of [["act-1", 1], ["act-2", 2], ["act-1", 3], ["act-1", 4]] as const) {
      await p.send(flag(id, n));
      await sink.waitFor(n);
    }
    assertEquals(sent(sink), [
      { text: "act-1 1", thread_ts: undefined, reply_broadcast: undefined },
      { text: "act-2 2", thread_ts: undefined, reply_broadcast: undefined },
      { text: "act-1 3", thread_ts: "1000.000001", reply_broadcast: true },
      { text: "act-1 4", thread_ts: "1000.000001", reply_broadcast: true },
    ]);
  } finally {
    await p.close();
    await sink.close();
  }
});

Deno.test("a first message that failed leaves the next one to start the thread", async () => {
  const sink = slackApi((_body, n) => n === 0);
  const p = await startPipeline({ "r.yaml": rule() }, {}, {
    actions: { slack: { apiUrl: `${sink.url}/api` } },
  });
  try {
    for (const n of [1, 2, 3]) {
      await p.send(flag("act-1", n));
      await sink.waitFor(n);
    }
    assertEquals(sent(sink).map((m) => [m.text, m.thread_ts]), [
      ["act-1 1", undefined],
      ["act-1 2", undefined],
      ["act-1 3", "1000.000001"],
    ]);
    await waitUntil(async () => (await p.store.stats()).deadLetters === 1, "the refused one");
  } finally {
    await p.close();
    await sink.close();
  }
});

Deno.test("thread needs token and channel; a bad expression is named", async () => {
  const hook = await problemsOf(
    "on: user.banned\ndo:\n  - slack: { webhook_url: 'https://h.example/x', thread: user.id, text: hi }\n",
  );
  assertIncludes(hook.join("\n"), '"thread" needs "token" and "channel"');
  const bad = await problemsOf(
    "on: user.banned\ndo:\n  - slack: { token: x, channel: C1, thread: 'user.id +', text: hi }\n",
  );
  assertIncludes(bad.join("\n"), "do[0].slack.thread: invalid JSONata");
});

Deno.test({
  name: "with group, each digest is a reply in the entity's thread (a real sluice run)",
  sanitizeResources: false,
  async fn() {
    const sink = slackApi();
    const files = {
      "sluice.yaml": `slack: { api_url: "${sink.url}/api" }\n`,
      "rules/flags.yaml": `
on: feeds.activity.reaction.added
group: { key: activity.id, wait: 1s, interval: 2s }
do:
  - slack:
      token: xoxb-test
      channel: C1
      thread: $group.key
      text: "{{ $group.count }} flags on {{ $group.key }}"
`,
    };
    await withTree(files, async (dir) => {
      const sluice = await startSluice(dir);
      try {
        let n = 0;
        const send = async (id: string) =>
          assertEquals(
            (await postWebhook(sluice.url, JSON.stringify(flag(id, ++n)))).status,
            200,
          );
        for (let i = 0; i < 3; i++) await send("act-1");
        await send("act-2");
        await sink.waitFor(2, 15_000);
        for (let i = 0; i < 2; i++) await send("act-1");
        await sink.waitFor(3, 15_000);
        const messages = sent(sink);
        const first = messages.findIndex((m) => m.text === "3 flags on act-1");
        assertEquals(messages[first].thread_ts, undefined);
        assertEquals(messages.find((m) => m.text === "1 flags on act-2")?.thread_ts, undefined);
        assertEquals(messages[2], {
          text: "2 flags on act-1",
          thread_ts: `1000.00000${first + 1}`,
          reply_broadcast: undefined,
        });
      } finally {
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
    });
  },
});
