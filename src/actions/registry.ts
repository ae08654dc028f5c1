/** The action implementations a running sluice uses, by name. */
import type { Action } from "./action.ts";
import { EmailAction, type EmailActionOptions } from "./email/action.ts";
import { HttpAction, type HttpActionOptions } from "./http/action.ts";
import { SlackAction, type SlackActionOptions } from "./slack/action.ts";

/** Settings for every action implementation. */
export interface ActionSettings {
  http?: HttpActionOptions;
  slack?: SlackActionOptions;
  email?: EmailActionOptions;
}

/** Builds one instance of every action. */
export function createActions(settings: ActionSettings = {}): Map<string, Action> {
  const actions: Action[] = [
    new HttpAction(settings.http),
    new SlackAction(settings.slack),
    new EmailAction(settings.email),
  ];
  return new Map(actions.map((a) => [a.name, a]));
}
