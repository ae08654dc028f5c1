/**
 * SQS messages per second from the queue to stored and deleted, against a bare baseline in the
 * same run: the same SDK client receiving and batch-deleting with the same number of pollers,
 * storing nothing. The queue is the test fake in its own process, preloaded with N copies of the
 * 2 KB `feeds.activity.added` fixture.
 *
 *   deno run -A bench/load/sqs_load.ts [--messages 5000] [--pollers 4]
 */
import { parseArgs } from "node:util";
import { createSqsClient } from "../../src/ingress/sqs/client.ts";
import { SqsPoller } from "../../src/ingress/sqs/poller.ts";
import { Logger } from "../../src/observe/log.ts";
import { Inbox } from "../../src/inbox/inbox.ts";
import { openStore } from "../../src/store/mod.ts";
import { projectRoot } from "../../test/support/cli.ts";
import { sdkTestEnv } from "../../test/support/fake_sqs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    messages: { type: "string", default: "5000" },
    pollers: { type: "string", default: "4" },
  },
});
const N = Number(values.messages);
const POLLERS = Number(values.pollers);
for (const [k, v] of Object.entries(sdkTestEnv)) Deno.env.set(k, v);

const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    `--config=${projectRoot}/deno.json`,
    `${projectRoot}/bench/load/fake_sqs_server.ts`,
    String(N),
  ],
  stdout: "piped",
}).spawn();
const line = (await server.stdout.pipeThrough(new TextDecoderStream()).getReader().read()).value!;
const base = JSON.parse(line.split("\n")[0]).url as string;
const queueUrl = (name: string) => `${base}/000000000000/${name}`;

async function depth(name: string): Promise<number> {
  const res = await fetch(base, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": "AmazonSQS.GetQueueAttributes",
    },
    body: JSON.stringify({ QueueUrl: queueUrl(name) }),
  });
  return Number((await res.json()).Attributes.ApproximateNumberOfMessages);
}

async function baseline(): Promise<number> {
  const client = await createSqsClient(queueUrl("baseline"));
  const start = performance.now();
  let deleted = 0;
  let end = 0;
  await Promise.all(Array.from({ length: POLLERS }, async () => {
    while (deleted < N) {
      const messages = await client.receive(10, 1, 60, new AbortController().signal);
      if (messages.length) await client.deleteBatch(messages);
      deleted += messages.length;
    }
    end ||= performance.now();
  }));
  const rate = N / ((end - start) / 1000);
  client.close();
  return rate;
}

async function sluice(): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-sqs-bench-" });
  const store = await openStore(`sqlite:${dir}/sluice.db`);
  const poller = new SqsPoller({
    inbox: new Inbox({ store }),
    queueUrl: queueUrl("sluice"),
    client: await createSqsClient(queueUrl("sluice")),
    store,
    log: new Logger("error"),
    maxBodyBytes: 1 << 20,
    pollers: POLLERS,
    waitSeconds: 1,
    maxPending: 1_000_000,
  });
  const start = performance.now();
  poller.start();
  while ((await depth("sluice")) > 0) await new Promise((r) => setTimeout(r, 20));
  const rate = N / ((performance.now() - start) / 1000);
  await poller.stop();
  const stored = (await store.stats()).pendingEvents;
  await store.close();
  await Deno.remove(dir, { recursive: true });
  if (stored !== N) throw new Error(`expected ${N} stored events, found ${stored}`);
  return rate;
}

const bare = await baseline();
const ours = await sluice();
console.log(`| run (${N} messages, ${POLLERS} pollers) | messages/s |`);
console.log(`| --- | --- |`);
console.log(`| bare SDK receive + delete | ${bare.toFixed(0)} |`);
console.log(
  `| sluice: decode, store (FULL), delete | ${ours.toFixed(0)} (${
    (ours / bare).toFixed(2)
  }× bare) |`,
);
server.kill("SIGTERM");
await server.status;
