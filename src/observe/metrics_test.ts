import { assertEquals, assertIncludes } from "../../test/support/assert.ts";
import { Counter, Histogram, Metrics } from "./metrics.ts";

Deno.test("counters render per label set, label values escaped", () => {
  const c = new Counter("x_total", "help");
  c.inc({ rule: 'a"b' });
  c.inc({ rule: 'a"b' }, 2);
  c.inc();
  assertEquals(
    c.render(),
    '# HELP x_total help\n# TYPE x_total counter\nx_total{rule="a\\"b"} 3\nx_total 1',
  );
});

Deno.test("histograms are cumulative with +Inf, sum and count", () => {
  const h = new Histogram("d_seconds", "help", [0.1, 1]);
  h.observe(0.05, { a: "x" });
  h.observe(0.5, { a: "x" });
  h.observe(5, { a: "x" });
  assertEquals(h.render().split("\n").slice(2), [
    'd_seconds_bucket{a="x",le="0.1"} 1',
    'd_seconds_bucket{a="x",le="1"} 2',
    'd_seconds_bucket{a="x",le="+Inf"} 3',
    'd_seconds_sum{a="x"} 5.55',
    'd_seconds_count{a="x"} 3',
  ]);
});

Deno.test("gauges are read at scrape time, process metrics included", async () => {
  const m = new Metrics();
  let depth = 3;
  m.gauge({ name: "sluice_queue_depth", help: "h", read: () => depth });
  assertIncludes(await m.render(), "sluice_queue_depth 3\n");
  depth = 4;
  const text = await m.render();
  assertIncludes(text, "sluice_queue_depth 4\n");
  assertIncludes(text, "# TYPE process_resident_memory_bytes gauge");
});
