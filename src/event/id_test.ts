import { assertEquals, assertMatch } from "../../test/support/assert.ts";
import { newEventId } from "./id.ts";

Deno.test("newEventId is a UUIDv7 that sorts by time", () => {
  const a = newEventId(1_700_000_000_000);
  const b = newEventId(1_700_000_000_001);
  assertMatch(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assertEquals(a < b, true);
  assertEquals(a.slice(0, 13), "018bcfe5-6800");
});
