/** `sluice throttle list|reset`: a rule's open throttle windows, and closing one. */
import { type Command, EXIT_FAILED, EXIT_OK, parseFlags, UsageError } from "./command.ts";
import { auditLog, withStore } from "./store_access.ts";

/** The `throttle` command. */
export const throttleCommand: Command = {
  name: "throttle",
  summary: "List rules' open throttle windows, reset one",
  help: `Usage: sluice throttle list [--rule NAME]
       sluice throttle reset --rule NAME --key KEY
Common: --config FILE

list   the throttle windows open now: rule, key, until when. An event whose rule's window is
       open for its key sends nothing (its decision record says which window).
reset  closes the rule's window for KEY, so its next event fires.

Exit status: 0 done, 1 no such window, 2 bad usage.`,
  async run(args) {
    const [sub, ...rest] = args;
    const { values, positionals } = parseFlags(rest, {
      config: { type: "string" },
      rule: { type: "string" },
      key: { type: "string" },
    });
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (sub !== "list" && sub !== "reset") throw new UsageError('expected "list" or "reset"');
    return await withStore(values.config, async (store) => {
      if (sub === "list") {
        const windows = await store.listThrottles(values.rule);
        for (const t of windows) {
          console.log(`${t.rule}  ${t.key}  until ${new Date(t.until).toISOString()}`);
        }
        console.log(`${windows.length} open window(s)`);
        return EXIT_OK;
      }
      if (values.rule === undefined || values.key === undefined) {
        throw new UsageError("reset needs --rule NAME and --key KEY");
      }
      if (!(await store.resetThrottle(values.rule, values.key))) {
        console.error(`${values.rule}: no window is open for key ${JSON.stringify(values.key)}`);
        return EXIT_FAILED;
      }
      auditLog()("throttle reset", { rule: values.rule, key: values.key });
      console.log(`${values.rule}: the window for ${JSON.stringify(values.key)} is closed`);
      return EXIT_OK;
    });
  },
};
