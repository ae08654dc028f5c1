import { assertEquals } from "../../../test/support/assert.ts";
import { HostLimiter } from "./host_limiter.ts";

Deno.test("HostLimiter keeps at most N in flight per host and hands slots on in order", async () => {
  const limiter = new HostLimiter(2);
  const signal = new AbortController().signal;
  const a = await limiter.acquire("h", signal);
  const b = await limiter.acquire("h", signal);
  const other = await limiter.acquire("other", signal);
  let third = false;
  const c = limiter.acquire("h", signal).then((r) => (third = true, r));
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(third, false, "the third waits");
  a!();
  (await c)!();
  assertEquals(third, true);
  b!();
  other!();
});

Deno.test("HostLimiter gives up when the attempt is aborted", async () => {
  const limiter = new HostLimiter(1);
  const held = await limiter.acquire("h", new AbortController().signal);
  const abort = new AbortController();
  const waiting = limiter.acquire("h", abort.signal);
  abort.abort();
  assertEquals(await waiting, undefined);
  held!();
});
