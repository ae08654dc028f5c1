/**
 * `sluice dlq` on the configured store: a delivery that failed for good is listed with its error,
 * an unknown id is refused, and a replayed one is delivered by the running runtime.
 */
import { assertEquals, assertIncludes, assertMatch } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

Deno.test("dlq list, replay of an unknown id, replay ID and replay --all", async () => {
  let status = 410;
  const sink = startSink(() => new Response("gone", { status }));
  try {
    await withTree({
      "rules/r.yaml":
        'on: user.banned\ndo:\n  - http: { url: "${SINK}/x", json: { n: "{{ n }}" } }\n',
    }, async (dir) => {
      const env = { SINK: sink.url, SLUICE_STORE: "sqlite:./data/sluice.db" };
      const sluice = await startSluice(dir, env);
      try {
        for (const n of [1, 2]) {
          await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n }), {
            webhookId: `d${n}`,
          });
        }
        await sink.waitFor(2);
        const cli = (args: string[]) => runSluice(args, { cwd: dir, env });
        await waitUntil(
          async () => (await cli(["dlq", "list"])).stdout.includes("2 dead letter(s)"),
          "2 dead letters",
        );
        const list = await cli(["dlq", "list"]);
        assertMatch(
          list.stdout,
          /^\d+ {2}\d{4}-\d\d-\d\dT[\d:.]+Z {2}r {2}do\[0\] http {2}user\.banned {2}1 attempt\(s\) {2}HTTP 410 Gone: gone$/m,
        );
        const [first] = JSON.parse((await cli(["dlq", "list", "--json"])).stdout);

        const unknown = await cli(["dlq", "replay", "999999"]);
        assertEquals(unknown.code, 1);
        assertIncludes(unknown.stdout, "re-queued 0 of 1");
        assertIncludes(unknown.stdout, "999999: not a dead letter");
        assertEquals((await cli(["dlq", "replay"])).code, 2);

        status = 200;
        assertEquals((await cli(["dlq", "replay", first.id])).code, 0);
        await sink.waitFor(3);
        assertEquals(JSON.parse(sink.requests[2].body), { n: 1 });
        const all = await cli(["dlq", "replay", "--all"]);
        assertEquals([all.code, all.stdout.trim()], [
          0,
          "re-queued 1 of 1 dead letter(s) (1 rendered again from their current rule)",
        ]);
        await sink.waitFor(4);
        assertIncludes((await cli(["dlq", "list"])).stdout, "0 dead letter(s)");
      } finally {
        await sluice.stop();
      }
    });
  } finally {
    await sink.close();
  }
});

Deno.test("run refuses invalid configuration, naming the key or variable", async () => {
  await withTree({
    "rules/r.yaml": 'on: user.banned\ndo:\n  - http: { url: "https://x.example" }\n',
    "sluice.yaml": "listen: 127.0.0.1:0\nlog: loud\nstoer: sqlite:x.db\n",
  }, async (dir) => {
    const file = await runSluice(["run"], { cwd: dir });
    assertEquals(file.code, 2);
    assertIncludes(file.stderr, "sluice.yaml:2:6: log: must be one of debug, info, warn, error");
    assertIncludes(file.stderr, 'sluice.yaml:3:1: unknown key "stoer" (did you mean "store"?)');
    await Deno.writeTextFile(`${dir}/sluice.yaml`, "log: info\n");
    const env = await runSluice(["run"], {
      cwd: dir,
      env: { SLUICE_LISTEN: "nowhere", SLUICE_MAX_BODY: "ten" },
    });
    assertEquals(env.code, 2);
    assertIncludes(env.stderr, 'SLUICE_LISTEN: "nowhere" is not host:port');
    assertIncludes(env.stderr, "SLUICE_MAX_BODY: expected an integer");
  });
});
