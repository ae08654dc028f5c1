/** The shape every CLI command shares, and flag parsing with usage errors (exit status 2). */
import { parseArgs } from "node:util";

/** Exit statuses of product.md §1. */
export const EXIT_OK = 0;
/** A check failed: invalid rule, failing test, refused request. */
export const EXIT_FAILED = 1;
/** Bad usage: unknown command or flag, missing argument, path not found. */
export const EXIT_USAGE = 2;

/** One `sluice` command. */
export interface Command {
  name: string;
  /** One line for `sluice --help`. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  run(args: string[]): Promise<number>;
}

/** Bad usage of a command; the CLI prints it with a pointer to `--help` and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Flag declarations in `node:util` `parseArgs` form. */
export type FlagSpec = Record<
  string,
  { type: "string" | "boolean"; short?: string; multiple?: boolean }
>;

/** Parses `args` strictly: an unknown flag or a missing value is a {@link UsageError}. */
export function parseFlags<F extends FlagSpec>(args: string[], flags: F, positionals = true) {
  try {
    return parseArgs({ args, options: flags, allowPositionals: positionals, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}
