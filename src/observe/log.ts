/**
 * Logs: one JSON object per line on stdout, with a level, a message and fields such as event and
 * delivery ids for correlation. Every field value goes through {@link logFields} first: strings
 * are cut to 2,048 characters before anything else touches them, then their secret shapes are
 * masked, value by value (never by running a pattern over the whole line), and fields named like
 * credentials are masked whole. A line's cost is bounded whatever a request carried.
 */
import { logFields, logString } from "./log_fields.ts";

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where log lines go; stdout by default, a list in tests. */
export type LogSink = (line: string) => void;

/** A structured logger. */
export class Logger {
  constructor(
    private readonly level: LogLevel = "info",
    private readonly sink: LogSink = (line) => console.log(line),
    private readonly base: Record<string, unknown> = {},
  ) {}

  /** A logger that adds `fields` to every line. */
  with(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, this.sink, { ...this.base, ...fields });
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write("debug", msg, fields);
  }

  info(msg: string, fields?: Record<string, unknown>): void {
    this.write("info", msg, fields);
  }

  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write("warn", msg, fields);
  }

  error(msg: string, fields?: Record<string, unknown>): void {
    this.write("error", msg, fields);
  }

  /** Whether lines of `level` are written. */
  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>) {
    if (!this.enabled(level)) return;
    const record = {
      time: new Date().toISOString(),
      level,
      msg: logString(msg),
      ...logFields({ ...this.base, ...fields }),
    };
    this.sink(JSON.stringify(record));
  }
}
