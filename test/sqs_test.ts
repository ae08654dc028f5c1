/**
 * `sluice run` polling a local SQS fake through the real `@aws-sdk/client-sqs`: the three body
 * forms, duplicates, undecodable messages, a failed delete (the message comes back and is
 * deduplicated), back-pressure with visibility extended, a missing queue, and SIGTERM mid-batch.
 * Credentials are set explicitly and the instance metadata address is never contacted.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";
import { FakeSqs, sdkTestEnv } from "./support/fake_sqs.ts";
import { type Sink, startSink } from "./support/sink.ts";
import { postWebhook, type SluiceProcess, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const forward = `
on: "*"
do:
  - http: { url: "\${SINK}/{{ type }}", json: { id: "{{ $event.id }}", source: "{{ $event.source }}", n: "{{ n }}" } }
`;

const fixture = async (name: string) =>
  JSON.parse(await Deno.readTextFile(`${projectRoot}/examples/events/${name}`));

async function withSqs(
  config: string,
  fn: (
    ctx: {
      fake: FakeSqs;
      sink: Sink;
      sluice: SluiceProcess;
      url: string;
      dir: string;
      env: Record<string, string>;
    },
  ) => Promise<void>,
  sinkHandler?: Parameters<typeof startSink>[0],
  queues?: (fake: FakeSqs) => string,
) {
  const fake = new FakeSqs().start();
  const url = fake.createQueue("stream-events", { visibilityTimeout: 2 });
  const sink = startSink(sinkHandler);
  await withTree({ "rules/all.yaml": forward, "sluice.yaml": config }, async (dir) => {
    const env = {
      SINK: sink.url,
      SLUICE_SQS_QUEUES: queues ? queues(fake) : url,
      ...sdkTestEnv,
      SLUICE_LOG: "debug",
    };
    const sluice = await startSluice(dir, env);
    try {
      await fn({ fake, sink, sluice, url, dir, env });
    } finally {
      await sluice.stop();
      await sink.close();
      await fake.close();
    }
  });
}

const quick = "sqs: { wait_seconds: 1, visibility_timeout: 2 }\n";

Deno.test("SQS: plain, base64+gzip and SNS-envelope bodies are stored, delivered and deleted", async () => {
  await withSqs(quick, async ({ fake, sink }) => {
    fake.send("stream-events", (await fixture("_sqs_message_example.json")).Messages[0].Body);
    fake.send(
      "stream-events",
      (await fixture("_sqs_message_example_compressed.json")).Messages[0].Body,
    );
    const envelope = JSON.stringify(await fixture("_sns_notification_example.json"));
    const compressed = await fixture("_sns_notification_example_compressed.json");
    fake.send("stream-events", envelope);
    fake.send("stream-events", JSON.stringify(compressed));
    // SNS delivered the same notification twice: two SQS messages, one SNS MessageId.
    fake.send("stream-events", envelope);
    fake.send("stream-events", JSON.stringify({ type: "user.banned", n: 5 }));
    const got = await sink.waitFor(5);
    await waitUntil(() => fake.depth("stream-events") === 0, "queue drained");
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(sink.requests.length, 5, "the repeated SNS notification was deduplicated");
    assertEquals(got.map((r) => r.path).sort(), [
      ...Array(4).fill("/feeds.activity.added"),
      "/user.banned",
    ]);
    assertOk(got.every((r) => JSON.parse(r.body).source === "sqs"));
    assertOk(fake.calls.some((c) => c.op === "DeleteMessageBatch"));
    const receive = fake.calls.find((c) => c.op === "ReceiveMessage")!.body;
    assertEquals([receive.MaxNumberOfMessages, receive.WaitTimeSeconds], [10, 1]);
  });
});

Deno.test("SQS: an undecodable message is quarantined and deleted, not retried", async () => {
  await withSqs(quick, async ({ fake, sluice }) => {
    fake.send("stream-events", "this is not an event");
    await waitUntil(() => fake.depth("stream-events") === 0, "message deleted");
    await waitUntil(
      () =>
        sluice.logs.some((l) =>
          l.msg === "sqs message quarantined" && l.reason === "neither JSON nor base64"
        ),
      "the quarantine logged",
    );
  });
});

Deno.test("SQS: a failed delete brings the message back, and it is deduplicated", async () => {
  await withSqs(quick, async ({ fake, sink, sluice }) => {
    // More failures than the SDK's own retries, so the delete really fails.
    fake.fail("DeleteMessageBatch", { status: 500, code: "InternalError" }, 5);
    fake.send("stream-events", JSON.stringify({ type: "user.banned", n: 1 }));
    await sink.waitFor(1);
    await waitUntil(
      () => fake.depth("stream-events") === 0,
      "deleted on the second receive",
      15_000,
    );
    await waitUntil(
      () => sluice.logs.some((l) => l.msg === "sqs duplicate"),
      "the duplicate logged",
    );
    assertEquals(fake.queues.get("stream-events")!.messages.length, 0);
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(sink.requests.length, 1, "processed once");
  });
});

/**
 * Saturates the executor while a long poll is open: three webhook events wait on a sink that holds
 * every request, so the pending deliveries exceed `max_pending: 1`; an SQS message sent now is
 * returned by the poll already in progress and must be held, its visibility extended.
 */
async function saturateThenSend(
  fake: FakeSqs,
  sluice: SluiceProcess,
  sink: Sink,
): Promise<void> {
  for (let n = 1; n <= 3; n++) {
    const res = await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n: -n }));
    assertEquals(res.status, 200);
  }
  fake.send("stream-events", JSON.stringify({ type: "user.banned", n: 1 }));
  await sink.waitFor(1);
}

const holding =
  "sqs: { wait_seconds: 2, visibility_timeout: 2, max_pending: 1 }\nexecutor: { concurrency: 1 }\n";

function heldSink() {
  const gate = Promise.withResolvers<void>();
  return {
    open: () => gate.resolve(),
    handler: async () => {
      await gate.promise;
      return new Response("ok");
    },
  };
}

Deno.test("SQS: a partly failed delete batch is logged; the message comes back and is deduplicated", async () => {
  await withSqs(quick, async ({ fake, sink, sluice }) => {
    fake.failEntries("DeleteMessageBatch");
    fake.send("stream-events", JSON.stringify({ type: "user.banned", n: 1 }));
    await sink.waitFor(1);
    await waitUntil(
      () => fake.depth("stream-events") === 0,
      "deleted on the second receive",
      15_000,
    );
    const failed = await waitUntil(
      () => sluice.logs.find((l) => String(l.msg).startsWith("sqs delete failed")),
      "the failed delete logged",
    );
    assertEquals(failed.code, "InternalError");
    await waitUntil(
      () => sluice.logs.some((l) => l.msg === "sqs duplicate"),
      "the duplicate logged",
    );
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(sink.requests.length, 1, "processed once");
  });
});

Deno.test("SQS: a saturated executor pauses polling; the batch in hand keeps its visibility", async () => {
  const gate = heldSink();
  await withSqs(holding, async ({ fake, sink, sluice }) => {
    await saturateThenSend(fake, sluice, sink);
    await waitUntil(
      () => fake.calls.some((c) => c.op === "ChangeMessageVisibilityBatch"),
      "visibility extended",
      10_000,
    );
    assertEquals(fake.depth("stream-events"), 1, "held, not stored yet");
    gate.open();
    await waitUntil(
      () => fake.depth("stream-events") === 0,
      "stored and deleted once the backlog cleared",
      15_000,
    );
    await sink.waitFor(4);
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(fake.queues.get("stream-events")!.messages.length, 0);
    assertEquals(
      sink.requests.filter((r) => JSON.parse(r.body).n === 1).length,
      1,
      "no double processing",
    );
    await waitUntil(() => sluice.logs.some((l) => l.msg === "sqs message stored"), "stored logged");
    const stored = sluice.logs.filter((l) => l.msg === "sqs message stored");
    assertEquals(stored.length, 1, "received once: visibility never lapsed");
  }, gate.handler);
});

Deno.test("SQS: a missing queue is logged and shown by /readyz, and sluice keeps running", async () => {
  await withSqs(
    quick,
    async ({ sluice, fake }) => {
      await waitUntil(
        () => sluice.logs.some((l) => l.msg === "sqs receive failed"),
        "the failure logged",
      );
      const failure = sluice.logs.find((l) => l.msg === "sqs receive failed")!;
      assertIncludes(String(failure.error), "QueueDoesNotExist");
      assertEquals(failure.queue, fake.queueUrl("nope"));
      const ready = await fetch(`${sluice.url}/readyz`);
      const body = await ready.json();
      assertEquals(ready.status, 503);
      assertEquals(body.queues[0].queueUrl, fake.queueUrl("nope"));
      assertEquals((await fetch(`${sluice.url}/healthz`)).status, 200);
    },
    undefined,
    (fake) => fake.queueUrl("nope"),
  );
});

Deno.test("SQS: SIGTERM mid-batch finishes the batch in hand: stored, deleted, delivered after restart", async () => {
  const gate = heldSink();
  await withSqs(holding, async ({ fake, sink, sluice, dir, env }) => {
    await saturateThenSend(fake, sluice, sink);
    await waitUntil(
      () => fake.calls.some((c) => c.op === "ChangeMessageVisibilityBatch"),
      "batch held",
      10_000,
    );
    const stopped = sluice.stop();
    await new Promise((r) => setTimeout(r, 200));
    gate.open();
    assertEquals(await stopped, 0);
    assertEquals(
      fake.depth("stream-events"),
      0,
      "the held message was stored and deleted on the way out",
    );
    const again = await startSluice(dir, env);
    try {
      await waitUntil(
        () => sink.requests.some((r) => JSON.parse(r.body).n === 1),
        "delivered after restart",
        15_000,
      );
    } finally {
      await again.stop();
    }
  }, gate.handler);
});
