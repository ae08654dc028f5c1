import { assertEquals } from "../../test/support/assert.ts";
import { ManualClock } from "../../test/support/clock.ts";
import { Connections } from "./connections.ts";

const limits = { headerTimeoutMs: 10_000, idleTimeoutMs: 75_000, maxConnections: 3 };

Deno.test("the sweep closes connections past the header or idle timeout, never busy ones", () => {
  const clock = new ManualClock();
  const connections = new Connections(limits, clock.now);
  try {
    const fresh = connections.admit()!;
    const idle = connections.admit()!;
    idle.served = true; // answered once, now waiting for its next request
    const busy = connections.admit()!;
    busy.active = 1;
    clock.advance(10_001);
    connections.sweep();
    assertEquals([fresh, idle, busy].map((c) => c.abort.signal.aborted), [true, false, false]);
    clock.advance(65_000);
    connections.sweep();
    assertEquals([idle.abort.signal.aborted, busy.abort.signal.aborted], [true, false]);
    assertEquals(connections.size, 1);
  } finally {
    connections.stop();
  }
});

Deno.test("at the cap the longest-idle connection makes room; when all are busy, none is admitted", () => {
  const clock = new ManualClock();
  const connections = new Connections(limits, clock.now);
  try {
    const oldest = connections.admit()!;
    clock.advance(1);
    const busy = connections.admit()!;
    busy.active = 1;
    clock.advance(1);
    const newer = connections.admit()!;
    const next = connections.admit();
    assertEquals([oldest.abort.signal.aborted, newer.abort.signal.aborted], [true, false]);
    assertEquals(next !== undefined, true);
    next!.active = 1;
    newer.active = 1;
    assertEquals(connections.admit(), undefined, "all busy: the new connection is refused");
    connections.release(busy);
    assertEquals(connections.size, 2);
  } finally {
    connections.stop();
  }
});
