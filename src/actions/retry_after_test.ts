import { assertEquals } from "../../test/support/assert.ts";
import { parseRetryAfter } from "./retry_after.ts";

Deno.test("parseRetryAfter reads seconds and HTTP dates, ignores garbage", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assertEquals(parseRetryAfter("120", now), 120_000);
  assertEquals(parseRetryAfter(" 0 ", now), 0);
  assertEquals(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30_000);
  assertEquals(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
  assertEquals(parseRetryAfter("soon", now), undefined);
  assertEquals(parseRetryAfter("-5", now), undefined);
  assertEquals(parseRetryAfter(null, now), undefined);
});
