/** `deno task docs`: rewrites README.md's settings table from `src/config/table.ts`, then formats it. */
import { withSettingsTable } from "../src/config/docs.ts";

const path = new URL("../README.md", import.meta.url);
await Deno.writeTextFile(path, withSettingsTable(await Deno.readTextFile(path)));
const fmt = await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", path.pathname] })
  .output();
if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
console.log("README.md: settings table written");
