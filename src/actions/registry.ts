/** The action implementations a running sluice uses, by name. */
import type { Action } from "./action.ts";
import { HttpAction, type HttpActionOptions } from "./http/action.ts";

/** Settings for every action implementation. */
export interface ActionSettings {
  http?: HttpActionOptions;
}

/** Builds one instance of every action. */
export function createActions(settings: ActionSettings = {}): Map<string, Action> {
  const actions: Action[] = [new HttpAction(settings.http)];
  return new Map(actions.map((a) => [a.name, a]));
}
