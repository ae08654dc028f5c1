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
  help: `Usage: sluice run [--rules DIR] [--config FILE] [--strict]

Starts sluice: the HTTP server (POST /webhooks/stream and /webhooks/sns, GET /healthz and
/readyz, GET /metrics, the admin API under /admin with SLUICE_ADMIN_TOKEN; SLUICE_ADMIN_LISTEN
moves /admin, /ui and /metrics to a port of their own), the SQS pollers, the dispatcher and the
executor, on the configured store. Rules default to ./rules, the config file to ./sluice.yaml
when present; the environment wins over the file (see README).

Rules: each set that loads is kept in the store. If the folder does not load at start, sluice
runs the last good set and reports the problems (log, /readyz detail, sluice_rule_load_errors)
rather than leaving the webhook down; --strict refuses to start instead. Files are watched: a
change reloads them; a reload that fails keeps the rules in force and names the files whose
changes were not applied.

Logs are JSON lines on stdout. SIGTERM or SIGINT: stop taking requests, finish in-flight
deliveries for up to 10 s, leave the rest queued. SIGHUP: reload the rules.

Exit status: 0 after a clean stop, 1 invalid rules, 2 bad usage or configuration.`,
  async run(args) {
    const { values, positionals } = parseFlags(args, {
      rules: { type: "string" },
      config: { type: "string" },
      strict: { type: "boolean" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const settings = await loadSettings({ file: values.config, rulesDir: values.rules });
    const log = new Logger(settings.log);
    // Signals are taken from before start-up ("sluice listening" is logged inside it): a SIGTERM
    // that arrives then stops the process once it is up, instead of killing it half-started.
    let app: App | undefined;
    const stopped = Promise.withResolvers<void>();
    let stopRequested = false;
    const stop = () => {
      Deno.removeSignalListener("SIGTERM", stop);
      Deno.removeSignalListener("SIGINT", stop);
      stopRequested = true;
      app?.stop().then(stopped.resolve, stopped.reject);
    };
    const reload = () => void app?.reload();
    Deno.addSignalListener("SIGTERM", stop);
    Deno.addSignalListener("SIGINT", stop);
    Deno.addSignalListener("SIGHUP", reload);
    const unlisten = () => {
      Deno.removeSignalListener("SIGTERM", stop);
      Deno.removeSignalListener("SIGINT", stop);
      Deno.removeSignalListener("SIGHUP", reload);
    };
    try {
      app = await App.start(settings, { log, strict: values.strict });
    } catch (e) {
      unlisten();
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
        values.strict
          ? "sluice run --strict: the rules do not load; fix them (sluice validate) and start again"
          : "sluice run: the rules do not load and the store keeps no last good set to run instead; " +
            "fix them (sluice validate) and start again",
      );
      return EXIT_FAILED;
    }
    if (stopRequested) app.stop().then(stopped.resolve, stopped.reject);
    await stopped.promise;
    Deno.removeSignalListener("SIGHUP", reload);
    return EXIT_OK;
  },
};
