/**
 * Hot reload: `sluice run` picks up an edited rule file without a restart, refuses an invalid one
 * (keeping the last good rules and logging the error with its position), and reloads on SIGHUP.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const rule = (path: string) => `on: user.banned\ndo:\n  - http: { url: "\${SINK}/${path}" }\n`;

Deno.test("rules reload on file change; an invalid edit keeps the last good rules", async () => {
  const sink = startSink();
  try {
    await withTree({ "rules/r.yaml": rule("first") }, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url });
      try {
        const send = async (n: number) =>
          assertEquals(
            (await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n }))).status,
            200,
          );
        await send(1);
        await sink.waitFor(1);

        await Deno.writeTextFile(`${dir}/rules/r.yaml`, rule("second"));
        await waitUntil(
          () => sluice.logs.some((l) => l.msg === "rules reloaded"),
          "reload after the edit",
        );
        await send(2);
        await sink.waitFor(2);

        await Deno.writeTextFile(`${dir}/rules/r.yaml`, "on: user.banned\ndo:\n  - slak: {}\n");
        await waitUntil(
          () => sluice.logs.some((l) => String(l.msg).startsWith("rules reload failed")),
          "refused",
        );
        const failure = sluice.logs.find((l) => String(l.msg).startsWith("rules reload failed"))!;
        assertIncludes(JSON.stringify(failure.problems), "r.yaml:3:5: do[0]: unknown action");
        assertEquals(
          (failure.not_applied as string[]).map((f) => f.slice(f.lastIndexOf("/rules/") + 1)),
          ["rules/r.yaml"],
          "the changed file that was not applied is named",
        );
        await send(3);
        await sink.waitFor(3);
        assertEquals(sink.requests.map((r) => r.path), ["/first", "/second", "/second"]);
        const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
        assertIncludes(metrics, 'sluice_rule_reloads_total{outcome="failed"} 1\n');
        assertIncludes(metrics, "sluice_rule_load_errors 1\n");

        await Deno.writeTextFile(`${dir}/rules/r.yaml`, rule("third"));
        sluice.child.kill("SIGHUP");
        await waitUntil(
          () => sluice.logs.filter((l) => l.msg === "rules reloaded").length >= 2,
          "reload again",
        );
        await send(4);
        await sink.waitFor(4);
        assertEquals(sink.requests[3].path, "/third");
      } finally {
        await sluice.stop();
      }
    });
  } finally {
    await sink.close();
  }
});

Deno.test("a broken rule file at start runs the last good set, says so, and --strict refuses", async () => {
  const sink = startSink();
  try {
    await withTree({ "rules/r.yaml": rule("kept") }, async (dir) => {
      const first = await startSluice(dir, { SINK: sink.url });
      assertEquals(await first.stop(), 0);
      await Deno.writeTextFile(`${dir}/rules/r.yaml`, "on: user.banned\ndo:\n  - slak: {}\n");

      const strict = await runSluice(["run", "--strict"], {
        cwd: dir,
        env: {
          SINK: sink.url,
          SLUICE_LISTEN: "127.0.0.1:0",
          SLUICE_STORE: "sqlite:./data/sluice.db",
        },
      });
      assertEquals(strict.code, 1, strict.stderr);
      assertIncludes(strict.stderr, "rules/r.yaml:3:5: do[0]: unknown action");

      const sluice = await startSluice(dir, { SINK: sink.url });
      try {
        const failure = sluice.logs.find((l) =>
          String(l.msg).startsWith("the rule folder does not load")
        );
        assertIncludes(JSON.stringify(failure?.problems), "r.yaml:3:5: do[0]: unknown action");
        const ready = await fetch(`${sluice.url}/readyz`);
        const body = await ready.json();
        assertEquals(ready.status, 200, "the webhook stays up");
        assertIncludes(body.rules.running, "the last good set");
        assertIncludes(JSON.stringify(body.rules.problems), "unknown action");
        const metrics = await (await fetch(`${sluice.url}/metrics`)).text();
        assertIncludes(metrics, "sluice_rule_load_errors 1\n");
        const res = await postWebhook(sluice.url, JSON.stringify({ type: "user.banned", n: 9 }));
        assertEquals(res.status, 200);
        const [delivered] = await sink.waitFor(1);
        assertEquals(delivered.path, "/kept", "the last good rule ran");
      } finally {
        assertEquals(await sluice.stop(), 0);
      }
    });
  } finally {
    await sink.close();
  }
});
