/**
 * Short-form fuzzing of the ingress (the full run is `deno task fuzz`, 10,000 cases): mutated
 * webhook and SNS requests (truncated, bit-flipped, deeply nested, long values of one character in
 * headers and fields, NUL, invalid UTF-8, gzip bombs and truncated gzip), malformed rule files.
 * Properties: no 5xx, no crash, bounded time per request, nothing accepted without a valid
 * signature, nothing stored from refused requests.
 */
import { DatabaseSync } from "node:sqlite";
import { signStreamBody } from "../src/ingress/stream_signature.ts";
import { assertEquals, assertOk } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";

const CASES = Number(Deno.env.get("FUZZ_CASES") ?? 600);

/** A small deterministic PRNG so a failure can be replayed from its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = JSON.stringify({ type: "user.banned", user: { id: "u1", name: "Zoë" }, n: 1 });

function headerBytes(headers: Record<string, string>): number {
  return Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length, 0);
}

/** Longest a single fuzz request may take: normal is a few ms; 20× above a slow machine's. */
const REQUEST_BOUND_MS = 2_000;

async function gzip(bytes: Uint8Array<ArrayBuffer>, chunks = 1): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new CompressionStream("gzip");
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (let i = 0; i < chunks; i++) await writer.write(bytes);
    await writer.close();
  })();
  const out = new Uint8Array(await new Response(stream.readable).arrayBuffer());
  await writing;
  return out;
}

/** 60 MiB of zeros in ~60 KB of gzip (under the fuzz run's 64 KiB body limit), and real gzip. */
const BOMB = await gzip(new Uint8Array(1 << 20), 60);
const GZIPPED = await gzip(new TextEncoder().encode(base));

function mutate(
  random: () => number,
): {
  kind: string;
  body: Uint8Array<ArrayBuffer>;
  signAs?: string;
  headers: Record<string, string>;
} {
  const enc = new TextEncoder();
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const kind = pick([
    "truncate",
    "flip",
    "nest",
    "huge",
    "encoding",
    "headers",
    "gzipbomb",
    "type",
    "empty",
    "longheader",
    "longfield",
    "deep",
    "nul",
    "badutf8",
    "realbomb",
    "truncgzip",
    "snslong",
  ]);
  let body = enc.encode(base);
  const headers: Record<string, string> = {};
  let signAs: string | undefined = random() < 0.5 ? "test-secret" : undefined;
  switch (kind) {
    case "truncate":
      body = body.slice(0, Math.floor(random() * body.length));
      break;
    case "flip": {
      body = body.slice();
      for (let i = 0; i < 3; i++) {
        body[Math.floor(random() * body.length)] = Math.floor(random() * 256);
      }
      break;
    }
    case "nest":
      body = enc.encode(
        `{"type":"x","a":${"[".repeat(5000 + Math.floor(random() * 5000))}${"]".repeat(5000)}}`,
      );
      break;
    case "huge":
      body = enc.encode(JSON.stringify({ type: "x", pad: "x".repeat(70_000) }));
      break;
    case "encoding":
      body = new Uint8Array([0xff, 0xfe, ...enc.encode(base)]);
      break;
    case "headers":
      headers[pick(["X-API-KEY", "x-api-key", "X-Signature", "x-signature"])] = pick([
        "",
        "test-key, test-key",
        "\u00e9",
        "0".repeat(64),
      ]);
      break;
    case "gzipbomb":
      body = new Uint8Array([
        0x1f,
        0x8b,
        8,
        0,
        0,
        0,
        0,
        0,
        0,
        3,
        ...new Uint8Array(32).map(() => Math.floor(random() * 256)),
      ]);
      break;
    case "type":
      body = enc.encode(JSON.stringify({ type: pick([5, null, "", [], {}, "ok.type"]) }));
      break;
    case "empty":
      body = new Uint8Array(0);
      signAs = random() < 0.5 ? "test-secret" : "wrong";
      break;
    case "longheader": {
      // Past what the HTTP layer takes (~64 KB of headers) half the time.
      const name = pick(["x-webhook-id", "x-api-key", "x-signature", "x-amz-sns-message-type"]);
      headers[name] = pick(["a", "0", ":", "/"]).repeat(random() < 0.5 ? 60_000 : 1 << 20);
      break;
    }
    case "longfield":
      body = enc.encode(
        JSON.stringify({ type: pick(["x", "a".repeat(60_000)]), pad: "a".repeat(60_000) }),
      );
      break;
    case "deep": {
      const levels = pick([63, 64, 65, 200, 20_000]);
      body = enc.encode(`{"type":"x","a":${'{"a":'.repeat(levels)}1${"}".repeat(levels)}}`);
      break;
    }
    case "nul":
      body = enc.encode(JSON.stringify({ type: pick(["a\u0000b", "\u0000"]), v: "\u0000" }));
      if (random() < 0.5) body = new Uint8Array([...body.subarray(0, 5), 0, ...body.subarray(5)]);
      break;
    case "badutf8": {
      const bytes = enc.encode(base);
      const at = bytes.indexOf(0x5a); // inside "Zoë"
      body = new Uint8Array([...bytes.subarray(0, at), 0xc3, 0x28, 0xff, ...bytes.subarray(at)]);
      break;
    }
    case "realbomb":
      body = BOMB;
      break;
    case "truncgzip":
      body = GZIPPED.slice(0, Math.floor(random() * GZIPPED.length));
      break;
    case "snslong":
      body = enc.encode(JSON.stringify({
        Type: pick(["Notification", "a".repeat(60_000)]),
        TopicArn: pick(["arn:aws:sns:eu-west-1:1:t", "b".repeat(60_000)]),
        MessageId: "m",
        Message: "c".repeat(60_000),
        Timestamp: "2026-08-24T10:00:00Z",
        SignatureVersion: pick(["1", "2", "d".repeat(60_000)]),
        Signature: pick(["%%%", "e".repeat(60_000), ""]),
        SigningCertURL: pick([
          "https://sns.s3-eu-west-1.amazonaws.com/SimpleNotificationService-0.pem",
          `https://${"f".repeat(60_000)}.com/x.pem`,
        ]),
      }));
      break;
  }
  return { kind, body, signAs, headers };
}

Deno.test(
  { name: `fuzz: ${CASES} mutated webhook and SNS requests`, sanitizeResources: false },
  async () => {
    await withTree(
      { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir, {
          SLUICE_MAX_BODY: "65536",
          SLUICE_SNS_TOPICS: "arn:aws:sns:eu-west-1:1:t",
        });
        // Named in every failure; FUZZ_SEED=N replays one.
        const seed = Number(Deno.env.get("FUZZ_SEED") ?? Date.now() % 100_000);
        const random = prng(seed);
        let accepted = 0;
        try {
          for (let i = 0; i < CASES; i++) {
            const { kind, body, signAs, headers } = mutate(random);
            const signature = signAs ? await signStreamBody(body, signAs) : "0".repeat(64);
            const sns = random() < 0.25;
            const started = performance.now();
            const where = `seed ${seed} case ${i} (${kind}${sns ? ", SNS" : ""})`;
            const res = await fetch(`${sluice.url}/webhooks/${sns ? "sns" : "stream"}`, {
              method: "POST",
              headers: sns
                ? {
                  "content-type": "text/plain",
                  "x-amz-sns-message-type": "Notification",
                  ...headers,
                }
                : {
                  "x-api-key": "test-key",
                  "x-signature": signature,
                  "x-webhook-id": `f${i}`,
                  ...headers,
                },
              body,
            }).catch((e) => {
              // Headers past ~64 KB are refused by the HTTP layer itself, which closes the
              // connection while the body is still being sent; anything else is a failure.
              if (kind === "longheader" && headerBytes(headers) > 65_536) return undefined;
              throw new Error(`${where}: ${e}`, { cause: e });
            });
            if (!res) continue;
            const text = await res.text();
            const ms = performance.now() - started;
            assertOk(res.status < 500, `${where}: ${res.status} ${text}`);
            assertOk(ms < REQUEST_BOUND_MS, `${where}: took ${ms.toFixed(0)} ms`);
            if (res.status === 200) {
              // A repeated body or X-Webhook-Id is a replay: answered, not stored again.
              if (!JSON.parse(text).duplicate) accepted++;
              assertOk(!sns, `${where}: an unsigned SNS message was accepted`);
              assertEquals(
                signAs,
                "test-secret",
                `${where}: accepted without a valid signature`,
              );
            }
          }
          assertEquals((await fetch(`${sluice.url}/healthz`)).status, 200, "still serving");
        } finally {
          assertEquals(await sluice.stop(), 0);
        }
        const db = new DatabaseSync(`${dir}/data/sluice.db`);
        const stored = db.prepare("SELECT COUNT(*) AS n FROM sluice_events").get()!.n as number;
        db.close();
        assertEquals(stored, accepted, "only accepted requests were stored");
        console.log(
          `fuzz: ${CASES} requests, ${accepted} accepted (all validly signed), ${stored} stored`,
        );
      },
    );
  },
);

Deno.test("fuzz: mutated rule files never crash validate", async () => {
  const rule = await Deno.readTextFile(
    new URL("../rules/review-queue-to-slack.yaml", import.meta.url),
  );
  const random = prng(42);
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) {
    const chars = [...rule];
    for (let k = 0; k < 1 + Math.floor(random() * 5); k++) {
      const at = Math.floor(random() * chars.length);
      const op = random();
      if (op < 0.33) chars.splice(at, 1);
      else if (op < 0.66) {
        chars.splice(at, 0, "{}[]:-'\"\n\t#&*!|>%@`{{}}${ }"[Math.floor(random() * 30)]);
      } else chars[at] = chars[Math.floor(random() * chars.length)];
    }
    files[`rules/m${i}.yaml`] = chars.join("");
  }
  await withTree(files, async (dir) => {
    const r = await runSluice(["validate", "rules"], { cwd: dir });
    assertOk(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    assertEquals(r.stderr, "", "problems go to stdout, nothing is thrown");
    for (const line of r.stdout.trim().split("\n")) {
      assertOk(
        /^rules\/m\d+\.yaml:\d+:\d+: |^(ok|invalid): /.test(line),
        `unexpected line: ${line}`,
      );
    }
  });
});
