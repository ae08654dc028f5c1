/**
 * Turns one validated rule document into a {@link CompiledRule}: conditions and templates are
 * compiled with JSONata once, durations parsed, action-specific checks run. Every problem is
 * reported with its position; none stops the others from being found.
 */
import type { ActionSpec } from "../actions/spec.ts";
import { isKnownEventPattern, patternCandidates } from "../event/catalogue.ts";
import { formatFieldPath } from "../template/field_path.ts";
import { compileExpression, compileTemplate } from "../template/template.ts";
import { type EnvLookup, interpolateEnv } from "../template/env.ts";
import { isSecretName, keepRefs, refNames } from "../template/env_refs.ts";
import { splitTemplate, TemplateSyntaxError } from "../template/parse.ts";
import { parseDuration } from "./duration.ts";
import { explainTree } from "./explain.ts";
import { checkRulePaths } from "./path_check.ts";
import { pathScope } from "./path_scope.ts";
import type { Problem } from "./problem.ts";
import type { CompiledAction, CompiledRule, RetryOverrides } from "./rule.ts";
import type { SourceFile } from "./source.ts";
import { closestMatch } from "./suggest.ts";

/** A rule file's data once it has passed the schema. */
export interface RuleData {
  name?: string;
  description?: string;
  enabled?: boolean;
  on: string | string[];
  if?: string;
  throttle?: { key?: string; per: string };
  group?: { key: string; wait?: string; interval?: string; max?: number };
  mode?: "live" | "shadow";
  do: Record<string, Record<string, unknown>>[];
}

/**
 * Compiles one rule; `rule` is undefined when any error was found. `schemaValid` false means the
 * data failed the schema: expressions and templates are still checked wherever their shape allows,
 * so one run reports every problem.
 */
export function compileRule(
  data: RuleData,
  source: SourceFile,
  defaultName: string,
  specs: ReadonlyMap<string, ActionSpec>,
  schemaValid = true,
): { rule?: CompiledRule; problems: Problem[] } {
  const problems: Problem[] = [];
  const on = typeof data.on === "string" ? [data.on] : Array.isArray(data.on) ? data.on : [];
  on.forEach((pattern, i) => {
    if (typeof pattern === "string" && pattern && !isKnownEventPattern(pattern)) {
      const path = typeof data.on === "string" ? ["on"] : ["on", i];
      const near = closestMatch(pattern, patternCandidates(pattern));
      const hint = near ? `did you mean ${near}? ` : "";
      problems.push(
        source.warningAt(
          path,
          `on: "${pattern}" matches no known Stream event type (${hint}see sluice events)`,
        ),
      );
    }
  });

  const expression = (path: string[], text: unknown) => {
    if (typeof text !== "string") return undefined;
    const compiled = compileExpression(text);
    if ("expr" in compiled) return { expr: compiled.expr, source: text };
    problems.push(
      source.problemInString(path, compiled.index, `${formatFieldPath(path)}: ${compiled.message}`),
    );
    return undefined;
  };

  const compiledIf = expression(["if"], data.if);
  const condition = compiledIf &&
    { ...compiledIf, explain: explainTree(compiledIf.source, compiledIf.expr) };
  const throttleKey = expression(["throttle", "key"], data.throttle?.key);
  const groupKey = expression(["group", "key"], data.group?.key);
  if (data.group && data.throttle) {
    problems.push(
      source.problemAt(
        ["group"],
        "group: use either throttle or group, not both (a group already " +
          "limits how often the rule sends)",
        "key",
      ),
    );
  }
  const actions: CompiledAction[] = [];
  (Array.isArray(data.do) ? data.do : []).forEach((item, index) => {
    const entries = item && typeof item === "object" ? Object.entries(item) : [];
    const spec = entries.length === 1 ? specs.get(entries[0][0]) : undefined;
    const raw = entries[0]?.[1] ?? {};
    if (!spec || typeof raw !== "object" || Array.isArray(raw)) return;
    const written = (source.writtenData() as RuleData).do?.[index]?.[spec.name] ?? raw;
    actions.push(compileAction(spec, raw, written, index, source, problems));
  });

  problems.push(...secretsInExpressions(source, specs));

  const scope = pathScope(on);
  if (scope) problems.push(...checkRulePaths(data, source, scope));

  if (!schemaValid || problems.some((p) => p.severity === "error")) return { problems };
  return {
    problems,
    rule: {
      name: data.name ?? defaultName,
      description: data.description,
      file: source.path,
      text: source.text,
      enabled: data.enabled ?? true,
      on,
      condition,
      throttle: data.throttle && { key: throttleKey, perMs: parseDuration(data.throttle.per)! },
      group: data.group && groupKey && {
        key: groupKey,
        waitMs: parseDuration(data.group.wait ?? "30s")!,
        intervalMs: parseDuration(data.group.interval ?? "5m")!,
        max: data.group.max ?? 50,
      },
      mode: data.mode ?? "live",
      actions,
    },
  };
}

function compileAction(
  spec: ActionSpec,
  raw: Record<string, unknown>,
  written: Record<string, unknown>,
  index: number,
  source: SourceFile,
  problems: Problem[],
): CompiledAction {
  const { retry, timeout, ...params } = raw as {
    retry?: Record<string, unknown>;
    timeout?: string;
  } & Record<string, unknown>;
  const base = ["do", index, spec.name];
  for (const p of spec.check?.(params) ?? []) {
    const where = [...base, ...p.path];
    problems.push(source.problemAt(where, `${formatFieldPath(where)}: ${p.message}`));
  }
  // Problems are found (and located) in the resolved text; what runs is compiled from the text as
  // written, so `${VAR}` references stay in rendered parameters until a delivery is sent.
  // Expression parameters (Slack's `thread`) render as one `{{ }}` keeping the value's type.
  const expressionKeys: readonly unknown[] = spec.expressions ?? [];
  const asTemplates = (p: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(p).map((
        [k, v],
      ) => [k, expressionKeys.includes(k) && typeof v === "string" ? `{{ ${v} }}` : v]),
    );
  const { problems: templateProblems } = compileTemplate(asTemplates(params), base);
  for (const p of templateProblems) {
    const inExpression = p.path.length === base.length + 1 &&
      expressionKeys.includes(p.path.at(-1));
    problems.push(
      source.problemInString(
        p.path,
        inExpression ? Math.max(0, p.index - 3) : p.index,
        `${formatFieldPath(p.path)}: ${p.message}`,
      ),
    );
  }
  const env: EnvLookup = source.env ?? (() => undefined);
  const { retry: _r, timeout: _t, ...writtenParams } = written;
  // Without a `${VAR}` in its text, an action's rendered parameters are sent as they are: no
  // stored form to escape into and resolve back out of, on every event.
  const envRefs = hasRefs(writtenParams);
  const { template } = compileTemplate(asTemplates(writtenParams), base, {
    ...(envRefs ? { text: keepRefs } : {}),
    expr: (text) => interpolateEnv(text, env).value,
  });
  return {
    index,
    type: spec.name,
    params: template,
    written: params,
    env,
    envRefs,
    retry: retryOverrides(retry),
    timeoutMs: typeof timeout === "string" ? parseDuration(timeout) : undefined,
    spec,
  };
}

function retryOverrides(retry: Record<string, unknown> | undefined): RetryOverrides {
  if (!retry) return {};
  const ms = (v: unknown) => (typeof v === "string" ? parseDuration(v) : undefined);
  return {
    maxAttempts: retry.max_attempts as number | undefined,
    initialDelayMs: ms(retry.initial_delay),
    maxDelayMs: ms(retry.max_delay),
    maxDurationMs: ms(retry.max_duration),
  };
}

/**
 * A `${VAR}` that looks like a secret may not be used inside JSONata (`if`, keys, `{{ }}`, Slack's
 * `thread`): it is read when rules load, so its value would be kept in decision records, errors
 * and rendered parameters. Outside `{{ }}` it stays a reference until the delivery is sent.
 */
function secretsInExpressions(
  source: SourceFile,
  specs: ReadonlyMap<string, ActionSpec>,
): Problem[] {
  const written = source.writtenData() as Partial<RuleData> | null;
  if (!written || typeof written !== "object") return [];
  const problems: Problem[] = [];
  const check = (path: (string | number)[], expression: string) => {
    for (const name of refNames(expression).filter(isSecretName)) {
      problems.push(
        source.problemAt(
          path,
          `${
            formatFieldPath(path)
          }: \${${name}} looks like a secret and may not be used inside a ` +
            "JSONata expression (its value would be kept in decision records and errors); " +
            "use it outside {{ }}, where it stays a reference until the delivery is sent",
        ),
      );
    }
  };
  if (typeof written.if === "string") check(["if"], written.if);
  if (typeof written.throttle?.key === "string") check(["throttle", "key"], written.throttle.key);
  if (typeof written.group?.key === "string") check(["group", "key"], written.group.key);
  (Array.isArray(written.do) ? written.do : []).forEach((item, index) => {
    const [type, params] = Object.entries(item ?? {})[0] ?? [];
    const expressionKeys: readonly unknown[] = specs.get(type)?.expressions ?? [];
    const walk = (value: unknown, path: (string | number)[]) => {
      if (typeof value === "string") {
        if (path.length === 4 && expressionKeys.includes(path[3])) return check(path, value);
        let parts;
        try {
          parts = splitTemplate(value);
        } catch (e) {
          if (e instanceof TemplateSyntaxError) return; // reported by the template compiler
          throw e;
        }
        for (const p of parts) if (p.kind === "expr") check(path, p.source);
      } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      }
    };
    walk(params, ["do", index, type]);
  });
  return problems;
}

/** Whether any string in `value` holds a `${VAR}` reference. */
function hasRefs(value: unknown): boolean {
  if (typeof value === "string") return refNames(value).length > 0;
  if (value !== null && typeof value === "object") return Object.values(value).some(hasRefs);
  return false;
}
