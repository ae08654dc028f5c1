/** Entry point: command-line arguments to the CLI, its result to the exit status. */
import { main } from "./cli/mod.ts";

Deno.exit(await main(Deno.args));
