/** The `sluice` command line: finds the command, prints help, maps errors to exit statuses. */
import { ConfigError } from "../config/load.ts";
import { PathNotFoundError } from "../rules/files.ts";
import { StoreLockedError, StoreOpenError, StoreUrlError } from "../store/mod.ts";
import { type Command, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from "./command.ts";
import { diffCommand } from "./diff.ts";
import { dlqCommand } from "./dlq.ts";
import { eventsCommand } from "./events.ts";
import { inboxCommand } from "./inbox.ts";
import { silenceCommand } from "./silence.ts";
import { throttleCommand } from "./throttle.ts";
import { RulesDoNotLoadError } from "./store_access.ts";
import { matchCommand } from "./match.ts";
import { runCommand } from "./run.ts";
import { sendCommand } from "./send.ts";
import { schemaCommand } from "./schema.ts";
import { testCommand } from "./test.ts";
import { validateCommand } from "./validate.ts";

const commands: readonly Command[] = [
  runCommand,
  validateCommand,
  testCommand,
  matchCommand,
  diffCommand,
  sendCommand,
  schemaCommand,
  eventsCommand,
  inboxCommand,
  dlqCommand,
  silenceCommand,
  throttleCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "sluice: event rules for GetStream webhooks, SNS and SQS",
    "",
    "Usage: sluice COMMAND [flags]     (sluice COMMAND --help for details)",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Exit status: 0 success, 1 a check failed, 2 bad usage.",
  ].join("\n");
}

/** Runs the CLI with `args` (without the program name) and returns the exit status. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`sluice: unknown command "${name}"\n\n${usage()}`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return EXIT_OK;
  }
  followTaskFolder();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof RulesDoNotLoadError) {
      for (const p of e.problems) console.error(p);
      console.error(
        `sluice ${name}: the rules in ${e.dir} do not load; fix them (sluice validate)`,
      );
      return EXIT_FAILED;
    }
    if (
      e instanceof ConfigError || e instanceof StoreUrlError || e instanceof StoreOpenError ||
      e instanceof StoreLockedError
    ) {
      console.error(`sluice ${name}: ${e.message}`);
      return EXIT_USAGE;
    }
    if (e instanceof UsageError || e instanceof PathNotFoundError) {
      console.error(`sluice ${name}: ${e.message}\nRun "sluice ${name} --help" for usage.`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/**
 * `deno task` runs in the folder of its deno.json, not where the user typed the command: paths
 * given on the command line (`validate rules`, `--event x.json`) are the user's, so go back to
 * INIT_CWD, the folder the task was started from. Only when running in this checkout's root,
 * where tasks run: a CLI started anywhere else keeps its own folder.
 */
function followTaskFolder() {
  const started = Deno.env.get("INIT_CWD");
  const root = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");
  if (started && started !== root && Deno.cwd() === root) {
    try {
      Deno.chdir(started);
    } catch (e) {
      console.error(
        `sluice: cannot work in ${started} (INIT_CWD): ${e instanceof Error ? e.message : e}`,
      );
    }
  }
}
