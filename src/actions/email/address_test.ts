import { assertEquals } from "../../../test/support/assert.ts";
import { checkEmailHeaders, parseAddress } from "./address.ts";

Deno.test("parseAddress takes plain and named addresses, nothing else", () => {
  assertEquals(parseAddress("ts@example.com"), "ts@example.com");
  assertEquals(parseAddress("Trust & Safety <ts@example.com>"), "ts@example.com");
  for (
    const bad of [
      "ts",
      "ts@example",
      "a b@example.com",
      "<ts@example.com",
      "a@b.c, d@e.f",
      "a@b.c\nBcc: x@y.z",
    ]
  ) {
    assertEquals(parseAddress(bad), undefined, bad);
  }
});

Deno.test("checkEmailHeaders refuses line breaks anywhere and too many recipients", () => {
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
});
