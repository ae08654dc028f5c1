/**
 * The action implementations a running sluice uses, each paired with its kind by type (an
 * implementation takes exactly the parameters its kind parses).
 */
import type { Action } from "./action.ts";
import { EmailAction, type EmailActionOptions } from "./email/action.ts";
import { emailKind } from "./email/kind.ts";
import { HttpAction, type HttpActionOptions } from "./http/action.ts";
import { httpKind } from "./http/kind.ts";
import { actionOf } from "./kind.ts";
import { SlackAction, type SlackActionOptions } from "./slack/action.ts";
import { slackKind } from "./slack/kind.ts";

/** Settings for every action implementation. */
export interface ActionSettings {
  http?: HttpActionOptions;
  slack?: SlackActionOptions;
  email?: EmailActionOptions;
}

/** Builds one instance of every action, by name. */
export function createActions(settings: ActionSettings = {}): Map<string, Action> {
  const actions = [
    actionOf(httpKind, new HttpAction(settings.http)),
    actionOf(slackKind, new SlackAction(settings.slack)),
    actionOf(emailKind, new EmailAction(settings.email)),
  ];
  return new Map(actions.map((a) => [a.name, a]));
}
