import { assertEquals } from "../../test/support/assert.ts";
import { ManualClock } from "../../test/support/clock.ts";
import { eventTimeMs, staleReason } from "./event_age.ts";

Deno.test("created_at is read as RFC 3339 or integer nanoseconds", () => {
  const ms = Date.UTC(2026, 7, 24, 10, 22, 5, 3);
  assertEquals(eventTimeMs("2026-08-24T10:22:05.003771299Z"), ms);
  assertEquals(eventTimeMs("2026-08-24T12:22:05.003+02:00"), ms);
  assertEquals(Math.round(eventTimeMs(ms * 1e6 + 771_299)!), ms + 1);
  assertEquals(Math.round(eventTimeMs(String(ms * 1e6))!), ms);
  for (const v of [undefined, null, "", "yesterday", {}, [], NaN, "9".repeat(100)]) {
    assertEquals(eventTimeMs(v), undefined, JSON.stringify(v));
  }
});

Deno.test("an event older than the maximum age is stale; fresh, future, undated ones are not", () => {
  const clock = new ManualClock(); // 2026-08-24T10:00:00Z
  const hour = 3_600_000;
  assertEquals(staleReason("2026-08-24T09:30:00Z", clock.now(), hour), undefined);
  assertEquals(staleReason("2026-08-24T11:00:00Z", clock.now(), hour), undefined, "future");
  assertEquals(staleReason(undefined, clock.now(), hour), undefined, "no created_at");
  assertEquals(
    staleReason("2026-08-24T08:00:00Z", clock.now(), hour),
    "created_at is 2 h old, older than the maximum event age of 60 min (a replay?)",
  );
  assertEquals(
    staleReason("2025-09-24T08:00:00Z", clock.now(), hour),
    "created_at is 334 days old, older than the maximum event age of 60 min (a replay?)",
  );
  assertEquals(staleReason("2020-01-01T00:00:00Z", clock.now(), undefined), undefined, "off");
});
