import { assertEquals } from "../../test/support/assert.ts";
import { parseDuration } from "./duration.ts";

Deno.test("parseDuration reads every unit", () => {
  assertEquals(parseDuration("500ms"), 500);
  assertEquals(parseDuration("10s"), 10_000);
  assertEquals(parseDuration("1.5s"), 1_500);
  assertEquals(parseDuration("5m"), 300_000);
  assertEquals(parseDuration("1h"), 3_600_000);
  assertEquals(parseDuration("7d"), 604_800_000);
});

Deno.test("parseDuration refuses what is not a duration", () => {
  for (const bad of ["", "10", "s", "-1s", "1 h", "1y", "1.s"]) {
    assertEquals(parseDuration(bad), undefined, bad);
  }
});
