/**
 * Fault injection at the target: connection resets, a body that trickles slower than the timeout,
 * and mixed 5xx/429 answers; the attempts observed follow the retry policy exactly.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { startPipeline } from "./support/pipeline.ts";
import { startSink } from "./support/sink.ts";
import { waitUntil } from "./support/wait.ts";

const rule = (url: string) => `
on: user.banned
do:
  - http:
      url: ${url}/x
      retry: { max_attempts: 3, initial_delay: 1s, max_delay: 4s }
      timeout: 300ms
`;

async function runToEnd(p: Awaited<ReturnType<typeof startPipeline>>, attempts: number) {
  for (let i = 1; i <= attempts; i++) {
    await waitUntil(() => p.attempts.length >= i, `attempt ${i}`);
    p.advance(4_000);
  }
}

Deno.test("connection resets are retried up to max_attempts, then dead-lettered", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let accepted = 0;
  (async () => {
    for await (const conn of listener) {
      accepted++;
      conn.close();
    }
  })();
  const p = await startPipeline({ "r.yaml": rule(`http://127.0.0.1:${listener.addr.port}`) });
  try {
    await p.send({ type: "user.banned" });
    await runToEnd(p, 3);
    assertEquals(p.attempts.map((a) => a.result.kind), ["retry", "retry", "dead"]);
    assertIncludes(p.attempts[0].result.attempt.error!, "network error");
    assertEquals(accepted >= 3, true);
  } finally {
    await p.close();
    listener.close();
  }
});

Deno.test("a body slower than the timeout is a timeout, retried", async () => {
  const sink = startSink(() =>
    new Response(
      new ReadableStream({
        async start(controller) {
          for (let i = 0; i < 20; i++) {
            controller.enqueue(new TextEncoder().encode("x"));
            await new Promise((r) => setTimeout(r, 100));
          }
          controller.close();
        },
      }),
      { status: 500 },
    )
  );
  const p = await startPipeline({ "r.yaml": rule(sink.url) });
  try {
    await p.send({ type: "user.banned" });
    await runToEnd(p, 3);
    assertEquals(p.attempts.map((a) => [a.result.kind, a.result.attempt.error]), [
      ["retry", "timed out after 300ms"],
      ["retry", "timed out after 300ms"],
      ["dead", "timed out after 300ms; gave up after 3 attempts"],
    ]);
  } finally {
    await p.close();
    await sink.close();
  }
});

Deno.test("5xx then 429 then success: backoff, then Retry-After, then done", async () => {
  const answers = [
    () => new Response("", { status: 503 }),
    () => new Response("", { status: 429, headers: { "retry-after": "2" } }),
    () => new Response("ok"),
  ];
  const sink = startSink((_, n) => answers[n]());
  const p = await startPipeline({ "r.yaml": rule(sink.url) });
  try {
    await p.send({ type: "user.banned" });
    await waitUntil(() => p.attempts.length === 1, "attempt 1");
    const first = p.attempts[0].result;
    assertEquals(
      first.kind === "retry" && first.nextAt - p.clock.now(),
      500,
      "0.5 × 1 s full jitter",
    );
    p.advance(500);
    await waitUntil(() => p.attempts.length === 2, "attempt 2");
    assertEquals(await p.store.nextDueAt(), p.clock.now() + 2000, "Retry-After: 2");
    p.advance(2000);
    await waitUntil(() => p.attempts.length === 3, "attempt 3");
    assertEquals(p.attempts.map((a) => [a.result.kind, a.result.attempt.status]), [
      ["retry", 503],
      ["retry", 429],
      ["done", 200],
    ]);
  } finally {
    await p.close();
    await sink.close();
  }
});
