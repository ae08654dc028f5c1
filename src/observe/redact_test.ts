import { assertEquals } from "../../test/support/assert.ts";
import { REDACTED, redactParams, redactText, redactValues, secretValues } from "./redact.ts";

Deno.test("redactParams masks secret keys, header names case-insensitively", () => {
  const params = {
    webhook_url: "https://hooks.slack.com/services/T/B/x",
    text: "hello",
    headers: { Authorization: "Bearer abc", "Content-Type": "application/json" },
  };
  assertEquals(redactParams(params, ["webhook_url", "headers.authorization"]), {
    webhook_url: REDACTED,
    text: "hello",
    headers: { Authorization: REDACTED, "Content-Type": "application/json" },
  });
  assertEquals(params.webhook_url, "https://hooks.slack.com/services/T/B/x", "input untouched");
});

Deno.test("redactText masks credentials, Slack hooks and tokens in free text", () => {
  assertEquals(
    redactText(
      "smtp://user:pw@mail.example:587 failed; hook https://hooks.slack.com/services/T1/B2/s3 " +
        "token xoxb-123-abc Authorization: Bearer eyJ.abc",
    ),
    `smtp://${REDACTED}@mail.example:587 failed; hook https://hooks.slack.com/${REDACTED} ` +
      `token ${REDACTED} Authorization: Bearer ${REDACTED}`,
  );
});

Deno.test("secretValues finds secret values and the parts of secret URLs a server might echo", () => {
  const params = {
    webhook_url: "https://hooks.example/services/T1/B2/abcdef",
    smtp_url: "smtp://u:longpassword@mail.example",
    headers: { Authorization: "Bearer t0k3n-value" },
    text: "not secret",
  };
  const secrets = secretValues(params, ["webhook_url", "smtp_url", "headers.authorization"]);
  assertEquals(secrets, [
    "https://hooks.example/services/T1/B2/abcdef",
    "/services/T1/B2/abcdef",
    "smtp://u:longpassword@mail.example",
    "longpassword",
    "Bearer t0k3n-value",
  ]);
  assertEquals(redactValues("404 for /services/T1/B2/abcdef", secrets), `404 for ${REDACTED}`);
});

Deno.test("every run of 8 or more characters of a secret is masked, wherever it is echoed", () => {
  const secrets = ["Token abcdefghijklmnopqrstuvwxyz0123", "shrt1"];
  assertEquals(
    redactValues("401 invalid token abcdefghij… (expected shrt1)", secrets),
    `401 invalid token ${REDACTED}… (expected ${REDACTED})`,
  );
  assertEquals(
    redactValues("got mnopqrstuvw and 0123 and Token", secrets),
    `got ${REDACTED} and 0123 and Token`,
    "runs under 8 characters and the scheme word are not secrets",
  );
  assertEquals(redactValues("no secret here at all", secrets), "no secret here at all");
});

Deno.test("masking a megabyte of text against long secrets is linear", () => {
  const secret = "x".repeat(5_000) + "y";
  const started = performance.now();
  const out = redactValues("x".repeat(1_000_000), [secret]);
  assertEquals(out, REDACTED);
  const ms = performance.now() - started;
  // Normal: ~150 ms. Comparing every position with every secret would take minutes.
  if (ms > 10_000) throw new Error(`took ${ms} ms`);
});
