import { assertEquals } from "../../test/support/assert.ts";
import { signStreamBody, verifyStreamSignature } from "./stream_signature.ts";

const body = (s: string) => new TextEncoder().encode(s);

Deno.test("the worked example of the fixtures README verifies", async () => {
  const sqs = JSON.parse(
    await Deno.readTextFile(
      new URL("../../examples/events/_sqs_message_example.json", import.meta.url),
    ),
  );
  const raw = body(sqs.Messages[0].Body);
  const expected = "0f99d6fb751cc6b0618cbc03f753bfcf7a23d216a9dbe36a67f8c1a62b7a3793";
  assertEquals(await signStreamBody(raw, "test_api_secret"), expected);
  assertEquals(await verifyStreamSignature(raw, expected, ["test_api_secret"]), true);
  assertEquals(await verifyStreamSignature(raw, expected.toUpperCase(), ["test_api_secret"]), true);
});

Deno.test("a wrong secret, a changed body or a malformed signature fails; rotation works", async () => {
  const sig = await signStreamBody(body('{"type":"x"}'), "new");
  assertEquals(await verifyStreamSignature(body('{"type":"x"}'), sig, ["other"]), false);
  assertEquals(await verifyStreamSignature(body('{"type":"y"}'), sig, ["new"]), false);
  assertEquals(await verifyStreamSignature(body('{"type":"x"}'), "zz", ["new"]), false);
  // 64 characters whose last pair is not hex, and one digit short: both malformed.
  assertEquals(
    await verifyStreamSignature(body('{"type":"x"}'), `${sig.slice(0, 62)}zz`, ["new"]),
    false,
  );
  assertEquals(await verifyStreamSignature(body('{"type":"x"}'), sig.slice(1), ["new"]), false);
  assertEquals(await verifyStreamSignature(body('{"type":"x"}'), sig, ["current", "new"]), true);
});
