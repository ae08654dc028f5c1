/** `sluice events`: the catalogue of known Stream event types. */
import { knownEventTypes } from "../event/catalogue.ts";
import { type Command, EXIT_OK, parseFlags } from "./command.ts";

/** The `events` command. */
export const eventsCommand: Command = {
  name: "events",
  summary: "List the known Stream event types",
  help: `Usage: sluice events

Lists the Stream event types sluice knows by name, one per line with a short description.
Types not listed are still accepted and routed to rules whose "on" matches them.`,
  run(args) {
    parseFlags(args, {}, false);
    const width = Math.max(...knownEventTypes.map((t) => t.type.length));
    for (const t of knownEventTypes) console.log(`${t.type.padEnd(width)}  ${t.description}`);
    return Promise.resolve(EXIT_OK);
  },
};
