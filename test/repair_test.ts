/**
 * "An alert did not arrive": find the event, see why, fix the rule, repair, through the real CLI
 * beside a running `sluice run` and through the admin API. A template that fails on an event
 * dead-letters its delivery; once the rule is fixed, `dlq replay` renders it again and it reaches
 * the sink; `inbox redispatch` converges an event with rules that fire now; `dlq discard` clears
 * the rest with a reason; every change leaves an audit line.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const TOKEN = "admin-token-0123456789";
const broken = `name: ban
on: user.banned
do:
  - http:
      url: \${SINK}/ban
      json: { who: "{{ $substring(user.name, 'oops') }}" }
`;
const fixed = broken.replace("$substring(user.name, 'oops')", "user.name");

Deno.test("a dead letter from a broken template is found, explained, fixed and replayed", async () => {
  const sink = startSink();
  await withTree({ "rules/ban.yaml": broken }, async (dir) => {
    const env = {
      SINK: sink.url,
      SLUICE_STORE: "sqlite:./data/sluice.db",
      SLUICE_ADMIN_TOKEN: TOKEN,
    };
    const sluice = await startSluice(dir, env);
    const cli = (args: string[]) => runSluice(args, { cwd: dir, env });
    try {
      for (const [n, name] of [[1, "Mallory"], [2, "Eve"]] as const) {
        const res = await postWebhook(
          sluice.url,
          JSON.stringify({ type: "user.banned", n, user: { id: `u${n}`, name } }),
          { webhookId: `wh-${n}` },
        );
        assertEquals(res.status, 200);
      }
      // Find it by Stream's id and see why nothing arrived.
      const found = await waitUntil(async () => {
        const r = await cli(["inbox", "list", "--webhook-id", "wh-1", "--json"]);
        const items = JSON.parse(r.stdout).items;
        return items[0]?.outcome === "dead" ? items[0] : undefined;
      }, "the event, dispatched");
      assertEquals([found.sender_id, found.type], ["wh-1", "user.banned"]);
      const where = await cli(["inbox", "list", "--where", 'user.name = "Eve"', "--json"]);
      assertEquals(JSON.parse(where.stdout).items.map((e: { sender_id: string }) => e.sender_id), [
        "wh-2",
      ]);
      const show = await cli(["inbox", "show", "wh-1"]);
      assertEquals(show.code, 0, show.stderr);
      assertIncludes(show.stdout, "dead (");
      assertIncludes(show.stdout, "T0410");
      const dead = await cli(["dlq", "list", "--rule", "ban", "--error", "t0410", "--json"]);
      const letters = JSON.parse(dead.stdout);
      assertEquals(letters.length, 2);
      assertEquals(letters[0].params, null, "nothing could be rendered");

      // Replaying with the broken rule still fails, and says why; nothing is sent.
      const again = await cli(["dlq", "replay", letters[0].id]);
      assertEquals(again.code, 1);
      assertIncludes(again.stdout, `${letters[0].id}: still fails to render`);

      // Fix the rule; replay renders it again from the current rule.
      await Deno.writeTextFile(`${dir}/rules/ban.yaml`, fixed);
      const replayed = await cli(["dlq", "replay", letters[0].id, "999"]);
      assertEquals(replayed.code, 1, "one id could not be acted on");
      assertIncludes(replayed.stdout, "re-queued 1 of 2 dead letter(s) (1 rendered again");
      assertIncludes(replayed.stdout, "999: not a dead letter");
      assertIncludes(replayed.stderr, '"actor":"cli"');
      const [delivered] = await sink.waitFor(1);
      assertEquals(JSON.parse(delivered.body), { who: "Mallory" });

      // The admin API runs on the running rules: reload them, then redispatch the other event.
      const admin = (path: string, body?: unknown) =>
        fetch(`${sluice.url}/admin${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      assertEquals((await admin("/reload", {})).status, 200);
      const redo = await (await admin("/events/redispatch", { ids: ["wh-2"] })).json();
      assertEquals(redo.items[0].requeued.length, 1);
      const [, second] = await sink.waitFor(2);
      assertEquals(JSON.parse(second.body), { who: "Eve" });
      await waitUntil(
        () => sluice.logs.some((l) => l.audit === true && l.action === "redispatch"),
        "the admin's audit line",
      );
      const line = sluice.logs.find((l) => l.action === "redispatch")!;
      assertEquals(line.actor, "admin");
      assertOk(String(line.remote).startsWith("127.0.0.1:"));

      // Redispatching a delivered event again changes nothing.
      const noop = await cli(["inbox", "redispatch", "wh-1"]);
      assertIncludes(noop.stdout, "0 created, 0 re-queued, 1 left as they were (done)");

      // An unknown query parameter is named.
      const bad = await admin("/events?webhookid=wh-1");
      assertEquals(bad.status, 400);
      assertIncludes((await bad.json()).error, '"webhookid"');
    } finally {
      assertEquals(await sluice.stop(), 0);
      await sink.close();
    }
  });
});

Deno.test("dlq discard takes dead letters off the queue with a reason, by filter or id", async () => {
  const sink = startSink(() => new Response("gone", { status: 410 }));
  await withTree({
    "rules/r.yaml":
      'on: user.banned\ndo:\n  - http: { url: "${SINK}/x", json: { id: "{{ user.id }}" } }\n',
  }, async (dir) => {
    const env = { SINK: sink.url, SLUICE_STORE: "sqlite:./data/sluice.db" };
    const sluice = await startSluice(dir, env);
    const cli = (args: string[]) => runSluice(args, { cwd: dir, env });
    try {
      for (const n of [1, 2, 3]) {
        await postWebhook(
          sluice.url,
          JSON.stringify({ type: "user.banned", user: { id: `u${n}` } }),
        );
      }
      await sink.waitFor(3);
      await waitUntil(
        async () => (await cli(["dlq", "list"])).stdout.includes("3 dead letter(s)"),
        "3 dead letters",
      );
      assertEquals((await cli(["dlq", "discard", "--all"])).code, 2, "a reason is required");
      const [first] = JSON.parse((await cli(["dlq", "list", "--json"])).stdout);
      const one = await cli(["dlq", "discard", first.id, "--reason", "partner retired"]);
      assertEquals(one.code, 0, one.stderr);
      assertIncludes(one.stderr, '"reason":"partner retired"');
      const rest = await cli(["dlq", "discard", "--all", "--error", "410", "--reason", "outage"]);
      assertIncludes(rest.stdout, "discarded 2 dead letter(s)");
      assertIncludes((await cli(["dlq", "list"])).stdout, "0 dead letter(s)");
      const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
      await waitUntil(
        async () =>
          (await (await fetch(`${sluice.url}/metrics`)).text()).includes("sluice_dead_letters 0"),
        "the gauge cleared",
      );
      assertIncludes(metrics, "sluice_dead_letters");
    } finally {
      await sluice.stop();
      await sink.close();
    }
  });
});
