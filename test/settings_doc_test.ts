/** The README's settings table is the one the declarations give (run `deno task docs` to fix). */
import { withSettingsTable } from "../src/config/docs.ts";
import { assertEquals } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";

Deno.test("README's settings table matches src/config/table.ts", async () => {
  const readme = await Deno.readTextFile(`${projectRoot}/README.md`);
  assertEquals(
    readme,
    await formatted(withSettingsTable(readme)),
    "README.md is stale: run deno task docs",
  );
});

/** Markdown as `deno fmt` writes it with the project's settings. */
async function formatted(markdown: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "-q", "--ext", "md", "-"],
    cwd: projectRoot,
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(markdown));
  await writer.close();
  return new TextDecoder().decode((await child.output()).stdout);
}
