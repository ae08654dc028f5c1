/** `sluice events [TYPE]`: the catalogue of known Stream event types, or one type's fields. */
import { knownEventTypes, knownTypeNames, shapeOf } from "../event/catalogue.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";

/** The `events` command. */
export const eventsCommand: Command = {
  name: "events",
  summary: "List the known Stream event types (or one type's fields)",
  help: `Usage: sluice events [TYPE]

Lists the Stream event types sluice knows by name, one per line with a short description.
Types not listed are still accepted and routed to rules whose "on" matches them.

With TYPE, prints the fields of that type as the catalogue knows them from its fixture
(examples/events/): one path per line with its JSON type; "?" marks a field that may be absent,
map<any> and array<any> a field whose contents are not known (anything below it is accepted).
These are the paths "sluice validate" checks rules against.`,
  run(args) {
    const { positionals } = parseFlags(args, {});
    if (positionals.length > 1) throw new UsageError("events takes at most one TYPE");
    if (positionals.length === 1) return Promise.resolve(printFields(positionals[0]));
    const described = new Map(knownEventTypes.map((t) => [t.type, t.description]));
    const width = Math.max(...knownTypeNames.map((t) => t.length));
    for (const type of knownTypeNames) {
      console.log(`${type.padEnd(width)}  ${described.get(type) ?? "(known from its fixture)"}`);
    }
    return Promise.resolve(EXIT_OK);
  },
};

function printFields(type: string): number {
  const shape = shapeOf(type);
  if (!knownTypeNames.includes(type)) {
    throw new UsageError(`"${type}" is not a known event type (see sluice events)`);
  }
  if (!shape) {
    console.error(`${type} has no fixture in examples/events/, so its fields are not known`);
    return EXIT_FAILED;
  }
  const keys = [...shape.keys()];
  const width = Math.max(...keys.map((k) => k.length));
  for (const key of keys) console.log(`${key.padEnd(width)}  ${shape.typeOf(key)}`);
  return EXIT_OK;
}
