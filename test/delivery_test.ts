/**
 * Deliveries end to end against a real local HTTP server: retries, dead letters, Retry-After,
 * timeouts, replay, shadow mode, throttling and redirects, with time moved by hand.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { startPipeline } from "./support/pipeline.ts";
import { type Sink, startSink } from "./support/sink.ts";
import { waitUntil } from "./support/wait.ts";

const httpRule = (extra = "", params = "") => `
on: user.banned
${extra}
do:
  - http:
      url: \${SINK}/ban/{{ user.id }}
      json: { user: "{{ user.id }}", reason: "{{ reason }}" }
      retry: { max_attempts: 4, initial_delay: 1s, max_delay: 10s }
      timeout: 300ms
${params}`;

const banned = { type: "user.banned", user: { id: "mallory" }, reason: "spam" };

async function withSink(
  handler: Parameters<typeof startSink>[0],
  rule: string,
  fn: (sink: Sink, p: Awaited<ReturnType<typeof startPipeline>>) => Promise<void>,
) {
  const sink = startSink(handler);
  const p = await startPipeline({ "r.yaml": rule }, { SINK: sink.url });
  try {
    await fn(sink, p);
  } finally {
    await p.close();
    await sink.close();
  }
}

Deno.test("a failing target is retried with backoff and the same idempotency key", async () => {
  const statuses = [503, 500, 200];
  await withSink(
    (_, n) => new Response("x", { status: statuses[n] }),
    httpRule(),
    async (sink, p) => {
      await p.send(banned);
      await sink.waitFor(1);
      await waitUntil(() => p.attempts.length === 1, "first attempt recorded");
      const first = p.attempts[0].result;
      assertEquals(first.kind, "retry");
      // random is 0.5: attempt 1 waits 0.5 × 1 s, attempt 2 waits 0.5 × 2 s.
      assertEquals(first.kind === "retry" && first.nextAt - p.clock.now(), 500);
      p.advance(500);
      await sink.waitFor(2);
      await waitUntil(() => p.attempts.length === 2, "second attempt recorded");
      p.advance(1000);
      const requests = await sink.waitFor(3);
      await waitUntil(() => p.attempts.length === 3, "third attempt recorded");
      assertEquals(p.attempts.map((a) => a.result.kind), ["retry", "retry", "done"]);
      const keys = requests.map((r) => r.headers.get("idempotency-key"));
      assertEquals(new Set(keys).size, 1);
      assertOk(keys[0]!.length > 36);
      assertEquals(requests[0].path, "/ban/mallory");
      assertEquals(JSON.parse(requests[2].body), { user: "mallory", reason: "spam" });
      assertEquals(requests[0].headers.get("content-type"), "application/json");
    },
  );
});

Deno.test("a 4xx is a dead letter at once, with its history; replay delivers it", async () => {
  let status = 404;
  await withSink(() => new Response("no such user", { status }), httpRule(), async (sink, p) => {
    await p.send(banned);
    await sink.waitFor(1);
    await waitUntil(async () => (await p.store.stats()).deadLetters === 1, "dead letter");
    const [dead] = await p.store.listDeadLetters();
    assertEquals(dead.history.map((h) => [h.outcome, h.status, h.error]), [
      ["permanent", 404, "HTTP 404 Not Found: no such user"],
    ]);
    status = 200;
    assertEquals((await p.store.replayDeadLetters([{ id: dead.id }])).changed, [dead.id]);
    p.advance(0);
    const requests = await sink.waitFor(2);
    await waitUntil(() => p.attempts.length === 2, "replayed attempt");
    assertEquals(p.attempts[1].result.kind, "done");
    assertEquals(
      requests[1].headers.get("idempotency-key"),
      requests[0].headers.get("idempotency-key"),
    );
    assertEquals((await p.store.stats()).deadLetters, 0);
  });
});

Deno.test("429 with Retry-After is honoured (clamped to max_delay)", async () => {
  const answers = [
    () => new Response("slow down", { status: 429, headers: { "retry-after": "7" } }),
    () => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }),
    () => new Response("ok"),
  ];
  await withSink((_, n) => answers[n](), httpRule(), async (sink, p) => {
    await p.send(banned);
    await waitUntil(() => p.attempts.length === 1, "first attempt");
    const t0 = p.clock.now();
    assertEquals(await p.store.nextDueAt(), t0 + 7000);
    p.advance(6999);
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(sink.requests.length, 1, "not before Retry-After");
    p.advance(1);
    await waitUntil(() => p.attempts.length === 2, "second attempt");
    assertEquals(await p.store.nextDueAt(), p.clock.now() + 10_000, "clamped to max_delay 10s");
    p.advance(10_000);
    await waitUntil(() => p.attempts.length === 3, "third attempt");
    assertEquals(p.attempts.map((a) => a.result.attempt.status), [429, 429, 200]);
  });
});

Deno.test("a timeout is retried", async () => {
  let slow = true;
  await withSink(
    async () => {
      if (slow) await new Promise((r) => setTimeout(r, 1000));
      return new Response("ok");
    },
    httpRule(),
    async (sink, p) => {
      await p.send(banned);
      await waitUntil(() => p.attempts.length === 1, "timed-out attempt");
      assertEquals(p.attempts[0].result.kind, "retry");
      assertEquals(p.attempts[0].result.attempt.error, "timed out after 300ms");
      slow = false;
      p.advance(500);
      await waitUntil(() => p.attempts.length === 2, "second attempt");
      assertEquals(p.attempts[1].result.kind, "done");
      assertEquals(sink.requests.length, 2);
    },
  );
});

Deno.test("running out of attempts makes a dead letter with every attempt", async () => {
  await withSink(() => new Response("down", { status: 502 }), httpRule(), async (_sink, p) => {
    await p.send(banned);
    for (let i = 1; i <= 4; i++) {
      await waitUntil(() => p.attempts.length === i, `attempt ${i}`);
      p.advance(10_000);
    }
    const [dead] = await p.store.listDeadLetters();
    assertEquals(
      dead.history.map((h) => h.outcome),
      ["retry", "retry", "retry", "permanent"],
      "the last attempt is the final one",
    );
    assertIncludes(dead.lastError!, "gave up after 4 attempts");
  });
});

Deno.test("shadow mode renders and records, and sends nothing", async () => {
  await withSink(undefined, httpRule("mode: shadow"), async (sink, p) => {
    await p.send(banned);
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(sink.requests.length, 0);
    assertEquals(p.reports[0].evaluation.matches.length, 1);
    assertEquals((await p.store.stats()).pendingDeliveries, 0);
  });
});

Deno.test("throttle suppresses a rule within its window, per key", async () => {
  await withSink(undefined, httpRule("throttle: { key: user.id, per: 10m }"), async (sink, p) => {
    await p.send(banned, "1");
    await p.send(banned, "2");
    await p.send({ ...banned, user: { id: "trudy" } }, "3");
    await waitUntil(() => p.attempts.length === 2, "the two unthrottled deliveries");
    p.advance(600_001);
    await p.send(banned, "4");
    await sink.waitFor(3);
    assertEquals(p.reports.map((r) => r.throttled), [[], ["r"], [], []]);
    await new Promise((r) => setTimeout(r, 50));
    assertEquals(sink.requests.map((r) => r.path), ["/ban/mallory", "/ban/trudy", "/ban/mallory"]);
  });
});

Deno.test("redirects: same origin followed, another host refused", async () => {
  const other = startSink();
  try {
    await withSink(
      (req) => {
        if (req.path === "/ban/mallory") {
          return Response.redirect(`http://127.0.0.1:${other.port}/x`, 307);
        }
        return new Response("ok");
      },
      httpRule(),
      async (_sink, p) => {
        await p.send(banned);
        await waitUntil(() => p.attempts.length === 1, "attempt");
        assertEquals(p.attempts[0].result.kind, "dead");
        assertIncludes(p.attempts[0].result.attempt.error!, "redirect to another origin");
        assertEquals(other.requests.length, 0);
      },
    );
    await withSink(
      (req) => {
        if (req.path === "/ban/mallory") {
          return new Response(null, { status: 308, headers: { location: "/moved" } });
        }
        return new Response("ok");
      },
      httpRule(),
      async (sink, p) => {
        await p.send(banned);
        await waitUntil(() => p.attempts.length === 1, "attempt");
        assertEquals(p.attempts[0].result.kind, "done");
        assertEquals(sink.requests.map((r) => [r.method, r.path]), [["POST", "/ban/mallory"], [
          "POST",
          "/moved",
        ]]);
      },
    );
  } finally {
    await other.close();
  }
});

Deno.test("a failing template dead-letters that delivery only, with the error", async () => {
  await withSink(
    undefined,
    httpRule("", "  - http: { url: '${SINK}/ok', json: '{{ $number(reason) }}' }"),
    async (sink, p) => {
      await p.send(banned);
      await sink.waitFor(1);
      await waitUntil(async () => (await p.store.stats()).deadLetters === 1, "dead letter");
      const [dead] = await p.store.listDeadLetters();
      assertEquals(dead.actionIndex, 1);
      assertIncludes(dead.lastError!, "do[1].http.json: {{ $number(reason) }} failed");
    },
  );
});

Deno.test("a huge error response is read only up to the cap and summarised", async () => {
  const huge = "x".repeat(5_000_000);
  await withSink(() => new Response(huge, { status: 400 }), httpRule(), async (_sink, p) => {
    await p.send(banned);
    await waitUntil(() => p.attempts.length === 1, "attempt");
    const error = p.attempts[0].result.attempt.error!;
    assertEquals(p.attempts[0].result.kind, "dead");
    assertEquals(error.length < 300, true, `${error.length} characters`);
  });
});
