/**
 * Finding events: the store's filters (type, sender id, rule, outcome, time) and, optionally, a
 * JSONata condition over each body, evaluated here on a bounded scan, newest first. Used by
 * `sluice inbox list`, the admin API and the console alike.
 */
import jsonata from "jsonata";
import type { EventFilter, EventSummary } from "./model.ts";
import type { History } from "../store/roles.ts";
import { isTruthy } from "../rules/truthy.ts";

/** Events a `where` search reads at most before it answers (it says so, with a cursor). */
export const MAX_SCANNED = 10_000;
const PAGE = 200;

/** A search: the store's filters plus a JSONata condition over the body. */
export interface EventSearch extends EventFilter {
  where?: string;
}

/** A page of results; `next_before` continues it; `scanned` counts bodies read for `where`. */
export interface SearchResult {
  items: EventSummary[];
  nextBefore?: string;
  scanned: number;
  /** The scan stopped at {@link MAX_SCANNED} before the page was full. */
  truncated: boolean;
}

/** A `where` condition that does not compile. */
export class WhereError extends Error {
  constructor(message: string) {
    super(`where: ${message}`);
    this.name = "WhereError";
  }
}

/** Runs a search against the store's history. */
export async function searchEvents(
  history: Pick<History, "listEvents">,
  search: EventSearch,
): Promise<SearchResult> {
  const { where, ...filter } = search;
  const limit = filter.limit ?? 50;
  if (where === undefined) {
    const items = await history.listEvents({ ...filter, limit });
    return {
      items,
      nextBefore: items.length === limit ? items.at(-1)!.id : undefined,
      scanned: 0,
      truncated: false,
    };
  }
  let condition: ReturnType<typeof jsonata>;
  try {
    condition = jsonata(where);
  } catch (e) {
    throw new WhereError((e as { message?: string }).message ?? String(e));
  }
  const items: EventSummary[] = [];
  let scanned = 0;
  let before = filter.before;
  while (items.length < limit && scanned < MAX_SCANNED) {
    const page = await history.listEvents({
      ...filter,
      before,
      limit: Math.min(PAGE, MAX_SCANNED - scanned),
    });
    for (const e of page) {
      scanned++;
      before = e.id;
      let hit = false;
      try {
        hit = isTruthy(await condition.evaluate(JSON.parse(e.body)));
      } catch {
        hit = false; // a body the condition cannot evaluate (a type error on it) does not match
      }
      if (hit) items.push(e);
      if (items.length === limit) break;
    }
    if (page.length < PAGE) {
      return {
        items,
        nextBefore: items.length === limit ? before : undefined,
        scanned,
        truncated: false,
      };
    }
  }
  return { items, nextBefore: before, scanned, truncated: items.length < limit };
}
