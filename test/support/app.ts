/** `App` started in-process on 127.0.0.1 for tests that need its test seams (SNS certificates). */
import { App, type AppOptions } from "../../src/app.ts";
import { loadSettings } from "../../src/config/load.ts";
import { Logger } from "../../src/observe/log.ts";

/** Starts an app in `dir` (holding `rules/`) with `env` as its whole environment, `config` added to its file. */
export async function startApp(
  dir: string,
  env: Record<string, string>,
  options: Partial<AppOptions> = {},
  config = "",
): Promise<{ app: App; logs: Record<string, unknown>[] }> {
  await Deno.writeTextFile(`${dir}/sluice.yaml`, `store: sqlite:${dir}/data/sluice.db\n${config}`);
  const lookup = (name: string) => ({ SLUICE_LISTEN: "127.0.0.1:0", ...env })[name];
  const settings = await loadSettings({
    file: `${dir}/sluice.yaml`,
    rulesDir: `${dir}/rules`,
    env: lookup,
  });
  const logs: Record<string, unknown>[] = [];
  const log = new Logger("debug", (line) => logs.push(JSON.parse(line)));
  const app = await App.start(settings, { log, env: lookup, ...options });
  return { app, logs };
}
