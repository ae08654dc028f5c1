/**
 * The store contract: one suite every driver must pass, unchanged. Each driver's test file calls
 * {@link storeContract} with a factory; time is a manual clock.
 */
import type { NewDelivery, RulePlan } from "../../src/delivery/model.ts";
import type { Store, StoreOptions } from "../../src/store/mod.ts";
import { assertEquals, assertOk } from "../support/assert.ts";
import { ManualClock } from "../support/clock.ts";

/** Opens a fresh, empty store with the given options. */
export type OpenStore = (options: StoreOptions, clock: ManualClock) => Promise<Store>;

const retry = {
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  maxDurationMs: 3_600_000,
};

function delivery(key: string, extra: Partial<NewDelivery> = {}): NewDelivery {
  return {
    rule: "r",
    actionIndex: 0,
    actionType: "http",
    idempotencyKey: key,
    mode: "live",
    params: { url: "https://x.example", secret: "s" },
    retry,
    timeoutMs: 1000,
    ...extra,
  };
}

const plan = (...deliveries: NewDelivery[]): RulePlan[] => [{ rule: "r", deliveries }];

/** Registers the contract tests for one store implementation. */
export function storeContract(name: string, open: OpenStore): void {
  const test = (title: string, fn: (store: Store, clock: ManualClock) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const clock = new ManualClock();
      const store = await open(
        { now: clock.now, dedupeWindowMs: 60_000, retentionMs: 120_000 },
        clock,
      );
      try {
        await fn(store, clock);
      } finally {
        await store.close();
      }
    });

  const put = (store: Store, dedupeId?: string, source: "webhook" | "sqs" = "webhook") =>
    store.putEvent({ source, dedupeId, type: "user.banned", body: '{"type":"user.banned"}' });

  test("scanEvents pages a window newest first, with bodies", async (store, clock) => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await put(store, `s${i}`)).id);
      clock.advance(1_000);
    }
    const since = clock.now() - 4_500; // the last four
    const first = await store.scanEvents(since, undefined, 3);
    assertEquals(first.map((e) => e.id), [ids[4], ids[3], ids[2]]);
    assertEquals(first[0].body, '{"type":"user.banned"}');
    const next = await store.scanEvents(since, first.at(-1)!.id, 3);
    assertEquals(next.map((e) => e.id), [ids[1]]);
  });

  test("eventsPerMinute counts a window by minute and outcome", async (store, clock) => {
    const start = clock.now();
    await put(store, "m1");
    await put(store, "m2");
    clock.advance(61_000);
    await put(store, "m3");
    const minute = Math.floor(start / 60_000);
    const counts = await store.eventsPerMinute(start - 1);
    assertEquals(counts.reduce((n, c) => n + c.count, 0), 3);
    assertEquals(counts.every((c) => c.outcome === "pending"), true);
    assertEquals(counts[0].minute >= minute, true);
    assertEquals(await store.eventsPerMinute(clock.now() + 1), []);
  });

  test("put dedupes by source id within the window", async (store, clock) => {
    const a = await put(store, "w1");
    assertEquals(a.duplicate, false);
    assertEquals(await put(store, "w1"), { id: a.id, duplicate: true, receivedAt: clock.now() });
    assertEquals((await put(store, "w1", "sqs")).duplicate, false, "ids are per source");
    assertEquals((await put(store)).duplicate, false);
    assertEquals((await put(store)).duplicate, false, "no id, no dedupe");
    clock.advance(60_001);
    const later = await put(store, "w1");
    assertEquals(later.duplicate, false, "the window has passed");
    assertOk(later.id !== a.id);
  });

  test(
    "an id seen before the window, sent twice at once, is accepted once",
    async (store, clock) => {
      await put(store, "old");
      clock.advance(60_001);
      const [a, b] = await Promise.all([put(store, "old"), put(store, "old")]);
      assertEquals([a.duplicate, b.duplicate].sort(), [false, true]);
      assertEquals(a.id, b.id);
      assertEquals((await store.stats()).pendingEvents, 2, "the old event and one new one");
    },
  );

  test("concurrent puts all land, and dedupe inside one batch", async (store) => {
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => put(store, `id-${i % 100}`)),
    );
    assertEquals(results.filter((r) => !r.duplicate).length, 100);
    assertEquals(new Set(results.map((r) => r.id)).size, 100);
    assertEquals((await store.stats()).pendingEvents, 100);
  });

  test(
    "an event stored with a lease is its owner's until the lease expires",
    async (store, clock) => {
      const body = '{"type":"t"}';
      const { id } = await store.putEvent({ source: "sqs", type: "t", body }, {
        owner: "me",
        ms: 5000,
      });
      assertEquals(await store.claimEvents("other", 10, 5000), []);
      clock.advance(5001);
      assertEquals((await store.claimEvents("other", 10, 5000)).map((e) => e.id), [id]);
    },
  );

  test("claimed events are leased until dispatched or the lease expires", async (store, clock) => {
    const { id } = await put(store, "a");
    assertEquals((await store.claimEvents("w1", 10, 5000)).map((e) => e.id), [id]);
    assertEquals(await store.claimEvents("w2", 10, 5000), [], "leased");
    clock.advance(5001);
    const again = await store.claimEvents("w2", 10, 5000);
    assertEquals(again.map((e) => [e.id, e.type, e.source, e.body]), [
      [id, "user.banned", "webhook", '{"type":"user.banned"}'],
    ]);
    await store.completeDispatch(id, plan(delivery("k1")));
    clock.advance(10_000);
    assertEquals(await store.claimEvents("w3", 10, 5000), [], "dispatched events stay dispatched");
  });

  test("dispatch creates each delivery once, even when repeated", async (store) => {
    const { id } = await put(store, "a");
    await store.claimEvents("w", 10, 1000);
    await store.completeDispatch(id, plan(delivery("k1"), delivery("k2", { actionIndex: 1 })));
    await store.completeDispatch(id, plan(delivery("k1"), delivery("k2", { actionIndex: 1 })));
    assertEquals((await store.stats()).pendingDeliveries, 2);
    const claimed = await store.claimDeliveries("w", 10, 1000);
    assertEquals(claimed.map((d) => [d.eventId, d.idempotencyKey, d.status, d.attempts]), [
      [id, "k1", "pending", 0],
      [id, "k2", "pending", 0],
    ]);
    assertEquals(claimed[0].params, { url: "https://x.example", secret: "s" });
    assertEquals(claimed[0].retry, retry);
  });

  test("throttle windows suppress a rule per key", async (store, clock) => {
    let last = "";
    const dispatch = async (dedupe: string, key: string) => {
      const { id } = await put(store, dedupe);
      last = id;
      return await store.completeDispatch(id, [
        { rule: "t", throttle: { key, perMs: 10_000 }, deliveries: [delivery(`t-${dedupe}`)] },
        { rule: "u", deliveries: [delivery(`u-${dedupe}`, { rule: "u" })] },
      ], { rules: [], errors: [] });
    };
    assertEquals(await dispatch("1", "act-1"), { throttled: [] });
    assertEquals(await dispatch("2", "act-1"), { throttled: ["t"] });
    // The event's decision record says which rule was throttled.
    assertEquals((await store.getEvent(last))?.decision, {
      rules: [],
      errors: [],
      throttled: ["t"],
    });
    assertEquals(await dispatch("3", "act-2"), { throttled: [] });
    clock.advance(10_001);
    assertEquals(await dispatch("4", "act-1"), { throttled: [] });
    assertEquals((await store.stats()).pendingDeliveries, 7);
  });

  test(
    "an event put already dispatched has its decision and deliveries; a repeat adds nothing",
    async (store, clock) => {
      const event = (dedupeId: string) => ({
        source: "webhook" as const,
        dedupeId,
        type: "user.banned",
        body: '{"type":"user.banned"}',
      });
      const plans = (n: string): RulePlan[] => [
        { rule: "t", throttle: { key: "k", perMs: 10_000 }, deliveries: [delivery(`t-${n}`)] },
        { rule: "u", deliveries: [delivery(`u-${n}`, { rule: "u" })] },
      ];
      const decision = { rules: [{ rule: "t", fired: true }, { rule: "u", fired: true }] };
      const first = await store.putDispatchedEvent(event("p1"), plans("1"), {
        ...decision,
        errors: [],
      });
      assertEquals([first.duplicate, first.throttled], [false, []]);
      const again = await store.putDispatchedEvent(event("p1"), plans("1b"), {
        ...decision,
        errors: [],
      });
      assertEquals([again.id, again.duplicate, again.throttled], [first.id, true, []]);
      const second = await store.putDispatchedEvent(event("p2"), plans("2"), {
        ...decision,
        errors: [],
      });
      assertEquals(second.throttled, ["t"]);
      const stored = await store.getEvent(first.id);
      assertEquals([stored?.dispatchedAt, stored?.outcome], [clock.now(), "matched"]);
      assertEquals(stored?.decision, { ...decision, errors: [], throttled: [] });
      const held = await store.getEvent(second.id);
      assertEquals(held?.decision?.throttled, ["t"]);
      assertEquals(held?.decision?.rules[0].throttle?.key, "k");
      assertEquals(
        (await store.claimDeliveries("w", 10, 1000)).map((d) => d.idempotencyKey).sort(),
        ["t-1", "u-1", "u-2"],
        "the repeat's plans created nothing; the throttled rule none",
      );
      clock.advance(60_000);
      assertEquals(await store.claimEvents("w", 10, 1000), [], "never claimed for dispatch");
      const quiet = await store.putDispatchedEvent(event("p3"), [], { rules: [], errors: [] });
      assertEquals((await store.getEvent(quiet.id))?.outcome, "unmatched");
    },
  );

  test("claims made at the same moment never share a delivery", async (store) => {
    const { id } = await put(store);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await store.completeDispatch(id, plan(...keys.map((k, i) => delivery(k, { actionIndex: i }))));
    // Issued in the same turn, so a store that batches writes puts them in one transaction.
    const claims = await Promise.all(["a", "b", "c"].map((w) => store.claimDeliveries(w, 8, 1000)));
    const claimed = claims.flat().map((d) => d.idempotencyKey).sort();
    assertEquals(claimed, [...new Set(claimed)], "a delivery was claimed twice");
    assertEquals(claimed.length, 12);
  });

  test("deliveries: due only, leased, retried later, done or dead", async (store, clock) => {
    const { id } = await put(store);
    await store.completeDispatch(id, plan(delivery("a"), delivery("b", { actionIndex: 1 })));
    const [a, b] = await store.claimDeliveries("w", 10, 30_000);
    assertEquals(await store.claimDeliveries("w2", 10, 30_000), [], "leased");
    const attempt = {
      at: clock.now(),
      durationMs: 5,
      outcome: "retry" as const,
      status: 503,
      error: "503",
    };
    await store.finishDelivery(a.id, "w", { kind: "retry", attempt, nextAt: clock.now() + 2000 });
    await store.finishDelivery(b.id, "w", {
      kind: "done",
      attempt: { ...attempt, outcome: "ok", status: 200, error: undefined },
    });
    assertEquals(await store.claimDeliveries("w", 10, 30_000), [], "not due yet");
    assertEquals(await store.nextDueAt(), clock.now() + 2000);
    clock.advance(2000);
    const [again] = await store.claimDeliveries("w", 10, 30_000);
    assertEquals([again.id, again.attempts, again.lastError], [a.id, 1, "503"]);
    await store.finishDelivery(a.id, "someone-else", { kind: "done", attempt });
    assertEquals(
      (await store.stats()).pendingDeliveries,
      1,
      "a finish without the lease is ignored",
    );
    await store.finishDelivery(a.id, "w", {
      kind: "dead",
      attempt: { ...attempt, outcome: "permanent", status: 400, error: "400 Bad Request" },
    });
    assertEquals(await store.stats(), { pendingEvents: 0, pendingDeliveries: 0, deadLetters: 1 });
  });

  test(
    "deliveries sharing a rate key start at most once per interval, waiting in the store",
    async (store, clock) => {
      const { id } = await put(store);
      const limited = (key: string, i: number) =>
        delivery(`${key}-${i}`, { actionIndex: i, rate: { key, intervalMs: 1000 } });
      await store.completeDispatch(
        id,
        plan(
          limited("slack:a", 0),
          limited("slack:a", 1),
          limited("slack:a", 2),
          limited("slack:b", 3),
        ),
      );
      const first = await store.claimDeliveries("w", 10, 30_000);
      assertEquals(first.map((d) => d.idempotencyKey), ["slack:a-0", "slack:b-3"]);
      assertEquals(first[0].rate, { key: "slack:a", intervalMs: 1000 });
      assertEquals(await store.claimDeliveries("w", 10, 30_000), []);
      assertEquals(await store.nextDueAt(), clock.now() + 1000);
      clock.advance(1000);
      assertEquals((await store.claimDeliveries("w", 10, 30_000)).map((d) => d.idempotencyKey), [
        "slack:a-1",
      ]);
      clock.advance(999);
      assertEquals(await store.claimDeliveries("w", 10, 30_000), []);
      clock.advance(1);
      assertEquals((await store.claimDeliveries("w", 10, 30_000)).map((d) => d.idempotencyKey), [
        "slack:a-2",
      ]);
    },
  );

  test(
    "an expired delivery lease gives the work back; release does so at once",
    async (store, clock) => {
      const { id } = await put(store);
      await store.completeDispatch(id, plan(delivery("a")));
      const [d] = await store.claimDeliveries("crashed", 10, 30_000);
      clock.advance(30_001);
      assertEquals((await store.claimDeliveries("w", 10, 30_000)).map((x) => x.id), [d.id]);
      await store.releaseDeliveries([d.id], "w");
      assertEquals((await store.claimDeliveries("w2", 10, 30_000)).map((x) => x.id), [d.id]);
    },
  );

  test("shadow deliveries are recorded, never claimed; render errors are dead at once", async (store) => {
    const { id } = await put(store);
    await store.completeDispatch(
      id,
      plan(
        delivery("s", { mode: "shadow" }),
        delivery("e", { actionIndex: 1, params: null, renderError: "do[1].http.url: failed" }),
      ),
    );
    assertEquals(await store.claimDeliveries("w", 10, 1000), []);
    const [dead] = await store.listDeadLetters();
    assertEquals([dead.idempotencyKey, dead.lastError, dead.history.map((h) => h.outcome)], [
      "e",
      "do[1].http.url: failed",
      ["permanent"],
    ]);
  });

  test("dead letters list with history and replay with a fresh window", async (store, clock) => {
    const { id } = await put(store);
    await store.completeDispatch(id, plan(delivery("a"), delivery("b", { actionIndex: 1 })));
    for (const d of await store.claimDeliveries("w", 10, 1000)) {
      const attempt = {
        at: clock.now(),
        durationMs: 3,
        outcome: "permanent" as const,
        status: 404,
        error: "404",
      };
      await store.finishDelivery(d.id, "w", { kind: "dead", attempt });
    }
    const dead = await store.listDeadLetters();
    assertEquals(dead.map((d) => [d.idempotencyKey, d.eventType, d.history.length]), [
      ["a", "user.banned", 1],
      ["b", "user.banned", 1],
    ]);
    assertEquals((await store.listDeadLetters({ after: dead[0].id })).length, 1);
    assertEquals((await store.listDeliveries({ status: "done" })).length, 0);
    assertEquals((await store.listDeliveries()).map((d) => d.status), ["dead", "dead"]);
    clock.advance(5000);
    assertEquals(
      await store.replayDeadLetters([{ id: dead[0].id }, { id: "999999" }, { id: "x" }]),
      {
        changed: [dead[0].id],
        missing: ["999999", "x"],
      },
    );
    const [replayed] = await store.claimDeliveries("w", 10, 1000);
    assertEquals([replayed.id, replayed.attempts, replayed.firstAt], [dead[0].id, 0, clock.now()]);
    assertEquals(replayed.params, { url: "https://x.example", secret: "s" }, "stored params kept");
    const fixed = { url: "https://x.example/fixed" };
    assertEquals((await store.replayDeadLetters([{ id: dead[1].id, params: fixed }])).changed, [
      dead[1].id,
    ]);
    const [rerendered] = await store.claimDeliveries("w", 10, 1000);
    assertEquals(rerendered.params, fixed, "new params replace the stored ones");
    assertEquals((await store.stats()).deadLetters, 0);
  });

  test(
    "dead letters filter by rule, time and error; discard keeps them in history",
    async (store, clock) => {
      const { id } = await put(store);
      await store.completeDispatch(id, [
        { rule: "a", deliveries: [delivery("a1", { rule: "a" })] },
        { rule: "b", deliveries: [delivery("b1", { rule: "b", actionIndex: 1 })] },
      ]);
      const claimed = await store.claimDeliveries("w", 10, 1000);
      for (const [i, d] of claimed.entries()) {
        if (i === 1) clock.advance(10_000);
        await store.finishDelivery(d.id, "w", {
          kind: "dead",
          attempt: {
            at: clock.now(),
            durationMs: 1,
            outcome: "permanent",
            error: i ? "HTTP 404 Not Found" : "Slack: channel_not_found",
          },
        });
      }
      const keys = async (f: Parameters<Store["listDeadLetters"]>[0]) =>
        (await store.listDeadLetters(f)).map((d) => d.idempotencyKey);
      assertEquals(await keys({ rule: "a" }), ["a1"]);
      assertEquals(await keys({ error: "not FOUND" }), ["b1"]);
      assertEquals(await keys({ error: "100%_" }), [], "LIKE characters are literal");
      assertEquals(await keys({ since: clock.now() - 5000 }), ["b1"]);
      assertEquals(await keys({ ids: [claimed[1].id, "nope"] }), ["b1"]);
      assertEquals(await store.discardDeadLetters([claimed[0].id, "42"], "known outage"), {
        changed: [claimed[0].id],
        missing: ["42"],
      });
      assertEquals(await keys({}), ["b1"]);
      assertEquals((await store.stats()).deadLetters, 1);
      const [gone] = await store.listDeliveries({ status: "discarded" });
      assertEquals([gone.idempotencyKey, gone.discardReason], ["a1", "known outage"]);
      assertEquals((await store.replayDeadLetters([{ id: gone.id }])).missing, [gone.id]);
    },
  );

  test(
    "events are found by type pattern, sender id, rule, outcome and time, paged by id",
    async (store, clock) => {
      const ids: string[] = [];
      for (const [i, type] of ["user.banned", "user.unbanned", "feeds.activity.added"].entries()) {
        const { id } = await store.putEvent({
          source: "webhook",
          dedupeId: `w${i}`,
          type,
          body: "{}",
        });
        ids.push(id);
        clock.advance(1000);
      }
      await store.completeDispatch(ids[0], [{ rule: "ban", deliveries: [delivery("k0")] }], {
        rules: [{ rule: "ban", fired: true }],
        errors: [],
      });
      await store.completeDispatch(ids[1], [], {
        rules: [{ rule: "ban", fired: false, reason: "if failed", error: "boom" }],
        errors: [],
      });
      await store.completeDispatch(ids[2], [], { rules: [], errors: [] });
      const found = async (f: Parameters<Store["listEvents"]>[0]) =>
        (await store.listEvents(f)).map((e) => ids.indexOf(e.id));
      assertEquals(await found({}), [2, 1, 0], "newest first");
      assertEquals(await found({ type: "user.*" }), [1, 0]);
      assertEquals(await found({ type: "user_banned" }), [], "LIKE characters are literal");
      assertEquals(await found({ senderId: "w1" }), [1]);
      assertEquals(await found({ rule: "ban" }), [1, 0]);
      assertEquals(await found({ outcome: "matched" }), [0]);
      assertEquals(await found({ outcome: "error" }), [1]);
      assertEquals(await found({ outcome: "unmatched" }), [2]);
      assertEquals(await found({ since: clock.now() - 1500 }), [2]);
      assertEquals(await found({ limit: 1 }), [2]);
      assertEquals(await found({ before: ids[2], limit: 1 }), [1]);
      const [first] = await store.listEvents({ senderId: "w0" });
      assertEquals([first.rules, first.outcome, first.senderId], [["ban"], "matched", "w0"]);
      assertEquals((await store.getEvent("w0"))?.id, ids[0], "found by the sender's id");
      const [d] = await store.claimDeliveries("w", 1, 1000);
      await store.finishDelivery(d.id, "w", {
        kind: "dead",
        attempt: { at: clock.now(), durationMs: 1, outcome: "permanent", error: "x" },
      });
      assertEquals(await found({ outcome: "dead" }), [0]);
      const counts = await store.ruleCounts();
      assertEquals(counts.map((c) => [c.rule, c.fired, c.errors]), [["ban", 1, 1]]);
    },
  );

  test("redispatch converges with new plans under the same keys", async (store) => {
    const { id } = await put(store);
    await store.completeDispatch(id, plan(delivery("done"), delivery("dead", { actionIndex: 1 })));
    const [a, b] = await store.claimDeliveries("w", 10, 1000);
    await store.finishDelivery(a.id, "w", {
      kind: "done",
      attempt: { at: 0, durationMs: 1, outcome: "ok" },
    });
    await store.finishDelivery(b.id, "w", {
      kind: "dead",
      attempt: { at: 0, durationMs: 1, outcome: "permanent", error: "bad template" },
    });
    const fixed = { url: "https://x.example/fixed" };
    const result = await store.redispatch(id, [{
      rule: "r",
      deliveries: [
        delivery("done"),
        delivery("dead", { actionIndex: 1, params: fixed }),
        delivery("new", { actionIndex: 2 }),
      ],
    }], { rules: [{ rule: "r", fired: true }], errors: [] });
    assertEquals(result, {
      created: ["new"],
      requeued: ["dead"],
      unchanged: [{ key: "done", status: "done" }],
    });
    const claimed = await store.claimDeliveries("w", 10, 1000);
    assertEquals(claimed.map((d) => [d.idempotencyKey, d.attempts]).sort(), [["dead", 0], [
      "new",
      0,
    ]]);
    assertEquals(claimed.find((d) => d.idempotencyKey === "dead")?.params, fixed);
    assertEquals(await store.redispatch("nope", [], { rules: [], errors: [] }), undefined);
  });

  test(
    "events list newest first, by type; one event shows its deliveries and attempts",
    async (store, clock) => {
      const a = await put(store, "a");
      clock.advance(10);
      const b = await store.putEvent({
        source: "sqs",
        type: "user.unbanned",
        body: '{"type":"user.unbanned"}',
      });
      clock.advance(10);
      const c = await put(store, "c");
      assertEquals((await store.listEvents()).map((e) => e.id), [c.id, b.id, a.id]);
      assertEquals((await store.listEvents({ type: "user.banned", limit: 1 })).map((e) => e.id), [
        c.id,
      ]);
      assertEquals((await store.listEvents({ before: c.id })).map((e) => e.id), [b.id, a.id]);
      await store.completeDispatch(a.id, plan(delivery("k")), {
        rules: [{ rule: "r", fired: true }],
        errors: [],
      });
      const [d] = await store.claimDeliveries("w", 1, 1000);
      await store.finishDelivery(d.id, "w", {
        kind: "done",
        attempt: { at: clock.now(), durationMs: 2, outcome: "ok", status: 200 },
      });
      const record = await store.getEvent(a.id);
      assertEquals([record?.type, record?.dispatchedAt, record?.deliveries.length], [
        "user.banned",
        clock.now(),
        1,
      ]);
      assertEquals(record?.deliveries[0].status, "done");
      assertEquals(record?.decision, {
        rules: [{ rule: "r", fired: true }],
        errors: [],
        throttled: [],
      });
      assertEquals((await store.getEvent(b.id))?.decision, undefined, "not dispatched yet");
      assertEquals(record?.deliveries[0].history.map((h) => h.status), [200]);
      assertEquals(await store.getEvent("nope"), undefined);
    },
  );

  test(
    "quarantine keeps bodies; prune forgets old finished work and dedupe ids",
    async (store, clock) => {
      const q = await store.quarantine({ source: "webhook", reason: "not JSON", body: "{nope" });
      assertEquals(await store.listQuarantine(), [
        { id: q, source: "webhook", reason: "not JSON", body: "{nope", receivedAt: clock.now() },
      ]);
      const { id } = await put(store, "old");
      await store.claimEvents("w", 1, 1000);
      await store.completeDispatch(id, plan(delivery("x", { mode: "shadow" })));
      clock.advance(120_001);
      await store.prune();
      assertEquals((await put(store, "old")).duplicate, false);
      assertEquals((await store.stats()).pendingEvents, 1);
    },
  );

  test(
    "the sender's id finds an event while its dedupe key is held and after it is forgotten",
    async (store, clock) => {
      const old = await put(store, "s-1", "sqs");
      await put(store, "s-2");
      const bySender = async (id: string) =>
        (await store.listEvents({ senderId: id })).map((e) => e.id);
      assertEquals(await bySender("s-1"), [old.id], "through the dedupe key");
      clock.advance(60_001);
      await store.prune(); // past the window: the key is forgotten, the event kept
      assertEquals(await bySender("s-1"), [old.id], "through the forgotten senders' index");
      assertEquals((await store.getEvent("s-1"))?.id, old.id);
      const again = await put(store, "s-1", "sqs");
      assertEquals(again.duplicate, false, "the id is new again past the window");
      assertEquals(await bySender("s-1"), [again.id, old.id], "both, newest first");
      assertEquals((await store.getEvent("s-1"))?.id, again.id, "the newest");
      assertEquals(await bySender("s-"), [], "no prefix match");
      assertEquals(await bySender("sqs:s-1"), [], "not the key itself");
    },
  );

  test("a body key dedupes whatever the sender's id, within the window", async (store, clock) => {
    const body = '{"type":"user.banned"}';
    const put = (dedupeId?: string) =>
      store.putEvent({ source: "webhook", dedupeId, bodyKey: "app:abc", type: "t", body });
    const first = await put("w1");
    assertEquals((await put("w2")).id, first.id, "a new id, the same signed body");
    assertEquals((await put()).duplicate, true, "no id at all");
    const other = await store.putEvent({ source: "webhook", bodyKey: "app:def", type: "t", body });
    assertEquals(other.duplicate, false, "another body");
    clock.advance(60_001);
    const later = await put("w3");
    assertEquals(later.duplicate, false, "the window has passed");
    assertEquals((await put("w1")).id, later.id, "the old id now finds the new copy's body");
  });

  test(
    "an event whose dispatch keeps failing is quarantined after 5 claims",
    async (store, clock) => {
      const { id } = await put(store, "poison");
      for (let i = 0; i < 5; i++) {
        assertEquals((await store.claimEvents("w", 10, 1000)).map((e) => e.id), [id], `claim ${i}`);
        clock.advance(1001); // the dispatcher failed; the lease runs out
      }
      assertEquals(await store.claimEvents("w", 10, 1000), [], "taken out of dispatch");
      const [q] = await store.listQuarantine();
      assertEquals([q.body, q.reason.startsWith("dispatch failed 5 times")], [
        '{"type":"user.banned"}',
        true,
      ]);
      assertEquals((await store.stats()).pendingEvents, 0);
      assertOk((await store.getEvent(id))?.decision?.errors[0].startsWith("dispatch failed"));
    },
  );

  test(
    "a delivery claimed 5 times without a result is dead, not sent again",
    async (store, clock) => {
      const { id } = await put(store);
      await store.completeDispatch(id, plan(delivery("p")));
      for (let i = 0; i < 5; i++) {
        assertEquals((await store.claimDeliveries("w", 10, 1000)).length, 1, `claim ${i}`);
        clock.advance(1001);
      }
      assertEquals(await store.claimDeliveries("w", 10, 1000), []);
      const [dead] = await store.listDeadLetters();
      assertEquals(dead.idempotencyKey, "p");
      assertOk(dead.lastError?.includes("without a recorded result"));
      const [d] = await store.claimDeliveries("w", 10, 1000).then(() => [] as unknown[]);
      assertEquals(d, undefined);
      // Released deliveries (shutdown) do not count.
      const second = await put(store);
      await store.completeDispatch(second.id, plan(delivery("r")));
      for (let i = 0; i < 8; i++) {
        const [c] = await store.claimDeliveries("w", 10, 1000);
        await store.releaseDeliveries([c.id], "w");
      }
      assertEquals((await store.claimDeliveries("w", 10, 1000)).map((x) => x.idempotencyKey), [
        "r",
      ]);
    },
  );

  test("NUL in an event type, a throttle key and an error is stored, as U+FFFD", async (store) => {
    const { id } = await store.putEvent({ source: "webhook", type: "a\0b", body: "{}" });
    const [e] = await store.claimEvents("w", 1, 1000);
    assertEquals(e.type, "a\uFFFDb");
    await store.completeDispatch(id, [{
      rule: "t",
      throttle: { key: "k\0", perMs: 1000 },
      deliveries: [delivery("n\0")],
    }]);
    const [d] = await store.claimDeliveries("w", 1, 1000);
    await store.finishDelivery(d.id, "w", {
      kind: "dead",
      attempt: { at: 0, durationMs: 1, outcome: "permanent", error: "bad\0token" },
    });
    const [dead] = await store.listDeadLetters();
    assertEquals([dead.idempotencyKey, dead.lastError], ["n\uFFFD", "bad\uFFFDtoken"]);
  });

  test(
    "grouped events wait for their group's send, which takes them all, once",
    async (store, clock) => {
      const ids: string[] = [];
      const join = async (key: string) => {
        const { id } = await put(store);
        ids.push(id);
        await store.completeDispatch(id, [{
          rule: "g",
          group: { key, waitMs: 30_000 },
          deliveries: [],
        }], {
          rules: [{ rule: "g", fired: true }],
          errors: [],
        });
        clock.advance(1000);
      };
      await join("act-1");
      await join("act-1");
      await join("act-2");
      const record = await store.getEvent(ids[1]);
      assertEquals(record?.decision?.rules[0].group?.key, "act-1");
      assertEquals(record?.deliveries, [], "nothing sent yet");
      assertEquals(await store.claimDueGroups("w", 10, 5000, 50), [], "not due before the wait");
      clock.advance(27_001); // 30 s after the first event of act-1
      const [due] = await store.claimDueGroups("w", 10, 5000, 1);
      assertEquals([due.key, due.count, due.events.map((e) => e.id), due.pending.length], [
        "act-1",
        2,
        [ids[1]],
        2,
      ]);
      assertEquals(
        await store.claimDueGroups("w2", 10, 5000, 50),
        [],
        "leased: act-2 is not due yet",
      );
      await put(store).then(({ id }) =>
        store.completeDispatch(id, [{
          rule: "g",
          group: { key: "act-1", waitMs: 30_000 },
          deliveries: [],
        }], {
          rules: [{ rule: "g", fired: true }],
          errors: [],
        })
      );
      const sent = await store.completeGroupSend({
        groupId: due.id,
        owner: "w",
        deliveries: [delivery("g-send-1")],
        eventId: due.events[0].id,
        pending: due.pending,
        nextSendAt: clock.now() + 60_000,
      });
      assertEquals(sent, true);
      assertEquals((await store.claimDeliveries("w", 10, 1000)).map((d) => d.idempotencyKey), [
        "g-send-1",
      ]);
      clock.advance(60_000);
      const due2 = await store.claimDueGroups("w", 10, 5000, 50);
      const again = due2.find((g) => g.key === "act-1")!;
      assertEquals(again.count, 1, "the event that came during the send waits for the next one");
      assertEquals(
        await store.completeGroupSend({
          groupId: again.id,
          owner: "other",
          deliveries: [],
          eventId: again.events[0].id,
          pending: again.pending,
          nextSendAt: 0,
        }),
        false,
        "a send without the lease is refused",
      );
      await store.completeGroupSend({
        groupId: again.id,
        owner: "w",
        deliveries: [],
        eventId: again.events[0].id,
        pending: again.pending,
        nextSendAt: clock.now() + 60_000,
      });
      clock.advance(60_000);
      const closing = await store.claimDueGroups("w", 10, 5000, 50);
      assertEquals(closing.map((g) => g.key), ["act-2"], "act-1, due with nothing new, closed");
      assertEquals((await store.listGroups("g")).map((g) => g.key), ["act-2"]);
    },
  );

  test(
    "silences hold until their time; throttle windows list and reset; threads remember",
    async (store, clock) => {
      const s = await store.addSilence({
        rule: "r",
        condition: 'user.id = "x"',
        reason: "spam wave",
        createdBy: "cli",
        until: clock.now() + 60_000,
      });
      assertEquals((await store.listSilences()).map((x) => [x.id, x.condition]), [[
        s.id,
        'user.id = "x"',
      ]]);
      assertEquals(await store.expireSilence(s.id), true);
      assertEquals(await store.expireSilence(s.id), false);
      assertEquals(await store.listSilences(), []);
      assertEquals((await store.listSilences(true)).length, 1, "ended today");
      const { id } = await put(store);
      await store.completeDispatch(id, [
        { rule: "t", throttle: { key: "k", perMs: 10_000 }, deliveries: [] },
      ], { rules: [{ rule: "t", fired: true }], errors: [] });
      const second = await put(store);
      await store.completeDispatch(second.id, [
        { rule: "t", throttle: { key: "k", perMs: 10_000 }, deliveries: [] },
      ], { rules: [{ rule: "t", fired: true }], errors: [] });
      assertEquals((await store.getEvent(second.id))?.decision?.rules[0].throttle, {
        key: "k",
        until: clock.now() + 10_000,
      });
      assertEquals(await store.listThrottles("t"), [{
        rule: "t",
        key: "k",
        until: clock.now() + 10_000,
      }]);
      assertEquals(await store.resetThrottle("t", "k"), true);
      assertEquals(await store.listThrottles(), []);
      assertEquals(await store.getThread("slack:x:C1:act-1"), undefined);
      await store.setThread("slack:x:C1:act-1", "1700000000.000100");
      await store.setThread("slack:x:C1:act-1", "1700000000.000200");
      assertEquals(
        await store.getThread("slack:x:C1:act-1"),
        "1700000000.000100",
        "the first wins",
      );
    },
  );
}
