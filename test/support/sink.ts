/**
 * A local HTTP server standing in for a partner API or Slack: records every request and answers
 * from a script, so tests can see exactly what sluice sent and make it fail on purpose.
 */

/** One request as the sink received it. */
export interface SinkRequest {
  method: string;
  path: string;
  headers: Headers;
  body: string;
  at: number;
}

/** Decides the answer to the n-th request (0-based); default 200 "ok". */
export type SinkHandler = (req: SinkRequest, n: number) => Response | Promise<Response>;

/** A running sink; `close()` stops it. */
export interface Sink {
  url: string;
  port: number;
  requests: SinkRequest[];
  /** Replaces the handler for later requests. */
  respond(handler: SinkHandler): void;
  /** Resolves once `count` requests have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<SinkRequest[]>;
  close(): Promise<void>;
}

/** Starts a sink on 127.0.0.1 on a free port. */
export function startSink(handler: SinkHandler = () => new Response("ok")): Sink {
  const requests: SinkRequest[] = [];
  let current = handler;
  const waiters: (() => void)[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const record: SinkRequest = {
      method: req.method,
      path: new URL(req.url).pathname + new URL(req.url).search,
      headers: req.headers,
      body: await req.text(),
      at: Date.now(),
    };
    const n = requests.length;
    requests.push(record);
    for (const w of waiters.splice(0)) w();
    return await current(record, n);
  });
  const port = server.addr.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    respond(h) {
      current = h;
    },
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        if (Date.now() > deadline) {
          throw new Error(`sink: expected ${count} request(s), got ${requests.length}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return requests.slice(0, count);
    },
    async close() {
      await server.shutdown();
    },
  };
}
