/** Builds a rule set from inline YAML files, through the same loader `run` uses. */
import { loadRules, loadRuleSet } from "../../src/rules/load.ts";
import type { RuleSet } from "../../src/rules/rule_set.ts";
import { withTree } from "./tmp.ts";

/** Loads `files` (name → YAML) as a rule folder; throws if any has an error. */
export async function ruleSetFrom(
  files: Record<string, string>,
  env: Record<string, string> = {},
): Promise<RuleSet> {
  return await withTree(files, async (dir) => {
    const { rules } = await loadRuleSet([dir], { env: (name) => env[name] });
    return rules;
  });
}

/** The problems `validate` reports for one inline rule file, as messages. */
export async function problemsOf(
  yaml: string,
  env: Record<string, string> = {},
): Promise<string[]> {
  return await withTree({ "r.yaml": yaml }, async (dir) => {
    const { problems } = await loadRules([dir], { env: (name) => env[name] });
    return problems.map((p) => p.message);
  });
}
