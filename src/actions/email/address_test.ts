import { assertEquals } from "../../../test/support/assert.ts";
import { checkEmailHeaders, parseAddressFields, parseMailboxes } from "./address.ts";
import { escapeEmailValue, fitEmail } from "./escape.ts";

Deno.test("parseMailboxes takes what the mailer parses, and only real addresses", () => {
  assertEquals(parseMailboxes("to", "ts@example.com"), [{ name: "", address: "ts@example.com" }]);
  assertEquals(parseMailboxes("to", "Trust & Safety <ts@example.com>"), [
    { name: "Trust & Safety", address: "ts@example.com" },
  ]);
  assertEquals(parseMailboxes("to", "a@b.co, c@d.co").length, 2, "literal lists are lists");
  for (const bad of ["ts", "ts@example", "a@b.c\nBcc: x@y.z"]) {
    assertEquals(typeof parseMailboxes("to", bad), "string", bad);
  }
});

Deno.test("a group written by the author counts every member against the cap", () => {
  const group = `G: ${Array.from({ length: 51 }, (_, i) => `u${i}@x.co`).join(", ")};`;
  assertEquals(parseAddressFields({ from: "a@b.co", to: group }), "51 recipients; the limit is 50");
});

Deno.test("event values in address fields can only be display names", () => {
  const name = (v: string) => escapeEmailValue(v, ["to"]) as string;
  const to = `${name("attacker@evil.example, Bob")} <bob@corp.example>`;
  assertEquals(parseMailboxes("to", to), [
    { name: "attacker@evil.example, Bob", address: "bob@corp.example" },
  ]);
  const group = `G: ${Array.from({ length: 120 }, (_, i) => `u${i}@x.co`).join(", ")};`;
  assertEquals(parseMailboxes("to", `${name(group)} <bob@corp.example>`), [
    { name: group, address: "bob@corp.example" },
  ]);
  assertEquals(parseMailboxes("to", `${name('a"b\\c\r\nBcc: x@y.co')} <b@c.co>`), [
    { name: 'a"b\\c Bcc: x@y.co', address: "b@c.co" },
  ]);
  assertEquals(escapeEmailValue("bob@corp.example", ["to", 0]), "bob@corp.example");
  // A value meant to be the address that carries a second one is refused, not split.
  assertEquals(
    typeof parseMailboxes("to", `<${name("a@b.co, evil@x.co")}>`),
    "string",
  );
});

Deno.test("html values are escaped, subject line breaks become spaces, long subjects are cut", () => {
  assertEquals(
    escapeEmailValue(`<script>x</script><img src="t">'`, ["html"]),
    "&lt;script&gt;x&lt;/script&gt;&lt;img src=&quot;t&quot;&gt;&#39;",
  );
  assertEquals(escapeEmailValue("a\r\nBcc: x@y.co", ["subject"]), "a Bcc: x@y.co");
  assertEquals(escapeEmailValue("<b>", ["text"]), "<b>");
  const params: Record<string, unknown> = { subject: "x".repeat(5_000) };
  assertEquals(fitEmail(params), ["subject cut from 5000 to 998 characters"]);
  assertEquals((params.subject as string).length, 998);
  assertEquals((params.subject as string).endsWith("…"), true);
});

Deno.test("checkEmailHeaders refuses line breaks the author wrote and too many recipients", () => {
  assertEquals(checkEmailHeaders({ to: "a@b.co", subject: "hi" }), undefined);
  assertEquals(
    checkEmailHeaders({ to: "a@b.co", subject: "hi\r\nBcc: evil@x.co" }),
    "subject contains a line break or NUL (header injection refused)",
  );
  assertEquals(
    checkEmailHeaders({ to: ["a@b.co", "nope"], subject: "s" }),
    'to: "nope" is not an email address',
  );
  assertEquals(
    checkEmailHeaders({ to: Array(51).fill("a@b.co"), subject: "s" }),
    "51 recipients; the limit is 50",
  );
  assertEquals(checkEmailHeaders({ to: [], subject: "s" }), "no recipient");
  assertEquals(
    checkEmailHeaders({ from: "a@b.co, c@d.co", to: "x@y.co" }),
    "from must be one address, got 2",
  );
});

Deno.test("a megabyte display name is parsed in linear time", () => {
  const started = performance.now();
  const to = `${escapeEmailValue("a, ".repeat(350_000), ["to"])} <b@c.co>`;
  assertEquals((parseMailboxes("to", to) as { address: string }[])[0].address, "b@c.co");
  const ms = performance.now() - started;
  // Normal: ~50 ms. A quadratic parser would take minutes.
  if (ms > 5_000) throw new Error(`took ${ms} ms`);
});

Deno.test("inside quotes or a comment the author wrote, a value cannot break out", () => {
  const inQuotes = (v: string) =>
    `"${escapeEmailValue(v, ["from"], {}, '"')}" <alerts@sluice.example>`;
  for (
    const name of [
      "x <eve@evil.example> (",
      'a" <eve@evil.example>, "b',
      "g:v0@evil.example, v1@evil.example;",
      "eve@evil.example,",
      '\\" <eve@evil.example>',
    ]
  ) {
    assertEquals(
      (parseMailboxes("from", inQuotes(name)) as { address: string }[]).map((m) => m.address),
      ["alerts@sluice.example"],
      name,
    );
  }
  const inComment = (v: string) =>
    `alerts@sluice.example (${escapeEmailValue(v, ["to"], {}, "alerts@sluice.example (")})`;
  assertEquals(
    (parseMailboxes("to", inComment("x) , eve@evil.example (")) as { address: string }[])
      .map((m) => m.address),
    ["alerts@sluice.example"],
  );
});

Deno.test("a bare address is recognised in linear time, whatever the value", () => {
  const started = performance.now();
  for (const v of ["a@" + ".".repeat(1_000_000) + " ", "a".repeat(1_000_000) + "@b.c"]) {
    escapeEmailValue(v, ["to"]);
  }
  const ms = performance.now() - started;
  // Normal: ~20 ms. The backtracking pattern this replaced took about 40 minutes.
  if (ms > 5_000) throw new Error(`took ${ms} ms`);
});
