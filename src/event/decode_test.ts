import { assertEquals, assertRejects } from "../../test/support/assert.ts";
import { decodeMessage, decodeSnsMessage, UndecodableMessageError } from "./decode.ts";

const dir = new URL("../../examples/events/", import.meta.url);
const read = async (name: string) => JSON.parse(await Deno.readTextFile(new URL(name, dir)));

Deno.test("SQS bodies: plain JSON and base64 of gzip decode to the same event", async () => {
  const plain = (await read("_sqs_message_example.json")).Messages[0].Body;
  const zipped = (await read("_sqs_message_example_compressed.json")).Messages[0].Body;
  const a = await decodeMessage(plain, 1 << 20);
  const b = await decodeMessage(zipped, 1 << 20);
  assertEquals(a.event.type, "feeds.activity.added");
  assertEquals(b.event, a.event);
  assertEquals(a.json, plain);
});

Deno.test("a whole SNS envelope in an SQS body is unwrapped, plain or compressed", async () => {
  for (
    const name of ["_sns_notification_example.json", "_sns_notification_example_compressed.json"]
  ) {
    const envelope = await read(name);
    const decoded = await decodeMessage(JSON.stringify(envelope), 1 << 20);
    assertEquals([decoded.event.type, decoded.snsMessageId], [
      "feeds.activity.added",
      envelope.MessageId,
    ]);
    assertEquals((await decodeSnsMessage(envelope.Message, 1 << 20)).event, decoded.event);
  }
});

Deno.test("undecodable bodies are refused with a reason", async () => {
  const gzipOf = async (s: string) => {
    const stream = new Blob([s]).stream().pipeThrough(new CompressionStream("gzip"));
    return btoa(String.fromCharCode(...new Uint8Array(await new Response(stream).arrayBuffer())));
  };
  const cases: [string, string][] = [
    ["{nope", "not valid JSON"],
    ["hello world!", "neither JSON nor base64"],
    ['{"no_type": 1}', 'the message has no string "type"'],
    [btoa("\x1f\x8bgarbage"), "body starts like gzip but does not decompress"],
    [
      await gzipOf(JSON.stringify({ type: "x", pad: "0".repeat(5000) })),
      "decompressed body is larger than 1024 bytes",
    ],
  ];
  for (const [body, reason] of cases) {
    const e = await assertRejects(decodeMessage(body, 1024), UndecodableMessageError);
    assertEquals(e.reason, reason, body.slice(0, 20));
  }
});

Deno.test("bodies nested deeper than 64 levels are refused; 64 are fine", async () => {
  const nested = (levels: number) =>
    `{"type":"x","a":${"[".repeat(levels - 1)}1${"]".repeat(levels - 1)}}`;
  assertEquals((await decodeMessage(nested(64), 1 << 20)).event.type, "x");
  for (const levels of [65, 9000, 200_000]) {
    const e = await assertRejects(decodeMessage(nested(levels), 1 << 20), UndecodableMessageError);
    assertEquals(e.reason, "nested deeper than 64 levels");
    const sns = await assertRejects(
      decodeSnsMessage(nested(levels), 1 << 20),
      UndecodableMessageError,
    );
    assertEquals(sns.reason, "nested deeper than 64 levels");
  }
});

Deno.test("a base64 gzip bomb in an SQS body stops at the limit, quickly", async () => {
  const zeros = new Uint8Array(1 << 20);
  const gzip = new CompressionStream("gzip");
  const writer = gzip.writable.getWriter();
  const writing = (async () => {
    for (let i = 0; i < 1024; i++) await writer.write(zeros); // 1 GiB of zeros
    await writer.close();
  })();
  const bomb = new Uint8Array(await new Response(gzip.readable).arrayBuffer());
  await writing;
  let binary = "";
  for (let i = 0; i < bomb.length; i += 8192) {
    binary += String.fromCharCode(...bomb.subarray(i, i + 8192));
  }
  const started = performance.now();
  const e = await assertRejects(decodeMessage(btoa(binary), 1 << 20), UndecodableMessageError);
  const ms = performance.now() - started;
  assertEquals(e.reason, "decompressed body is larger than 1048576 bytes");
  // ~10 ms and a few MB; inflating the whole gigabyte first took 4 s and 1.1 GB of memory.
  if (ms > 1000) throw new Error(`took ${ms.toFixed(0)} ms`);
});
