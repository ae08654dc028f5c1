/**
 * `deno task bundle` builds dist/sluice.js, the stand-in for the compiled binary's module graph:
 * copied alone into an empty folder with the example rules and events, it validates, tests and
 * matches them, and serves webhooks.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";
import { withTree } from "./support/tmp.ts";

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
  });
});
