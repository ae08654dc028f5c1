/**
 * Attack: forged SNS messages on an allowed topic. Each must be refused from its own fields,
 * before any certificate is fetched: a certificate on an S3 bucket host or at another path, a
 * `Timestamp` older than the maximum event age (a replay), a `Signature` that is not base64
 * (was a 500 from `atob`). No request here reaches the network: a fetch would have meant a 503.
 */
import { assertEquals } from "../support/assert.ts";
import { startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:stream";
const CERT = "https://sns.eu-west-1.amazonaws.com/" +
  "SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f9.pem";

Deno.test({
  name: "attack: forged SNS certificate URLs, stale Timestamps and bad Signatures are 4xx",
  sanitizeResources: false,
  async fn() {
    await withTree(
      { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir, { SLUICE_SNS_TOPICS: TOPIC });
        const message = (extra: Record<string, string>) => ({
          Type: "Notification",
          MessageId: crypto.randomUUID(),
          TopicArn: TOPIC,
          Message: '{"type":"user.banned"}',
          Timestamp: new Date().toISOString(),
          SignatureVersion: "2",
          Signature: btoa("x".repeat(256)),
          SigningCertURL: CERT,
          ...extra,
        });
        const cases: [Record<string, string>, number, string][] = [
          [
            { SigningCertURL: CERT.replace("sns.eu-west-1", "sns.s3-eu-west-1") },
            401,
            "SigningCertURL host is not an SNS host",
          ],
          [
            { SigningCertURL: "https://sns.eu-west-1.amazonaws.com/evil.pem" },
            401,
            "SigningCertURL path is not /SimpleNotificationService-<32 hex>.pem",
          ],
          [
            { Timestamp: new Date(Date.now() - 2 * 3_600_000).toISOString() },
            400,
            "Timestamp is 2 h old, older than the maximum event age of 60 min (a replay?)",
          ],
          [{ Signature: "%%% not base64 %%%" }, 400, "Signature: not base64"],
          [{ Signature: "A".repeat(100_000) }, 400, "Signature: longer than any RSA signature"],
          [{ SignatureVersion: "x".repeat(100_000) }, 400, "SignatureVersion: not 1 or 2"],
        ];
        try {
          for (const [extra, status, error] of cases) {
            const res = await fetch(`${sluice.url}/webhooks/sns`, {
              method: "POST",
              headers: { "content-type": "text/plain; charset=UTF-8" },
              body: JSON.stringify(message(extra)),
              signal: AbortSignal.timeout(30_000),
            });
            assertEquals([res.status, (await res.json()).error], [status, error]);
          }
        } finally {
          assertEquals(await sluice.stop(), 0);
        }
      },
    );
  },
});
