import { assertEquals, assertOk } from "../../test/support/assert.ts";
import { Logger } from "./log.ts";
import { MAX_LOG_STRING } from "./log_fields.ts";

function capture() {
  const lines: string[] = [];
  return { lines, log: new Logger("debug", (line) => lines.push(line)) };
}

Deno.test("log fields are cut to the cap with a marker, quickly, whatever their size", () => {
  const { lines, log } = capture();
  const started = performance.now();
  log.info("webhook refused", {
    id: "a".repeat(1 << 20),
    error: new Error("b".repeat(1 << 20)),
    nested: { list: Array.from({ length: 5000 }, (_, i) => `x${i}`) },
  });
  const ms = performance.now() - started;
  assertOk(ms < 1000, `took ${ms.toFixed(0)} ms`); // a few ms normally; minutes before the cap
  const record = JSON.parse(lines[0]);
  assertEquals(record.id.length < MAX_LOG_STRING + 64, true, "id is cut");
  assertOk(record.id.endsWith(`…[${(1 << 20) - MAX_LOG_STRING} more characters cut]`), record.id);
  assertOk(record.error.startsWith("bbb") && record.error.length < MAX_LOG_STRING + 64);
  assertEquals(record.nested.list.length, 101);
  assertEquals(record.nested.list[100], "[… 4900 more]");
  assertOk(lines[0].length < 10_000, `line is ${lines[0].length} characters`);
});

Deno.test("secret shapes are masked per value, and secret-named fields whole", () => {
  const { lines, log } = capture();
  log.with({ admin_token: "sekret-admin-token" }).warn("delivery retry", {
    error: "POST https://u:hunter2@api.example/x answered 401: Bearer abc.def rejected",
    detail: { password: "p4ss", url: "https://hooks.slack.com/services/T/B/C" },
    count: 3,
  });
  const record = JSON.parse(lines[0]);
  assertEquals(record.admin_token, "[redacted]");
  assertEquals(
    record.error,
    "POST https://[redacted]@api.example/x answered 401: Bearer [redacted] rejected",
  );
  assertEquals(record.detail, {
    password: "[redacted]",
    url: "https://hooks.slack.com/[redacted]",
  });
  assertEquals(record.count, 3);
});

Deno.test("a secret that straddles the cut is masked before the cut", () => {
  const { lines, log } = capture();
  const text = "x".repeat(MAX_LOG_STRING - 10) + " Bearer " + "t".repeat(300);
  log.info("m", { error: text });
  const logged = JSON.parse(lines[0]).error as string;
  assertOk(!logged.includes("tttt"), logged.slice(-80));
});
