/** `sluice send`: sign event files as Stream does and POST them, to test a deployment. */
import { signStreamBody } from "../ingress/stream_signature.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";

/** The `send` command. */
export const sendCommand: Command = {
  name: "send",
  summary: "Sign event files as Stream does and POST them",
  help:
    `Usage: sluice send --url URL [--api-key K] [--secret S] [--fresh] [--gzip] [--webhook-id ID] FILE…

Posts each FILE's bytes exactly as they are (never re-serialised) with Stream's headers:
X-Api-Key, X-Signature (hex HMAC-SHA256 of the body with the secret), X-Webhook-Id (a new UUID
per file unless --webhook-id is given, e.g. to see duplicate handling) and X-Webhook-Attempt: 1.
--gzip sends the body gzipped with Content-Encoding: gzip, as Stream's payload compression does;
the signature stays over the uncompressed bytes. --fresh sets the event's created_at to now
(an RFC 3339 string, or integer nanoseconds if the file has those) and sends it re-serialised:
sample files carry old dates, which sluice refuses past SLUICE_MAX_EVENT_AGE (default 1h).
A URL without a path posts to /webhooks/stream.
Key and secret default to STREAM_API_KEY and STREAM_API_SECRET.

Prints "FILE: STATUS BODY" per file. Exit status: 0 all answered 2xx, 1 otherwise, 2 bad usage.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      url: { type: "string" },
      "api-key": { type: "string" },
      secret: { type: "string" },
      gzip: { type: "boolean" },
      fresh: { type: "boolean" },
      "webhook-id": { type: "string" },
    });
    const apiKey = values["api-key"] ?? Deno.env.get("STREAM_API_KEY");
    const secret = values.secret ?? Deno.env.get("STREAM_API_SECRET");
    if (!values.url) throw new UsageError("--url is required");
    if (!apiKey || !secret) {
      throw new UsageError("--api-key and --secret (or STREAM_API_KEY/SECRET) are required");
    }
    if (positionals.length === 0) throw new UsageError("give at least one event file");
    let url: URL;
    try {
      url = new URL(values.url);
    } catch {
      throw new UsageError(`--url: not a URL: ${values.url}`);
    }
    if (url.pathname === "/") url = new URL("/webhooks/stream", url);
    let failed = 0;
    for (const file of positionals) {
      let body = await Deno.readFile(file).catch(() => {
        throw new UsageError(`${file}: cannot read`);
      });
      if (values.fresh) body = freshen(file, body, new Date());
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "x-api-key": apiKey,
        "x-signature": await signStreamBody(body, secret),
        "x-webhook-id": values["webhook-id"] ?? crypto.randomUUID(),
        "x-webhook-attempt": "1",
      };
      let payload: Uint8Array<ArrayBuffer> = body;
      if (values.gzip) {
        headers["content-encoding"] = "gzip";
        payload = new Uint8Array(
          await new Response(new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")))
            .arrayBuffer(),
        );
      }
      try {
        const res = await fetch(url, { method: "POST", headers, body: payload });
        console.log(`${file}: ${res.status} ${(await res.text()).trim()}`);
        if (!res.ok) failed++;
      } catch (e) {
        console.log(`${file}: failed: ${e instanceof Error ? e.message : e}`);
        failed++;
      }
    }
    return failed ? EXIT_FAILED : EXIT_OK;
  },
};

/** The event in `bytes` with `created_at` set to `now`, in the format the file used. */
export function freshen(file: string, bytes: Uint8Array, now: Date): Uint8Array<ArrayBuffer> {
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UsageError(`${file}: --fresh needs a JSON event, and this is not JSON`);
  }
  if (event === null || typeof event !== "object" || Array.isArray(event)) {
    throw new UsageError(`${file}: --fresh needs a JSON object`);
  }
  const record = event as Record<string, unknown>;
  record.created_at = typeof record.created_at === "number"
    ? now.getTime() * 1_000_000
    : now.toISOString();
  return new TextEncoder().encode(JSON.stringify(record, null, 2) + "\n");
}
