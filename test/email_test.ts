/**
 * The email action against a real SMTP server: plain, STARTTLS required with AUTH, implicit TLS,
 * 4xx retried and 5xx permanent, and header injection refused before anything is sent.
 */
import { assertEquals, assertIncludes, assertMatch } from "./support/assert.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";
import { type SmtpStandIn, startSmtp } from "./support/smtp.ts";
import { waitUntil } from "./support/wait.ts";

const ca = await Deno.readTextFile(new URL("./fixtures/tls/ca.pem", import.meta.url));
const banned = { type: "user.banned", user: { id: "mallory", name: "Mallory" }, reason: "spam" };

const rule = (smtpUrl: string, extra = "") => `
on: user.banned
do:
  - email:
      smtp_url: "${smtpUrl}"
      from: "Sluice <sluice@example.com>"
      to: [trust-safety@example.com]
      cc: ops@example.com
      subject: "User {{ user.id }} banned"
      text: "{{ user.name }} was banned: {{ reason }}"
      html: "<p>{{ user.name }}</p>"
      retry: { initial_delay: 1s }
${extra}`;

async function withSmtp(
  smtpOptions: Parameters<typeof startSmtp>[0],
  url: (port: number) => string,
  fn: (smtp: SmtpStandIn, p: Pipeline) => Promise<void>,
) {
  const smtp = await startSmtp(smtpOptions);
  const p = await startPipeline({ "r.yaml": rule(url(smtp.port)) }, {}, {
    actions: { email: { ca } },
  });
  try {
    await fn(smtp, p);
  } finally {
    await p.close();
    await smtp.close();
  }
}

Deno.test("email over plain SMTP: envelope, headers and both bodies", async () => {
  await withSmtp({}, (port) => `smtp://127.0.0.1:${port}`, async (smtp, p) => {
    await p.send(banned);
    await waitUntil(() => smtp.messages.length === 1, "message");
    const [m] = smtp.messages;
    assertEquals([m.from, m.to], ["sluice@example.com", [
      "trust-safety@example.com",
      "ops@example.com",
    ]]);
    assertMatch(m.raw, /^Subject: User mallory banned$/m);
    assertMatch(m.raw, /^X-Sluice-Idempotency-Key:\s+\S+-0-[0-9a-f]{16}\r?$/m);
    assertIncludes(m.raw, "Mallory was banned: spam");
    assertIncludes(m.raw, "<p>Mallory</p>");
    await waitUntil(() => p.attempts.length === 1, "attempt");
    assertEquals(p.attempts[0].result.kind, "done");
  });
});

Deno.test("email with STARTTLS required and AUTH; the password never shows", async () => {
  const auth = { user: "sluice", pass: "s3cret-pass" };
  await withSmtp(
    { auth, tls: "starttls" },
    (port) => `smtp://sluice:s3cret-pass@127.0.0.1:${port}?starttls=required`,
    async (smtp, p) => {
      await p.send(banned);
      await waitUntil(() => smtp.messages.length === 1, "message");
      assertEquals([smtp.messages[0].user, smtp.messages[0].secure], ["sluice", true]);
    },
  );
  await withSmtp(
    { auth, tls: "starttls" },
    (port) => `smtp://sluice:wrong-pass@127.0.0.1:${port}?starttls=required`,
    async (_smtp, p) => {
      await p.send(banned);
      await waitUntil(() => p.attempts.length === 1, "attempt");
      const error = p.attempts[0].result.attempt.error!;
      assertEquals(p.attempts[0].result.kind, "dead", error);
      assertEquals(error.includes("wrong-pass"), false);
    },
  );
});

Deno.test("email over implicit TLS (smtps://)", async () => {
  await withSmtp({ tls: "implicit" }, (port) => `smtps://127.0.0.1:${port}`, async (smtp, p) => {
    await p.send(banned);
    await waitUntil(() => smtp.messages.length === 1, "message");
    assertEquals(smtp.messages[0].secure, true);
  });
});

Deno.test("SMTP 4xx is retried, 5xx is a dead letter", async () => {
  await withSmtp({}, (port) => `smtp://127.0.0.1:${port}`, async (smtp, p) => {
    smtp.failNext(451, 550);
    await p.send(banned);
    await waitUntil(() => p.attempts.length === 1, "attempt 1");
    p.advance(10_000);
    await waitUntil(() => p.attempts.length === 2, "attempt 2");
    assertEquals(p.attempts.map((a) => [a.result.kind, a.result.attempt.status]), [["retry", 451], [
      "dead",
      550,
    ]]);
    assertEquals(smtp.messages.length, 0);
  });
});

Deno.test("a line break from the event in the subject becomes a space, not a header", async () => {
  const smtp = await startSmtp();
  const p = await startPipeline({ "r.yaml": rule(`smtp://127.0.0.1:${smtp.port}`) }, {});
  try {
    await p.send({ ...banned, user: { id: "x\r\nBcc: victim@example.com", name: "X" } });
    await waitUntil(() => smtp.messages.length === 1, "message");
    const [m] = smtp.messages;
    assertEquals(m.to, ["trust-safety@example.com", "ops@example.com"]);
    assertMatch(m.raw, /^Subject: User x Bcc: victim@example.com banned$/m);
    assertEquals(/^Bcc:/m.test(m.raw), false);
  } finally {
    await p.close();
    await smtp.close();
  }
});

Deno.test("a line break the rule author wrote in a header is refused before sending", async () => {
  const smtp = await startSmtp();
  const written = rule(`smtp://127.0.0.1:${smtp.port}`).replace(
    'subject: "User {{ user.id }} banned"',
    'subject: "User {{ user.id }}\\r\\nBcc: victim@example.com"',
  );
  const p = await startPipeline({ "r.yaml": written }, {});
  try {
    await p.send(banned);
    await waitUntil(async () => (await p.store.stats()).deadLetters === 1, "dead letter");
    const [dead] = await p.store.listDeadLetters();
    assertIncludes(
      dead.lastError!,
      "subject contains a line break or NUL (header injection refused)",
    );
    assertEquals(smtp.messages.length, 0);
  } finally {
    await p.close();
    await smtp.close();
  }
});
