/**
 * The small queue interface the poller needs, and its implementation on `@aws-sdk/client-sqs`:
 * the only file that imports the AWS SDK (loaded on first use, so commands that poll nothing do
 * not pay for it). Credentials come from the SDK's default chain; the region from `AWS_REGION`,
 * or else from the queue URL; the endpoint from `AWS_ENDPOINT_URL_SQS`, or else the queue URL.
 */

/** One received message. */
export interface QueueMessage {
  id: string;
  receipt: string;
  body: string;
  receiveCount: number;
}

/** A message SQS would not delete or extend, and why. */
export interface EntryFailure {
  id: string;
  code: string;
  message: string;
}

/** The five operations the poller uses. */
export interface QueueClient {
  receive(
    max: number,
    waitSeconds: number,
    visibilitySeconds: number,
    signal: AbortSignal,
  ): Promise<QueueMessage[]>;
  deleteBatch(messages: QueueMessage[]): Promise<EntryFailure[]>;
  extendBatch(messages: QueueMessage[], visibilitySeconds: number): Promise<EntryFailure[]>;
  close(): void;
}

/** The region in an `https://sqs.<region>.amazonaws.com/…` queue URL, if it has one. */
export function regionOfQueueUrl(url: string): string | undefined {
  return /^https?:\/\/sqs[.-]([a-z0-9-]+)\.amazonaws\.com/.exec(url)?.[1];
}

/** A {@link QueueClient} for one queue on the real SDK. */
export async function createSqsClient(queueUrl: string): Promise<QueueClient> {
  const sdk = await import("@aws-sdk/client-sqs");
  const region = Deno.env.get("AWS_REGION") ?? Deno.env.get("AWS_DEFAULT_REGION") ??
    regionOfQueueUrl(queueUrl) ?? "us-east-1";
  // The queue URL's origin is the endpoint (the SDK would use it anyway, with a warning on stderr
  // when it differs from the region's default); AWS_ENDPOINT_URL_SQS still wins.
  const endpoint = Deno.env.get("AWS_ENDPOINT_URL_SQS") ?? new URL(queueUrl).origin;
  const client = new sdk.SQSClient({ region, endpoint });
  const entries = (messages: QueueMessage[]) =>
    messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.receipt }));
  const failures = (
    messages: QueueMessage[],
    failed: { Id?: string; Code?: string; Message?: string }[] = [],
  ) =>
    failed.map((f) => ({
      id: messages[Number(f.Id?.slice(1))]?.id ?? String(f.Id),
      code: f.Code ?? "Unknown",
      message: f.Message ?? "",
    }));
  return {
    async receive(max, waitSeconds, visibilitySeconds, signal) {
      const out = await client.send(
        new sdk.ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: max,
          WaitTimeSeconds: waitSeconds,
          VisibilityTimeout: visibilitySeconds,
          MessageSystemAttributeNames: ["ApproximateReceiveCount"],
        }),
        { abortSignal: signal },
      );
      return (out.Messages ?? []).map((m) => ({
        id: m.MessageId ?? "",
        receipt: m.ReceiptHandle ?? "",
        body: m.Body ?? "",
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
      }));
    },
    async deleteBatch(messages) {
      const out = await client.send(
        new sdk.DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries(messages) }),
      );
      return failures(messages, out.Failed);
    },
    async extendBatch(messages, visibilitySeconds) {
      const out = await client.send(
        new sdk.ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries(messages).map((e) => ({ ...e, VisibilityTimeout: visibilitySeconds })),
        }),
      );
      return failures(messages, out.Failed);
    },
    close() {
      client.destroy();
    },
  };
}
