/** `sluice silence add|list|expire`: hold a rule (or its events matching a condition) for a while. */
import { silenceOf, SilenceRequestError } from "../dispatch/silences.ts";
import { parseDuration } from "../rules/duration.ts";
import { loadRules } from "../rules/load.ts";
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";
import { auditLog, withStore } from "./store_access.ts";

/** The `silence` command. */
export const silenceCommand: Command = {
  name: "silence",
  summary: "Silence a rule for a while, list silences, expire one",
  help: `Usage: sluice silence add --rule NAME [--if JSONATA] --for DUR --reason TEXT [--rules DIR]
       sluice silence list [--all]
       sluice silence expire ID
Common: --config FILE

add     the rule sends nothing for DUR (e.g. 30m, 2h): every event, or only those for which the
        JSONata condition (over the event, like a rule's if) is true. Its events are still
        recorded, with the silence named in their decision record, and counted in
        sluice_rule_suppressed_total{reason="silenced"}. Holds within a second in every
        process sharing the store. The rule must be in the rules folder (--rules DIR, default
        the config's).
list    silences in force (--all: also those ended in the last day).
expire  ends a silence now.

Exit status: 0 done, 1 refused (no such rule or silence, a condition that does not compile),
2 bad usage.`,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, {
      config: { type: "string" },
      rule: { type: "string" },
      if: { type: "string" },
      for: { type: "string" },
      reason: { type: "string" },
      rules: { type: "string" },
      all: { type: "boolean" },
    });
    if (sub !== "add" && sub !== "list" && sub !== "expire") {
      throw new UsageError('expected "add", "list" or "expire"');
    }
    return await withStore(values.config, async (store, settings) => {
      const audit = auditLog();
      if (sub === "list") {
        for (const s of await store.listSilences(values.all ?? false)) {
          console.log([
            s.id,
            s.rule,
            s.condition ? `if ${s.condition}` : "all events",
            `until ${new Date(s.until).toISOString()}`,
            `by ${s.createdBy}`,
            s.reason,
          ].join("  "));
        }
        return EXIT_OK;
      }
      if (sub === "expire") {
        if (positionals.length !== 1) throw new UsageError("expire takes one silence id");
        if (!(await store.expireSilence(positionals[0]))) {
          console.error(`${positionals[0]}: no such silence in force (see sluice silence list)`);
          return EXIT_FAILED;
        }
        audit("silence expire", { silence_id: positionals[0] });
        console.log(`silence ${positionals[0]} expired`);
        return EXIT_OK;
      }
      if (!values.rule || !values.for || !values.reason) {
        throw new UsageError("add needs --rule NAME, --for DUR and --reason TEXT");
      }
      const forMs = parseDuration(values.for);
      if (forMs === undefined) {
        throw new UsageError(`--for: "${values.for}" is not a duration such as 30m or 2h`);
      }
      const { rules } = await loadRules([values.rules ?? settings.rulesDir]);
      try {
        const silence = silenceOf({
          rule: values.rule,
          condition: values.if,
          forMs,
          reason: values.reason,
          createdBy: "cli",
        }, rules.map((r) => r.name));
        const added = await store.addSilence(silence);
        audit("silence add", {
          silence_id: added.id,
          rule: added.rule,
          if: added.condition,
          reason: added.reason,
        });
        console.log(
          `silence ${added.id}: ${added.rule} sends nothing until ${
            new Date(added.until).toISOString()
          }`,
        );
        return EXIT_OK;
      } catch (e) {
        if (!(e instanceof SilenceRequestError)) throw e;
        console.error(`sluice silence add: ${e.message}`);
        return EXIT_FAILED;
      }
    });
  },
};
