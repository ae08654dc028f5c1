/**
 * The SQS source: long-polls one queue with a few concurrent pollers, stores each message's event
 * in the inbox durably (deduplicated by message id), and only then deletes it. A message that
 * cannot be decoded is quarantined and deleted, never retried forever. While the store or the
 * executor is saturated it stops receiving and holds the batch in hand, extending its visibility.
 * Errors are logged with the queue and retried with backoff; `health` feeds `/readyz`.
 */
import { decodeMessage, UndecodableMessageError } from "../../event/decode.ts";
import type { Inbox } from "../../inbox/inbox.ts";
import type { Logger } from "../../observe/log.ts";
import type { Maintenance } from "../../store/roles.ts";
import type { QueueClient, QueueMessage } from "./client.ts";

/** Poller settings. */
export interface SqsPollerOptions {
  queueUrl: string;
  client: QueueClient;
  inbox: Inbox;
  /** The backlog, read before each receive (polling pauses above `maxPending`). */
  store: Pick<Maintenance, "stats">;
  log: Logger;
  maxBodyBytes: number;
  /** Concurrent long polls on the queue; default 1. */
  pollers?: number;
  /** Long-poll wait, 1–20 s; default 20. */
  waitSeconds?: number;
  /** Visibility of received messages, extended while they are in hand; default 60 s. */
  visibilitySeconds?: number;
  /** Pending events or deliveries above which receiving stops; default 10,000. */
  maxPending?: number;
}

/** Whether the queue can be polled, and the last error if not. */
export interface QueueHealth {
  queueUrl: string;
  healthy: boolean;
  error?: string;
}

/** Polls one queue. */
export class SqsPoller {
  readonly health: QueueHealth;
  private readonly abort = new AbortController();
  private stopping = false;
  private storeDown = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: SqsPollerOptions) {
    this.health = { queueUrl: options.queueUrl, healthy: true };
  }

  /** Starts the pollers. */
  start(): void {
    const n = this.options.pollers ?? 1;
    this.loops = Array.from({ length: n }, () => this.loop());
  }

  /** Stops receiving, finishes the batches in hand, and closes the client. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.abort.abort();
    await Promise.all(this.loops);
    this.options.client.close();
  }

  private async loop() {
    const { client, log, queueUrl } = this.options;
    let backoff = 1_000;
    while (!this.stopping) {
      if (await this.saturated()) {
        await this.sleep(500);
        continue;
      }
      let messages: QueueMessage[];
      try {
        messages = await client.receive(
          10,
          this.options.waitSeconds ?? 20,
          this.visibility,
          this.abort.signal,
        );
      } catch (e) {
        if (this.stopping) break;
        const error = describe(e);
        if (this.health.healthy || this.health.error !== error) {
          log.warn("sqs receive failed", { queue: queueUrl, error });
        }
        Object.assign(this.health, { healthy: false, error });
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
        continue;
      }
      if (!this.health.healthy) log.info("sqs queue polled again", { queue: queueUrl });
      Object.assign(this.health, { healthy: true, error: undefined });
      backoff = 1_000;
      if (messages.length) await this.handle(messages);
    }
  }

  private get visibility() {
    return this.options.visibilitySeconds ?? 60;
  }

  /** Stores (or quarantines) each message, then deletes those that are safely kept. */
  private async handle(messages: QueueMessage[]) {
    const inHand = new Set(messages);
    const heartbeat = setInterval(() => {
      this.options.client.extendBatch([...inHand].slice(0, 10), this.visibility).catch((e) =>
        this.options.log.warn("sqs visibility extension failed", {
          queue: this.options.queueUrl,
          error: describe(e),
        })
      );
    }, (this.visibility * 1000) / 2);
    try {
      while (!this.stopping && await this.saturated()) await this.sleep(500);
      const kept = await Promise.all(messages.map((m) => this.keep(m)));
      const deletable = messages.filter((_, i) => kept[i]);
      for (const m of messages) inHand.delete(m);
      for (let i = 0; i < deletable.length; i += 10) {
        const chunk = deletable.slice(i, i + 10);
        try {
          for (const f of await this.options.client.deleteBatch(chunk)) {
            this.options.log.warn(
              "sqs delete failed; the message will come back and be deduplicated",
              {
                queue: this.options.queueUrl,
                message_id: f.id,
                code: f.code,
              },
            );
          }
        } catch (e) {
          this.options.log.warn(
            "sqs delete failed; the messages will come back and be deduplicated",
            {
              queue: this.options.queueUrl,
              error: describe(e),
            },
          );
        }
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Whether the message is stored or quarantined (and so may be deleted). */
  private async keep(m: QueueMessage): Promise<boolean> {
    const { inbox, log, queueUrl } = this.options;
    try {
      const decoded = await decodeMessage(m.body, this.options.maxBodyBytes);
      const { id, duplicate } = await inbox.accept({
        source: "sqs",
        dedupeId: decoded.snsMessageId ?? m.id,
        event: decoded.event,
        json: decoded.json,
        meta: { queue: queueUrl, message_id: m.id, receive_count: m.receiveCount },
      });
      log.debug(duplicate ? "sqs duplicate" : "sqs message stored", {
        queue: queueUrl,
        message_id: m.id,
        event_id: id,
      });
      return true;
    } catch (e) {
      if (!(e instanceof UndecodableMessageError)) {
        inbox.refused("sqs", "error");
        log.error("sqs message not stored; it will come back", {
          queue: queueUrl,
          message_id: m.id,
          error: describe(e),
        });
        return false;
      }
      try {
        const id = await inbox.quarantine("sqs", e.reason, m.body);
        log.warn("sqs message quarantined", {
          queue: queueUrl,
          message_id: m.id,
          quarantine_id: id,
          reason: e.reason,
        });
        return true;
      } catch (inner) {
        log.error("sqs message not quarantined; it will come back", {
          queue: queueUrl,
          message_id: m.id,
          error: describe(inner),
        });
        return false;
      }
    }
  }

  /** Whether to hold off: the backlog is over `maxPending`, or the store does not answer. */
  private async saturated(): Promise<boolean> {
    const max = this.options.maxPending ?? 10_000;
    try {
      const s = await this.options.store.stats();
      this.storeDown = false;
      return s.pendingEvents > max || s.pendingDeliveries > max;
    } catch (e) {
      if (!this.storeDown) {
        this.options.log.error("sqs polling paused: the store does not answer", {
          queue: this.options.queueUrl,
          error: describe(e),
        });
      }
      this.storeDown = true;
      return true;
    }
  }

  private sleep(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
