/**
 * `sluice run` as a subprocess with a rule forwarding every event to a local sink: every sample
 * event, signed, is accepted and delivered; bad requests get §3's answers and store nothing.
 */
import { DatabaseSync } from "node:sqlite";
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const forwardAll = `
on: "*"
do:
  - http:
      url: \${SINK}/events/{{ type }}
      json: { id: "{{ $event.id }}", source: "{{ $event.source }}", event: "{{ $ }}" }
`;

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function count(dir: string, table: string): number {
  const db = new DatabaseSync(`${dir}/data/sluice.db`);
  try {
    return db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n as number;
  } finally {
    db.close();
  }
}

Deno.test("every sample event, signed, is accepted and reaches the sink", async () => {
  const sink = startSink();
  await withTree({ "rules/all.yaml": forwardAll }, async (dir) => {
    // The samples are posted byte for byte, old created_at included: the age check is off here.
    const sluice = await startSluice(dir, { SINK: sink.url, SLUICE_MAX_EVENT_AGE: "off" });
    try {
      const files = [...Deno.readDirSync(`${projectRoot}/examples/events`)]
        .filter((e) => e.isFile && !e.name.startsWith("_")).map((e) => e.name).sort();
      assertOk(files.length >= 50);
      const ids: string[] = [];
      for (const file of files) {
        const bytes = await Deno.readFile(`${projectRoot}/examples/events/${file}`);
        const res = await postWebhook(sluice.url, bytes, { webhookId: `wh-${file}` });
        assertEquals(res.status, 200, file);
        ids.push((await res.json()).id);
      }
      const received = await sink.waitFor(files.length);
      const byId = new Map(received.map((r) => [JSON.parse(r.body).id, r]));
      assertEquals([...byId.keys()].sort(), [...ids].sort());
      const first = JSON.parse(byId.get(ids[0])!.body);
      const original = JSON.parse(
        await Deno.readTextFile(`${projectRoot}/examples/events/${files[0]}`),
      );
      assertEquals([first.source, first.event], ["webhook", original]);
      assertEquals(byId.get(ids[0])!.path, `/events/${original.type}`);
    } finally {
      assertEquals(await sluice.stop(), 0);
      await sink.close();
    }
  });
});

Deno.test("bad requests: 401, 413, 400 as specified; refused requests store nothing", async () => {
  const sink = startSink();
  await withTree({ "rules/all.yaml": forwardAll }, async (dir) => {
    const sluice = await startSluice(dir, { SINK: sink.url, SLUICE_MAX_BODY: "65536" });
    const event = JSON.stringify({ type: "user.banned", user: { id: "u1" } });
    try {
      const expect = async (res: Response, status: number, error: string) => {
        assertEquals(res.status, status, error);
        const body = await res.json();
        assertIncludes(body.error, error);
        assertEquals(JSON.stringify(body).includes("test-secret"), false);
      };
      await expect(
        await postWebhook(sluice.url, event, { secret: "wrong" }),
        401,
        "does not match",
      );
      await expect(
        await postWebhook(sluice.url, event, { key: "other" }),
        401,
        "unknown X-Api-Key",
      );
      await expect(
        await postWebhook(sluice.url, event, { headers: { "x-signature": "" } }),
        401,
        "missing X-Signature",
      );
      await expect(
        await fetch(`${sluice.url}/webhooks/stream`, { method: "POST", body: event }),
        401,
        "missing X-Api-Key",
      );
      const tampered = await postWebhook(sluice.url, event, {
        raw: new TextEncoder().encode(event.replace("u1", "u2")),
      });
      await expect(tampered, 401, "does not match");
      const big = JSON.stringify({ type: "user.banned", pad: "x".repeat(70_000) });
      await expect(await postWebhook(sluice.url, big), 413, "larger than 65536");
      const bomb = new TextEncoder().encode(
        JSON.stringify({ type: "x", pad: "0".repeat(5_000_000) }),
      );
      const zipped = await gzip(bomb);
      assertOk(zipped.length < 65_536);
      await expect(
        await postWebhook(sluice.url, bomb, { raw: zipped }),
        413,
        "decompressed body is larger",
      );
      assertEquals(count(dir, "sluice_events"), 0, "nothing refused is stored");
      await expect(await postWebhook(sluice.url, "{not json"), 400, "not JSON; kept in quarantine");
      await expect(await postWebhook(sluice.url, '{"type": 5}'), 400, 'no string "type"');
      assertEquals([count(dir, "sluice_events"), count(dir, "sluice_quarantine")], [0, 2]);
      await new Promise((r) => setTimeout(r, 100));
      assertEquals(sink.requests.length, 0);
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});

Deno.test("duplicates, gzip, rotation, unknown types and nanosecond timestamps", async () => {
  const sink = startSink();
  await withTree({
    "rules/all.yaml": forwardAll,
    "sluice.yaml":
      "apps:\n  - { api_key: rotating, secret: new-secret, previous_secret: old-secret }\n",
  }, async (dir) => {
    // A fixed 2025 created_at, so the age check is off (test/attack/replay_test.ts covers it).
    const sluice = await startSluice(dir, { SINK: sink.url, SLUICE_MAX_EVENT_AGE: "off" });
    try {
      const banned = (n: number) =>
        JSON.stringify({ type: "user.banned", n, created_at: 1756029725003771299 });
      const event = banned(1);
      const first = await postWebhook(sluice.url, event, { webhookId: "same" });
      const again = await postWebhook(sluice.url, event, { webhookId: "same" });
      const firstBody = await first.json();
      assertEquals(await again.json(), { id: firstBody.id, duplicate: true });
      // X-Webhook-Id is not signed: the same signed body under another id, or none, is a replay.
      const replayed = await postWebhook(sluice.url, event, { webhookId: "another" });
      assertEquals(await replayed.json(), { id: firstBody.id, duplicate: true });
      const anonymous = await postWebhook(sluice.url, event);
      assertEquals(await anonymous.json(), { id: firstBody.id, duplicate: true });
      const zipped = await postWebhook(sluice.url, banned(2), {
        webhookId: "zipped",
        raw: await gzip(new TextEncoder().encode(banned(2))),
        headers: { "content-encoding": "gzip" },
      });
      assertEquals(zipped.status, 200);
      for (const [i, secret] of ["new-secret", "old-secret"].entries()) {
        const res = await postWebhook(sluice.url, banned(3 + i), { key: "rotating", secret });
        assertEquals(res.status, 200, secret);
      }
      const unknown = await postWebhook(
        sluice.url,
        JSON.stringify({ type: "brand.new.thing", x: 1 }),
      );
      assertEquals(unknown.status, 200);
      const received = await sink.waitFor(5);
      await new Promise((r) => setTimeout(r, 200));
      assertEquals(sink.requests.length, 5, "the duplicates were not processed again");
      assertEquals(received.map((r) => r.path).sort(), [
        "/events/brand.new.thing",
        ...Array(4).fill("/events/user.banned"),
      ]);
      await waitUntil(
        () => sluice.logs.some((l) => l.msg === "unknown event type accepted"),
        "logged",
      );
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});

Deno.test("healthz and readyz answer; SIGTERM stops cleanly", async () => {
  await withTree({ "rules/all.yaml": forwardAll }, async (dir) => {
    const sluice = await startSluice(dir, { SINK: "http://127.0.0.1:9" });
    const health = await fetch(`${sluice.url}/healthz`);
    assertEquals([health.status, await health.json()], [200, { status: "ok" }]);
    const ready = await fetch(`${sluice.url}/readyz`);
    assertEquals([ready.status, await ready.json()], [200, { status: "ready" }]);
    assertEquals(await sluice.stop(), 0);
    assertOk(sluice.logs.some((l) => l.msg === "stopped"));
  });
});

Deno.test("run refuses to start on invalid rules, naming the file and position", async () => {
  await withTree({ "rules/bad.yaml": "on: x\ndo:\n  - slak: {}\n" }, async (dir) => {
    await assertRejectsStart(dir, "rules/bad.yaml:3:5: do[0]: unknown action");
  });
});

async function assertRejectsStart(dir: string, message: string) {
  try {
    await startSluice(dir);
  } catch (e) {
    assertIncludes(String(e), message);
    assertIncludes(String(e), "exited 1");
    return;
  }
  throw new Error("sluice started on invalid rules");
}
