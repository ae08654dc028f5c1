/**
 * The environment as rules see it: `${VAR}` in a rule file may read only the variables the
 * config's `rule_env` patterns allow, and never sluice's own secrets, so a rule (or whoever can
 * write one) cannot send the Stream secret, the admin token, the store's password or AWS
 * credentials to a destination.
 */
import { compileTypePattern } from "../event/type_pattern.ts";
import { type EnvLookup, processEnv } from "../template/env.ts";

/** Variables no rule may read, whatever `rule_env` says. */
export const SLUICE_SECRETS: readonly string[] = [
  "STREAM_API_SECRET",
  "SLUICE_ADMIN_TOKEN",
  "SLUICE_STORE",
  "SLUICE_TEST_POSTGRES_URL",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_ACCESS_KEY_ID",
];

/** `env` narrowed to what rules may read (`patterns` are globs: `SLACK_*`, `*`). */
export function ruleEnv(
  patterns: readonly string[] = ["*"],
  env: EnvLookup = processEnv,
): EnvLookup {
  const allowed = patterns.map(compileTypePattern);
  const refusal = (name: string) => {
    if (SLUICE_SECRETS.includes(name)) {
      return `\${${name}} is one of sluice's own secrets, which rules may not read`;
    }
    if (!allowed.some((matches) => matches(name))) {
      return `\${${name}} is not allowed by rule_env (${patterns.join(", ")}) in the config`;
    }
    return undefined;
  };
  return Object.assign((name: string) => (refusal(name) ? undefined : env(name)), { refusal });
}
