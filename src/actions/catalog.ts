/**
 * Every action sluice knows, declared once as a kind (spec and typed parse). Adding an action
 * means adding its folder, a line here and its constructor in `registry.ts`; everything else
 * looks actions up here. Declarations only: nothing here loads an implementation (or nodemailer).
 */
import { emailKind } from "./email/kind.ts";
import { httpKind } from "./http/kind.ts";
import { slackKind } from "./slack/kind.ts";
import type { ActionSpec } from "./spec.ts";

/** Every action kind, in the order `sluice schema` and the docs list them. */
export const actionKinds = [httpKind, slackKind, emailKind] as const;

/** The action declarations the rules engine validates against. */
export const actionSpecs: readonly ActionSpec[] = actionKinds.map((k) => k.spec);

const specsByName = new Map(actionSpecs.map((s) => [s.name, s]));

/** The secret parameter paths of an action type (none for a type sluice does not know). */
export function secretKeysOf(actionType: string): readonly string[] {
  return specsByName.get(actionType)?.secretKeys ?? [];
}
