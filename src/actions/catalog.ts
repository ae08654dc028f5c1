/** Every action sluice knows, by name. Adding an action means adding its folder and a line here. */
import { emailSpec } from "./email/spec.ts";
import { httpSpec } from "./http/spec.ts";
import { slackSpec } from "./slack/spec.ts";
import type { ActionSpec } from "./spec.ts";

/** The action declarations the rules engine validates against. */
export const actionSpecs: readonly ActionSpec[] = [httpSpec, slackSpec, emailSpec];
