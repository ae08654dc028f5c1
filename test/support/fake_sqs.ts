/**
 * A local SQS that speaks the AWS JSON 1.0 protocol the real `@aws-sdk/client-sqs` uses
 * (`X-Amz-Target: AmazonSQS.<Op>`): long polling, visibility timeouts, receive counts and redrive
 * to a dead-letter queue, real MD5s, batch validation, the documented error shapes, and injected
 * faults. Started by tests on 127.0.0.1.
 */
import { createHash } from "node:crypto";

interface StoredMessage {
  id: string;
  body: string;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
  sentAt: number;
}

interface Queue {
  name: string;
  messages: StoredMessage[];
  visibilityTimeout: number;
  redrive?: { target: string; maxReceiveCount: number };
  waiters: (() => void)[];
}

/** A fault to answer instead of running the next call of an operation. */
export interface InjectedFault {
  status: number;
  code: string;
  queryCode?: string;
}

/**
 * What a sluice process needs to use the real SDK against the fake: explicit credentials and a
 * region, and the instance metadata address switched off (it must never be contacted here).
 */
export const sdkTestEnv = {
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_EC2_METADATA_DISABLED: "true",
} as const;

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** The fake and what it saw. */
export class FakeSqs {
  readonly queues = new Map<string, Queue>();
  readonly calls: { op: string; body: Record<string, unknown> }[] = [];
  private readonly faults = new Map<string, InjectedFault[]>();
  private readonly entryFaults = new Map<string, string>();
  private server!: Deno.HttpServer<Deno.NetAddr>;
  url = "";

  /** Starts serving on 127.0.0.1. */
  start(): this {
    this.server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (req) => this.handle(req),
    );
    this.url = `http://127.0.0.1:${this.server.addr.port}`;
    return this;
  }

  /** Creates a queue; returns its URL. */
  createQueue(
    name: string,
    options: { visibilityTimeout?: number; redrive?: { target: string; maxReceiveCount: number } } =
      {},
  ): string {
    this.queues.set(name, {
      name,
      messages: [],
      visibilityTimeout: options.visibilityTimeout ?? 30,
      redrive: options.redrive,
      waiters: [],
    });
    return this.queueUrl(name);
  }

  queueUrl(name: string): string {
    return `${this.url}/000000000000/${name}`;
  }

  /** Puts a message on a queue directly (as Stream would). */
  send(name: string, body: string): string {
    const q = this.queues.get(name)!;
    const id = crypto.randomUUID();
    q.messages.push({ id, body, receiveCount: 0, visibleAt: 0, sentAt: Date.now() });
    for (const w of q.waiters.splice(0)) w();
    return id;
  }

  /** Makes the next batch call of `op` report every entry as failed, with HTTP 200. */
  failEntries(
    op: "DeleteMessageBatch" | "ChangeMessageVisibilityBatch",
    code = "InternalError",
  ): void {
    this.entryFaults.set(op, code);
  }

  /** Makes the next `count` calls of `op` fail with `fault`. */
  fail(op: string, fault: InjectedFault, count = 1): void {
    this.faults.set(op, [...(this.faults.get(op) ?? []), ...Array(count).fill(fault)]);
  }

  /** Messages not yet deleted (visible or in flight). */
  depth(name: string): number {
    return this.queues.get(name)?.messages.length ?? 0;
  }

  async close(): Promise<void> {
    for (const q of this.queues.values()) for (const w of q.waiters.splice(0)) w();
    await this.server.shutdown();
  }

  private async handle(req: Request): Promise<Response> {
    const target = req.headers.get("x-amz-target") ?? "";
    const op = target.replace(/^AmazonSQS\./, "");
    const body = JSON.parse((await req.text()) || "{}");
    this.calls.push({ op, body });
    const queryMode = req.headers.get("x-amzn-query-mode") === "true";
    if (
      !target.startsWith("AmazonSQS.") ||
      req.headers.get("content-type") !== "application/x-amz-json-1.0"
    ) {
      return this.error(400, "InvalidAction", "not an AWS JSON 1.0 SQS request", queryMode);
    }
    const fault = this.faults.get(op)?.shift();
    if (fault) {
      return this.error(fault.status, fault.code, "injected fault", queryMode, fault.queryCode);
    }
    try {
      return this.ok(await this.run(op, body));
    } catch (e) {
      if (e instanceof SqsError) {
        return this.error(e.status, e.code, e.message, queryMode, e.queryCode);
      }
      throw e;
    }
  }

  private queueOf(body: Record<string, unknown>): Queue {
    const url = String(body.QueueUrl ?? "");
    const q = this.queues.get(url.slice(url.lastIndexOf("/") + 1));
    if (!q || !url.startsWith(this.url)) {
      throw new SqsError(
        400,
        "QueueDoesNotExist",
        "The specified queue does not exist.",
        "AWS.SimpleQueueService.NonExistentQueue",
      );
    }
    return q;
  }

  private async run(op: string, body: Record<string, unknown>): Promise<unknown> {
    switch (op) {
      case "GetQueueUrl": {
        if (!this.queues.has(String(body.QueueName))) this.queueOf({});
        return { QueueUrl: this.queueUrl(String(body.QueueName)) };
      }
      case "SendMessage": {
        const q = this.queueOf(body);
        const id = this.send(q.name, String(body.MessageBody));
        return { MessageId: id, MD5OfMessageBody: md5(String(body.MessageBody)) };
      }
      case "ReceiveMessage":
        return await this.receive(this.queueOf(body), body);
      case "DeleteMessage":
        this.deleteOne(this.queueOf(body), String(body.ReceiptHandle));
        return {};
      case "DeleteMessageBatch":
        return this.batch(body, (q, e) => this.deleteOne(q, String(e.ReceiptHandle)), op);
      case "ChangeMessageVisibility":
        this.changeVisibility(
          this.queueOf(body),
          String(body.ReceiptHandle),
          Number(body.VisibilityTimeout),
        );
        return {};
      case "ChangeMessageVisibilityBatch":
        return this.batch(
          body,
          (q, e) => this.changeVisibility(q, String(e.ReceiptHandle), Number(e.VisibilityTimeout)),
          op,
        );
      case "GetQueueAttributes": {
        const q = this.queueOf(body);
        return { Attributes: { ApproximateNumberOfMessages: String(q.messages.length) } };
      }
      default:
        throw new SqsError(400, "InvalidAction", `unsupported operation ${op}`);
    }
  }

  private async receive(q: Queue, body: Record<string, unknown>) {
    const max = Number(body.MaxNumberOfMessages ?? 1);
    const wait = Number(body.WaitTimeSeconds ?? 0);
    if (max < 1 || max > 10) {
      throw new SqsError(400, "InvalidParameterValue", "MaxNumberOfMessages must be 1 to 10");
    }
    if (wait < 0 || wait > 20) {
      throw new SqsError(400, "InvalidParameterValue", "WaitTimeSeconds must be 0 to 20");
    }
    const deadline = Date.now() + wait * 1000;
    for (;;) {
      const now = Date.now();
      this.redrive(q, now);
      const visible = q.messages.filter((m) => m.visibleAt <= now).slice(0, max);
      if (visible.length || Date.now() >= deadline) {
        const timeout = Number(body.VisibilityTimeout ?? q.visibilityTimeout);
        return {
          Messages: visible.map((m) => {
            m.receiveCount++;
            m.visibleAt = now + timeout * 1000;
            m.receipt = `${m.id}#${crypto.randomUUID()}`;
            return {
              MessageId: m.id,
              ReceiptHandle: m.receipt,
              MD5OfBody: md5(m.body),
              Body: m.body,
              Attributes: {
                ApproximateReceiveCount: String(m.receiveCount),
                SentTimestamp: String(m.sentAt),
              },
            };
          }),
        };
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(100, deadline - Date.now()));
        q.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private redrive(q: Queue, now: number) {
    if (!q.redrive) return;
    const target = this.queues.get(q.redrive.target)!;
    for (const m of [...q.messages]) {
      if (m.visibleAt <= now && m.receiveCount >= q.redrive.maxReceiveCount) {
        q.messages.splice(q.messages.indexOf(m), 1);
        target.messages.push({ ...m, id: crypto.randomUUID(), receiveCount: 0, visibleAt: 0 });
      }
    }
  }

  private deleteOne(q: Queue, receipt: string) {
    const m = q.messages.find((x) => x.receipt === receipt);
    if (!m) {
      if (q.messages.some((x) => receipt.startsWith(`${x.id}#`))) return; // a stale handle of a live message: SQS accepts it
      throw new SqsError(
        400,
        "ReceiptHandleIsInvalid",
        "The receipt handle provided is not valid.",
        "ReceiptHandleIsInvalid",
      );
    }
    q.messages.splice(q.messages.indexOf(m), 1);
  }

  private changeVisibility(q: Queue, receipt: string, timeout: number) {
    const m = q.messages.find((x) => x.receipt === receipt);
    if (!m) {
      throw new SqsError(
        400,
        "ReceiptHandleIsInvalid",
        "The receipt handle provided is not valid.",
        "ReceiptHandleIsInvalid",
      );
    }
    if (m.visibleAt <= Date.now()) {
      throw new SqsError(
        400,
        "MessageNotInflight",
        "The message is not in flight.",
        "AWS.SimpleQueueService.MessageNotInflight",
      );
    }
    m.visibleAt = Date.now() + timeout * 1000;
  }

  private batch(
    body: Record<string, unknown>,
    run: (q: Queue, entry: Record<string, unknown>) => void,
    op: string,
  ) {
    const entryFault = this.entryFaults.get(op);
    this.entryFaults.delete(op);
    const q = this.queueOf(body);
    const entries = (body.Entries ?? []) as Record<string, unknown>[];
    if (entries.length === 0) {
      throw new SqsError(
        400,
        "EmptyBatchRequest",
        "There should be at least one entry in the request.",
        "AWS.SimpleQueueService.EmptyBatchRequest",
      );
    }
    if (entries.length > 10) {
      throw new SqsError(
        400,
        "TooManyEntriesInBatchRequest",
        "Maximum number of entries per request are 10.",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
      );
    }
    const ids = entries.map((e) => String(e.Id));
    if (new Set(ids).size !== ids.length) {
      throw new SqsError(
        400,
        "BatchEntryIdsNotDistinct",
        "Two or more batch entries have the same Id.",
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
      );
    }
    if (ids.some((id) => !/^[A-Za-z0-9_-]{1,80}$/.test(id))) {
      throw new SqsError(
        400,
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores.",
        "AWS.SimpleQueueService.InvalidBatchEntryId",
      );
    }
    const Successful: { Id: string }[] = [];
    const Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const e of entries) {
      try {
        if (entryFault) throw new SqsError(500, entryFault, "injected entry fault");
        run(q, e);
        Successful.push({ Id: String(e.Id) });
      } catch (err) {
        if (!(err instanceof SqsError)) throw err;
        Failed.push({ Id: String(e.Id), SenderFault: true, Code: err.code, Message: err.message });
      }
    }
    return { Successful, Failed };
  }

  private ok(body: unknown): Response {
    return new Response(JSON.stringify(body), {
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": crypto.randomUUID(),
      },
    });
  }

  private error(
    status: number,
    code: string,
    message: string,
    queryMode: boolean,
    queryCode?: string,
  ): Response {
    const headers: Record<string, string> = {
      "content-type": "application/x-amz-json-1.0",
      "x-amzn-requestid": crypto.randomUUID(),
    };
    if (queryMode) {
      headers["x-amzn-query-error"] = `${queryCode ?? code};${
        status >= 500 ? "Receiver" : "Sender"
      }`;
    }
    return new Response(JSON.stringify({ __type: `com.amazonaws.sqs#${code}`, message }), {
      status,
      headers,
    });
  }
}

class SqsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly queryCode?: string,
  ) {
    super(message);
  }
}
