/** `sluice run`: the runtime, until SIGTERM or SIGINT; SIGHUP reloads the rules. */
import { App } from "../app.ts";
import { loadSettings } from "../config/load.ts";
import { Logger } from "../observe/log.ts";
import { formatProblem, RuleLoadError } from "../rules/problem.ts";
import {
  type Command,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  parseFlags,
  UsageError,
} from "./command.ts";

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  summary: "Start the runtime: webhook ingress, dispatcher, executor",
  help: `Usage: sluice run [--rules DIR] [--config FILE]

Starts sluice: the HTTP server (POST /webhooks/stream, GET /healthz, GET /readyz), the
dispatcher and the executor, on the configured store. Rules default to ./rules, the config
file to ./sluice.yaml when present; the environment wins over the file (see README).

Logs are JSON lines on stdout. SIGTERM or SIGINT: stop taking requests, finish in-flight
deliveries for up to 10 s, leave the rest queued. SIGHUP: reload the rules (an invalid set is
refused and the last good one kept).

Exit status: 0 after a clean stop, 1 invalid rules, 2 bad usage or configuration.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      rules: { type: "string" },
      config: { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const settings = await loadSettings({ file: values.config, rulesDir: values.rules });
    const log = new Logger(settings.log);
    let app: App;
    try {
      app = await App.start(settings, { log });
    } catch (e) {
      if (e instanceof Deno.errors.AddrInUse || e instanceof Deno.errors.AddrNotAvailable) {
        const { hostname, port } = settings.listen;
        console.error(`sluice run: SLUICE_LISTEN ${hostname}:${port}: ${e.message}`);
        return EXIT_USAGE;
      }
      if (e instanceof Deno.errors.PermissionDenied) {
        console.error(`sluice run: ${e.message}`);
        return EXIT_USAGE;
      }
      if (!(e instanceof RuleLoadError)) throw e;
      for (const p of e.problems) console.error(formatProblem(p));
      console.error(
        "sluice run: the rules do not load; fix them (sluice validate) and start again",
      );
      return EXIT_FAILED;
    }
    const stopped = Promise.withResolvers<void>();
    const stop = () => {
      Deno.removeSignalListener("SIGTERM", stop);
      Deno.removeSignalListener("SIGINT", stop);
      app.stop().then(stopped.resolve, stopped.reject);
    };
    const reload = () => void app.reload();
    Deno.addSignalListener("SIGTERM", stop);
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGHUP", reload);
    await stopped.promise;
    Deno.removeSignalListener("SIGHUP", reload);
    return EXIT_OK;
  },
};
