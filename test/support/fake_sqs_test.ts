/** The SQS fake behaves like SQS where the tests rely on it, checked through the real SDK. */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { assertEquals, assertOk, assertRejects } from "./assert.ts";
import { FakeSqs } from "./fake_sqs.ts";

async function withFake(fn: (fake: FakeSqs, client: SQSClient) => Promise<void>) {
  const fake = new FakeSqs().start();
  const client = new SQSClient({
    region: "us-east-1",
    endpoint: fake.url,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  try {
    await fn(fake, client);
  } finally {
    client.destroy();
    await fake.close();
  }
}

Deno.test("fake SQS: visibility, receive counts, new receipt handles and redrive", async () => {
  await withFake(async (fake, client) => {
    fake.createQueue("dlq");
    const url = fake.createQueue("q", {
      visibilityTimeout: 1,
      redrive: { target: "dlq", maxReceiveCount: 2 },
    });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "héllo ✓" }));
    const receive = (wait = 0) =>
      client.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: wait,
        }),
      );
    const first = (await receive()).Messages!;
    assertEquals([first[0].Body, first[0].Attributes?.ApproximateReceiveCount], ["héllo ✓", "1"]);
    assertEquals((await receive()).Messages ?? [], [], "invisible while in flight");
    const second = (await receive(2)).Messages!;
    assertEquals(second[0].Attributes?.ApproximateReceiveCount, "2");
    assertOk(second[0].ReceiptHandle !== first[0].ReceiptHandle);
    await new Promise((r) => setTimeout(r, 1100));
    assertEquals((await receive()).Messages ?? [], [], "moved to the DLQ after maxReceiveCount");
    assertEquals(fake.depth("dlq"), 1);
  });
});

Deno.test("fake SQS: batch validation, partial failures and the error shapes the SDK maps", async () => {
  await withFake(async (fake, client) => {
    const url = fake.createQueue("q");
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: "x" }));
    const tooMany = await assertRejects(
      client.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: entries(11) })),
      Error,
    );
    assertEquals(tooMany.name, "TooManyEntriesInBatchRequest");
    const dup = await assertRejects(
      client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: [{ Id: "a", ReceiptHandle: "x" }, { Id: "a", ReceiptHandle: "y" }],
        }),
      ),
      Error,
    );
    assertEquals(dup.name, "BatchEntryIdsNotDistinct");
    const partial = await client.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: entries(2) }),
    );
    assertEquals([partial.Successful, partial.Failed?.map((f) => f.Code)], [[], [
      "ReceiptHandleIsInvalid",
      "ReceiptHandleIsInvalid",
    ]]);
    const missing = await assertRejects(
      client.send(new ReceiveMessageCommand({ QueueUrl: fake.queueUrl("nope") })),
      Error,
    );
    assertEquals(missing.name, "QueueDoesNotExist");
    const stale = await assertRejects(
      client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: url,
          ReceiptHandle: "nope",
          VisibilityTimeout: 5,
        }),
      ),
      Error,
    );
    assertEquals(stale.name, "ReceiptHandleIsInvalid");
  });
});
