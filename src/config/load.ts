/**
 * Settings from `sluice.yaml` (optional) and the environment, the environment winning, each read
 * as its declaration in `table.ts` says. `${VAR}` in the file is replaced from the environment.
 * Every problem names the file position or the variable at fault, all are reported at once, and
 * they stop start-up.
 */
import { type EnvLookup, processEnv } from "../template/env.ts";
import { formatProblem } from "../rules/problem.ts";
import { compileSchemaCheck } from "../rules/schema_check.ts";
import { SourceFile } from "../rules/source.ts";
import { buildConfigSchema } from "./schema.ts";
import type { Settings, StreamApp } from "./settings.ts";
import { settingsTable } from "./table.ts";
import { declarations } from "./walk.ts";

/** Configuration that cannot be used; the message lists every key at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Where settings come from. */
export interface ConfigSources {
  /** A config file path; when absent, `./sluice.yaml` is read if it exists. */
  file?: string;
  /** `run --rules DIR`: wins over the file's `rules`. */
  rulesDir?: string;
  env?: EnvLookup;
}

let check: ReturnType<typeof compileSchemaCheck> | undefined;

async function readFile(
  path: string | undefined,
  env: EnvLookup,
): Promise<{ data: Record<string, unknown>; source?: SourceFile }> {
  const file = path ?? "sluice.yaml";
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound && path === undefined) return { data: {} };
    throw new ConfigError([`${file}: ${e instanceof Error ? e.message : e}`]);
  }
  const { source, problems, usable } = SourceFile.parse(file, text);
  if (usable) problems.push(...source.interpolateEnv(env));
  const data = (source.toData() ?? {}) as Record<string, unknown>;
  check ??= compileSchemaCheck(buildConfigSchema());
  if (problems.length === 0) problems.push(...check(data, source));
  if (problems.length) throw new ConfigError(problems.map(formatProblem));
  return { data, source };
}

/** Loads and checks the settings; throws {@link ConfigError}. */
export async function loadSettings(sources: ConfigSources = {}): Promise<Settings> {
  const env = sources.env ?? processEnv;
  const { data, source } = await readFile(sources.file, env);
  const get = (name: string) => {
    const v = env(name);
    return v === undefined || v === "" ? undefined : v;
  };
  const problems: string[] = [];
  const settings: Record<string, unknown> = {};
  for (const { field, setting } of declarations(settingsTable)) {
    const fromEnv = setting.env === undefined ? undefined : get(setting.env);
    const fromFile = valueAt(data, setting.key.split("."));
    let value: unknown;
    if (fromEnv !== undefined || fromFile !== undefined) {
      const parsed = fromEnv !== undefined
        ? setting.parse(fromEnv, "env")
        : setting.parse(fromFile, "file");
      if ("error" in parsed) {
        const where = fromEnv !== undefined
          ? setting.env!
          : source
          ? formatProblem(source.problemAt(setting.key.split("."), setting.key)).replace(
            /^warning: /,
            "",
          )
          : setting.key;
        problems.push(`${where}: ${parsed.error}`);
        continue;
      }
      value = parsed.value;
    } else {
      value = typeof setting.default === "function" ? setting.default() : setting.default;
    }
    assign(settings, field, value);
  }
  if (sources.rulesDir !== undefined) settings.rulesDir = sources.rulesDir;
  const apps = streamApps(
    settings.apps as StreamApp[],
    get("STREAM_API_KEY"),
    get("STREAM_API_SECRET"),
  );
  if (typeof apps === "string") problems.push(apps);
  else settings.apps = apps;
  if (problems.length) throw new ConfigError(problems);
  return settings as Settings;
}

/** The file's apps, with the one `STREAM_API_KEY`/`STREAM_API_SECRET` name added or updated. */
function streamApps(apps: StreamApp[], key?: string, secret?: string): StreamApp[] | string {
  if ((key === undefined) !== (secret === undefined)) {
    return "STREAM_API_KEY and STREAM_API_SECRET must be set together";
  }
  if (key === undefined || secret === undefined) return apps;
  const out = [...apps];
  const i = out.findIndex((a) => a.apiKey === key);
  if (i >= 0) out[i] = { ...out[i], secret };
  else out.push({ apiKey: key, secret });
  return out;
}

function valueAt(data: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = data;
  for (const part of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function assign(target: Record<string, unknown>, field: string[], value: unknown) {
  let node = target;
  for (const name of field.slice(0, -1)) node = (node[name] ??= {}) as Record<string, unknown>;
  node[field.at(-1)!] = value;
}
