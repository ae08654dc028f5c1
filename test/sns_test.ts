/**
 * SNS ingress against messages signed with a locally generated key, whose certificate a local
 * HTTPS server serves in place of sns.<region>.amazonaws.com (the host check is relaxed through
 * the app's test seam only).
 */
import { createSign } from "node:crypto";
import { stringToSign } from "../src/ingress/sns/message.ts";
import type { SnsMessage } from "../src/ingress/sns/message.ts";
import { startApp } from "./support/app.ts";
import { ManualClock } from "./support/clock.ts";
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { startSink } from "./support/sink.ts";
import { withTree } from "./support/tmp.ts";

const tls = new URL("./fixtures/tls/", import.meta.url);
const cert = await Deno.readTextFile(new URL("cert.pem", tls));
const key = await Deno.readTextFile(new URL("key.pem", tls));
const ca = await Deno.readTextFile(new URL("ca.pem", tls));
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:stream-events";
const CERT_PATH = "/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

/** The local stand-in for sns.<region>.amazonaws.com: serves the certificate and confirmations. */
function startFakeSns() {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, cert, key, onListen() {} }, (req) => {
    const url = new URL(req.url);
    seen.push(url.pathname + url.search);
    if (url.pathname === CERT_PATH) return new Response(cert);
    if (url.pathname === "/confirm") return new Response("<ConfirmSubscriptionResponse/>");
    return new Response("no", { status: 404 });
  });
  return { base: `https://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

function sign(
  fields: Omit<SnsMessage, "Signature" | "SignatureVersion">,
  version = "2",
): SnsMessage {
  const unsigned = { ...fields, SignatureVersion: version, Signature: "" } as SnsMessage;
  const signer = createSign(version === "1" ? "RSA-SHA1" : "RSA-SHA256");
  signer.update(stringToSign(unsigned));
  return { ...unsigned, Signature: signer.sign(key, "base64") };
}

async function withSns(
  fn: (ctx: {
    post: (m: unknown, headers?: Record<string, string>) => Promise<Response>;
    fake: ReturnType<typeof startFakeSns>;
    sink: ReturnType<typeof startSink>;
    message: (extra?: Partial<SnsMessage>) => Omit<SnsMessage, "Signature" | "SignatureVersion">;
    app: Awaited<ReturnType<typeof startApp>>["app"];
  }) => Promise<void>,
) {
  const fake = startFakeSns();
  const sink = startSink();
  const client = Deno.createHttpClient({ caCerts: [ca] });
  await withTree({
    "rules/all.yaml":
      'on: "*"\ndo:\n  - http: { url: "${SINK}/{{ type }}", json: "{{ $event }}" }\n',
  }, async (dir) => {
    const { app } = await startApp(dir, { SINK: sink.url, SLUICE_SNS_TOPICS: TOPIC }, {
      now: new ManualClock().now, // the messages' Timestamp, 2026-08-24T10:00Z
      snsTest: {
        hostPattern: /^127\.0\.0\.1$/,
        fetch: (input, init) => fetch(input, { ...init, client }),
      },
    });
    const message = (extra: Partial<SnsMessage> = {}) => ({
      Type: "Notification" as const,
      MessageId: crypto.randomUUID(),
      TopicArn: TOPIC,
      Message: JSON.stringify({ type: "user.banned", user: { id: "mallory" } }),
      Timestamp: "2026-08-24T10:00:00.000Z",
      SigningCertURL: `${fake.base}${CERT_PATH}`,
      UnsubscribeURL: `${fake.base}/unsubscribe`,
      ...extra,
    });
    const post = (m: unknown, headers: Record<string, string> = {}) =>
      fetch(`${app.url}/webhooks/sns`, {
        method: "POST",
        headers: {
          "content-type": "text/plain; charset=UTF-8",
          "x-amz-sns-message-type": (m as SnsMessage).Type,
          ...headers,
        },
        body: JSON.stringify(m),
      });
    try {
      await fn({ post, fake, sink, message, app });
    } finally {
      await app.stop(1000);
      client.close();
      await sink.close();
      await fake.close();
    }
  });
}

Deno.test("SNS: notifications signed v1 and v2, plain and compressed, are stored once and delivered", async () => {
  await withSns(async ({ post, sink, message }) => {
    const fixture = JSON.parse(
      await Deno.readTextFile(
        new URL("../examples/events/_sns_notification_example_compressed.json", import.meta.url),
      ),
    );
    const v1 = sign(message(), "1");
    const v2 = sign(message({ Subject: "hello", Message: fixture.Message }), "2");
    for (const m of [v1, v2]) {
      const res = await post(m);
      assertEquals(res.status, 200, await res.clone().text());
      assertEquals(typeof (await res.json()).id, "string");
    }
    const again = await post(v1);
    assertEquals((await again.json()).duplicate, true);
    const got = await sink.waitFor(2);
    assertEquals(got.map((r) => r.path).sort(), ["/feeds.activity.added", "/user.banned"]);
    assertEquals(JSON.parse(got[0].body).source, "sns");
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(sink.requests.length, 2);
  });
});

Deno.test("SNS: a subscription to an allowed topic is confirmed by visiting SubscribeURL", async () => {
  await withSns(async ({ post, fake, message }) => {
    const m = sign(
      message(
        {
          Type: "SubscriptionConfirmation",
          Token: "tok",
          SubscribeURL: `${fake.base}/confirm?Token=tok`,
        } as Partial<SnsMessage>,
      ),
    );
    const res = await post(m);
    assertEquals([res.status, await res.json()], [200, { confirmed: true }]);
    assertEquals(fake.seen.includes("/confirm?Token=tok"), true);
  });
});

Deno.test("SNS: refusals happen before any fetch they would need", async () => {
  await withSns(async ({ post, fake, sink, message }) => {
    const cases: [unknown, number, string, Record<string, string>?][] = [
      [
        sign(message({ TopicArn: "arn:aws:sns:eu-west-1:1:other" })),
        403,
        "TopicArn is not in SLUICE_SNS_TOPICS",
      ],
      [
        sign(message({ SigningCertURL: `${fake.base.replace("https", "http")}${CERT_PATH}` })),
        401,
        "SigningCertURL not https",
      ],
      [
        sign(message({ SigningCertURL: "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem" })),
        401,
        "SigningCertURL host is not an SNS host",
      ],
      [
        sign(message({ SigningCertURL: `${fake.base}/cert.txt` })),
        401,
        "SigningCertURL path is not /SimpleNotificationService-<32 hex>.pem",
      ],
      [
        sign(
          message(
            {
              Type: "SubscriptionConfirmation",
              Token: "t",
              SubscribeURL: "https://evil.example/confirm",
            } as Partial<SnsMessage>,
          ),
        ),
        401,
        "SubscribeURL host is not an SNS host",
      ],
      [{ ...sign(message()), Message: "tampered" }, 401, "Signature does not verify"],
      [{ ...sign(message()), SignatureVersion: "3" }, 400, "SignatureVersion"],
      [{ ...sign(message()), Signature: "not*base64!" }, 400, "Signature: not base64"],
      [sign(message({ Timestamp: "2026-08-24T08:00:00.000Z" })), 400, "Timestamp is 2 h old"],
      [
        sign(message({ SigningCertURL: `${fake.base}/SimpleNotificationService-1234.pem` })),
        401,
        "SigningCertURL path is not",
      ],
      [sign(message()), 400, "x-amz-sns-message-type: the header and the body's Type differ", {
        "x-amz-sns-message-type": "SubscriptionConfirmation",
      }],
      [{ Type: "Notification", TopicArn: TOPIC }, 400, "MessageId: missing"],
    ];
    for (const [m, status, error, headers] of cases) {
      const res = await post(m, headers);
      assertEquals(res.status, status, error);
      assertIncludes((await res.json()).error, error);
    }
    assertEquals(
      fake.seen.filter((p) => p !== CERT_PATH),
      [],
      "no confirmation or other URL visited",
    );
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(sink.requests.length, 0, "nothing refused was delivered");
  });
});

Deno.test("SNS: an undecodable Message is quarantined", async () => {
  await withSns(async ({ post, message }) => {
    const res = await post(sign(message({ Message: "definitely not an event" })));
    assertEquals(res.status, 400);
    assertIncludes((await res.json()).error, "neither JSON nor base64; kept in quarantine");
  });
});
