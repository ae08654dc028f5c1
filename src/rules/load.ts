/**
 * Loading a rule folder: find the files, parse each with positions, interpolate `${VAR}`,
 * validate against the rule schema, compile, and check names across files. Every problem in every
 * file is collected; the rule set is usable only when there are no errors.
 */
import { actionSpecs } from "../actions/catalog.ts";
import type { ActionSpec } from "../actions/spec.ts";
import type { EnvLookup } from "../template/env.ts";
import { redactValues } from "../observe/redact.ts";
import { ruleEnv } from "./rule_env.ts";
import { compileRule, type RuleData } from "./compile.ts";
import { findFiles, isRuleFile } from "./files.ts";
import { hasErrors, type Problem, RuleLoadError, sortProblems } from "./problem.ts";
import type { CompiledRule } from "./rule.ts";
import { RuleSet } from "./rule_set.ts";
import { buildRuleSchema } from "./schema.ts";
import { compileSchemaCheck, type SchemaCheck } from "./schema_check.ts";
import { SourceFile } from "./source.ts";

/** What a load reads besides the files. */
export interface LoadOptions {
  env?: EnvLookup;
  actions?: readonly ActionSpec[];
}

/** A rule file's path and text. */
export interface RuleSource {
  path: string;
  text: string;
}

/** The rules that compiled, every problem found, and the files read (with their texts). */
export interface LoadResult {
  rules: CompiledRule[];
  problems: Problem[];
  files: string[];
  sources: RuleSource[];
}

const checks = new WeakMap<readonly ActionSpec[], SchemaCheck>();

function schemaCheckFor(actions: readonly ActionSpec[]): SchemaCheck {
  let check = checks.get(actions);
  if (!check) checks.set(actions, check = compileSchemaCheck(buildRuleSchema(actions)));
  return check;
}

/** Loads every rule file under `paths`; see {@link loadRuleSet} for the all-or-nothing form. */
export async function loadRules(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadResult> {
  const files = await findFiles(paths, isRuleFile);
  const sources: RuleSource[] = [];
  for (const path of files) sources.push({ path, text: await Deno.readTextFile(path) });
  return compileSources(sources, options);
}

/**
 * Compiles rule files given as texts (a folder read by {@link loadRules}, or the last good set
 * kept in the store); `${VAR}` is read from the environment now, as at any load.
 */
export function compileSources(
  sources: readonly RuleSource[],
  options: LoadOptions = {},
): LoadResult {
  const env = options.env ?? ruleEnv();
  const actions = options.actions ?? actionSpecs;
  const specs = new Map(actions.map((a) => [a.name, a]));
  const check = schemaCheckFor(actions);
  const problems: Problem[] = [];
  const rules: CompiledRule[] = [];
  const names = new Map<string, Problem>();

  for (const { path: file, text } of sources) {
    const before = problems.length;
    const { source, problems: yamlProblems, usable } = SourceFile.parse(file, text);
    problems.push(...yamlProblems);
    if (!usable) continue;
    problems.push(...source.interpolateEnv(env));
    const data = source.toData();
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      problems.push(
        source.problemAt([], "a rule file must be a YAML mapping (name, on, if, do, …)"),
      );
      continue;
    }
    const schemaProblems = check(data, source);
    problems.push(...schemaProblems);
    const valid = schemaProblems.length === 0;
    const compiled = compileRule(data as RuleData, source, defaultName(file), specs, valid);
    problems.push(...compiled.problems);
    maskSecrets(problems, before, source.secretValues);

    const named = typeof (data as RuleData).name === "string";
    const name = named ? (data as RuleData).name! : defaultName(file);
    const here = source.problemAt(named ? ["name"] : [], "");
    const first = names.get(name);
    if (first) {
      problems.push({
        ...here,
        message:
          `duplicate rule name "${name}" (first defined at ${first.file}:${first.line}:${first.col})`,
      });
      continue;
    }
    names.set(name, here);
    if (compiled.rule && !hasErrors(problems.slice(before))) rules.push(compiled.rule);
  }
  return {
    rules,
    problems: sortProblems(problems),
    files: sources.map((s) => s.path),
    sources: [...sources],
  };
}

/** Loads a rule folder into a {@link RuleSet}, or throws {@link RuleLoadError} listing every error. */
export async function loadRuleSet(
  paths: readonly string[],
  options: LoadOptions = {},
): Promise<LoadedRuleSet> {
  const result = await loadRules(paths, options);
  if (hasErrors(result.problems)) throw new RuleLoadError(result.problems, result.sources);
  return { ...result, rules: new RuleSet(result.rules) };
}

/** A valid rule set with what it was loaded from. */
export interface LoadedRuleSet {
  rules: RuleSet;
  problems: Problem[];
  files: string[];
  sources: RuleSource[];
}

function defaultName(file: string): string {
  return file.slice(file.lastIndexOf("/") + 1).replace(/\.ya?ml$/, "");
}

/** Problems from `from` on never quote a secret-looking variable's value (checks quote values). */
function maskSecrets(problems: Problem[], from: number, secrets: readonly string[]) {
  if (secrets.length === 0) return;
  for (let i = from; i < problems.length; i++) {
    problems[i] = { ...problems[i], message: redactValues(problems[i].message, secrets) };
  }
}
