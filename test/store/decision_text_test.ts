import type { DecisionRecord } from "../../src/delivery/decision.ts";
import { decisionFromText, decisionText } from "../../src/store/decision_text.ts";
import { assertEquals, assertOk } from "../support/assert.ts";

const record: DecisionRecord = {
  rules: [
    {
      rule: "plain",
      fired: false,
      reason: "if was false",
      trace: { source: "n = -1", value: false },
    },
    {
      rule: "array value",
      fired: false,
      reason: "if was false",
      trace: { source: "a", value: [1, "x"] },
    },
    { rule: "zero", fired: false, reason: "if was false", trace: { source: "count", value: 0 } },
    {
      rule: "nothing",
      fired: false,
      reason: "if was false",
      trace: { source: "x.y", nothing: true },
    },
    {
      rule: "both",
      fired: false,
      reason: "if was false",
      trace: {
        source: "a > 1 and b",
        value: false,
        op: "and",
        parts: [{ source: "a > 1", value: false }, { source: "b", value: true }],
      },
    },
    { rule: "failed", fired: false, reason: "if failed", error: "T2001: not a number" },
    { rule: "off", fired: false, reason: "disabled" },
    { rule: "fired", fired: true, mode: "live", missing: ["do[0].http.json.x"] },
    { rule: "held", fired: true, mode: "live", throttle: { key: "k", until: 5 } },
  ],
  errors: ["throttle.key of rule t: T1006"],
};

Deno.test("a decision record reads back as it was written, with the store's throttled", () => {
  const text = decisionText(record, ["held"])!;
  assertEquals(decisionFromText(text), { ...record, throttled: ["held"] });
  assertEquals(decisionText(undefined, []), null);
});

Deno.test("rules whose if was one false comparison are kept in a few bytes", () => {
  const many: DecisionRecord = {
    rules: Array.from({ length: 18 }, (_, i) => ({
      rule: `r${i}`,
      fired: false,
      reason: "if was false" as const,
      trace: { source: `n = -${i}`, value: false },
    })),
    errors: [],
  };
  const text = decisionText(many, [])!;
  const plain = JSON.stringify({ ...many, throttled: [] });
  assertOk(text.length * 3 < plain.length, `${text.length} bytes against ${plain.length}`);
  assertEquals(decisionFromText(text), { ...many, throttled: [] });
});

Deno.test("records stored in the earlier form read back unchanged", () => {
  const old = { ...record, throttled: [] };
  assertEquals(decisionFromText(JSON.stringify(old)), old);
});
