/**
 * Logs: one JSON object per line on stdout, with a level, a message and fields such as event and
 * delivery ids for correlation. Every line passes through {@link redactText}, so a secret that
 * slipped into a message or field is masked before it is written.
 */
import { redactText } from "./redact.ts";

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
    const record = { time: new Date().toISOString(), level, msg, ...this.base, ...fields };
    this.sink(redactText(JSON.stringify(record, errorsAsText)));
  }
}

function errorsAsText(_key: string, value: unknown) {
  return value instanceof Error ? value.message : value;
}
