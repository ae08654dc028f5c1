/**
 * "Why didn't my rule fire?" through the real CLI: `match --explain` lists every rule whose `on`
 * covers the type, enabled or not, with the trace of a false `if` (each operand of its and/or,
 * with its value) or the JSONata message and code of a failed one; `$epochMillis` reads both of
 * Stream's timestamp forms and `$event.known` catches new types.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { withTree } from "./support/tmp.ts";

const rules = {
  "rules/links.yaml": `name: links
on: feeds.comment.added
if: comment.user.id = "mallory" and ($contains(comment.text, /tinyurl\\.com/) or comment.custom.score > 0.9)
do:
  - http: { url: "https://x.example/a" }
`,
  "rules/off.yaml": `name: off
enabled: false
on: feeds.comment.*
do:
  - http: { url: "https://x.example/b" }
`,
  "rules/millis.yaml": `name: millis
on: feeds.comment.added
if: $toMillis(created_at) > 0
do:
  - http: { url: "https://x.example/c" }
`,
  "rules/epoch.yaml": `name: epoch
on: feeds.comment.added
if: $epochMillis(created_at) > 1700000000000
do:
  - http: { url: "https://x.example/d" }
`,
  "rules/new-types.yaml": `name: new-types
on: "*"
if: $not($event.known)
do:
  - http: { url: "https://x.example/e" }
`,
};

async function explain(dir: string, event: unknown) {
  const r = await runSluice(["match", "--explain", "--event", "-"], {
    cwd: dir,
    stdin: JSON.stringify(event),
  });
  assertEquals(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

Deno.test("match --explain: every listening rule, the trace of a false if, a failed if's code", async () => {
  await withTree(rules, async (dir) => {
    const report = await explain(dir, {
      type: "feeds.comment.added",
      created_at: 1756029725003771299,
      comment: { user: { id: "mallory" }, text: "see bit.ly/xx", custom: { score: 0.2 } },
    });
    const byRule = Object.fromEntries(
      report.explain.map((e: { rule: string }) => [e.rule, e]),
    );
    assertEquals(Object.keys(byRule).sort(), ["epoch", "links", "millis", "new-types", "off"]);
    assertEquals(byRule.off.reason, "disabled");
    assertEquals(byRule.epoch.fired, true, "integer nanoseconds read by $epochMillis");
    assertEquals(byRule["new-types"].reason, "if was false");
    assertEquals(byRule.millis.reason, "if failed");
    assertIncludes(byRule.millis.error, "(T0410)");
    assertEquals(byRule.links.reason, "if was false");
    assertEquals(byRule.links.trace, {
      source: byRule.links.trace.source,
      value: false,
      op: "and",
      parts: [
        { source: 'comment.user.id = "mallory"', value: true },
        {
          source: "$contains(comment.text, /tinyurl\\.com/) or comment.custom.score > 0.9",
          value: false,
          op: "or",
          parts: [
            { source: "$contains(comment.text, /tinyurl\\.com/)", value: false },
            { source: "comment.custom.score > 0.9", value: false },
          ],
        },
      ],
    });
    assertEquals(report.matches.map((m: { rule: string }) => m.rule), ["epoch"]);
    const unknown = await explain(dir, { type: "feeds.brand_new.thing" });
    assertEquals(unknown.matches.map((m: { rule: string }) => m.rule), ["new-types"]);
  });
});
