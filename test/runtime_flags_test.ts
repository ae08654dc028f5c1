/**
 * The V8 flags that keep sluice's heap small (docs/PERFORMANCE.md, "Memory") are the same
 * wherever sluice is launched: `deno task start` and `sluice`, the compiled binary, the image.
 */
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";

const flagsOf = (command: string) => /--v8-flags=\S+/.exec(command)?.[0];

Deno.test("every launcher of sluice carries the same V8 heap flags", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${projectRoot}/deno.json`));
  const expected = flagsOf(tasks.start);
  assertOk(expected, "deno task start sets --v8-flags");
  assertIncludes(expected, "--max-semi-space-size=");
  assertIncludes(expected, "--heap-growing-percent=");
  assertEquals(flagsOf(tasks.sluice), expected, "task sluice");
  assertEquals(flagsOf(tasks.compile), expected, "task compile");
  const dockerfile = await Deno.readTextFile(`${projectRoot}/Dockerfile`);
  assertIncludes(dockerfile, `"${expected}"`);
});
