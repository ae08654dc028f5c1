/** The runtime's settings, after the config file and the environment are merged and checked. */
import type { Setting } from "./setting.ts";
import type { settingsTable } from "./table.ts";

export type { StreamApp } from "./table.ts";

/** The value type a table of declarations gives: each `Setting<T>` becomes its `T`. */
export type ValueOf<S> = S extends Setting<infer T> ? T
  : { -readonly [K in keyof S]: ValueOf<S[K]> };

/** Everything `run` and the store-using commands need (its shape is `settingsTable`'s). */
export type Settings = ValueOf<typeof settingsTable>;
