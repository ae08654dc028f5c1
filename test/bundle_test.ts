/**
 * `deno task bundle` builds dist/sluice.js, the stand-in for the compiled binary's module graph:
 * copied alone into an empty folder with the example rules and events, it validates, tests and
 * matches them, and serves webhooks.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";
import { postWebhook } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("the bundle runs with deno run in an empty folder", async () => {
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "bundle"],
    cwd: projectRoot,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(built.code, 0, decode(built.stderr));
  await withTree({}, async (dir) => {
    await Deno.copyFile(`${projectRoot}/dist/sluice.js`, `${dir}/sluice.js`);
    await new Deno.Command("cp", {
      args: ["-r", `${projectRoot}/rules`, `${projectRoot}/examples`, dir],
    }).output();
    await Deno.remove(`${dir}/examples/demo.ts`);
    const run = (args: string[]) =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--no-config",
          "--allow-read",
          "--allow-write",
          "--allow-env",
          "--allow-net",
          "--allow-sys",
          "sluice.js",
          ...args,
        ],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
    const validate = await run(["validate"]);
    assertEquals(validate.code, 0, decode(validate.stderr));
    const test = await run(["test"]);
    assertEquals(test.code, 0, decode(test.stdout));
    assertIncludes(decode(test.stdout), "passed, 0 failed");
    const match = await run(["match", "--event", "examples/events/user.banned.json"]);
    assertEquals(JSON.parse(decode(match.stdout)).matches[0].rule, "user-banned-to-trust-safety");

    // `run` from the bundle: its SQLite store runs in a worker started from the bundle itself.
    const server = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-net",
        "--allow-sys",
        "sluice.js",
        "run",
      ],
      cwd: dir,
      env: {
        NO_COLOR: "1",
        SLUICE_LISTEN: "127.0.0.1:0",
        STREAM_API_KEY: "k",
        STREAM_API_SECRET: "s",
        SLUICE_MAX_EVENT_AGE: "off",
      },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const lines = server.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let url = "";
    let buffer = "";
    while (!url) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the bundle's run ended before listening");
      buffer += value;
      url = /"msg":"sluice listening","url":"([^"]+)"/.exec(buffer)?.[1] ?? "";
    }
    const body = await Deno.readFile(`${dir}/examples/events/user.banned.json`);
    const res = await postWebhook(url, body, { key: "k", secret: "s" });
    assertEquals(res.status, 200, await res.clone().text());
    assertOk((await res.json()).id);
    // Commits never checkpoint (the WAL is copied by the checkpointer's thread), so the database
    // file grows past its empty size only if that thread started from the bundle.
    await waitUntil(
      async () => (await Deno.stat(`${dir}/data/sluice.db`)).size > 4096,
      "the checkpointer copied the WAL into the database file",
    );
    server.kill("SIGTERM");
    for (;;) {
      const { value, done } = await lines.read();
      if (done) break;
      buffer += value;
    }
    assertEquals((await server.status).code, 0);
    // Its worker threads (the store's and the checkpointer's) started from the bundle itself.
    assertEquals(buffer.includes('"level":"error"'), false, buffer);
    await server.stderr.cancel();
  });
});
