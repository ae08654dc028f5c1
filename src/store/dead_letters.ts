/**
 * Dead letters, once for every database: listed by rule, time and error text; replayed (with the
 * parameters their rule renders now, when the caller has them) or discarded with a reason. Each
 * names the ids it could not act on.
 */
import type { DeadLetter, DeadLetterChange, DeadLetterFilter, Replay } from "../delivery/model.ts";
import { replayState } from "../delivery/state.ts";
import type { Dialect, Tx } from "./driver.ts";
import { likeLiteral, listDeliveries } from "./history.ts";
import { DELIVERIES_CHANNEL } from "./schema.ts";

const isId = (id: string) => /^\d{1,15}$/.test(id);

/** Dead letters oldest first (by id) matching `filter`, with their attempts. */
export function listDeadLetters(
  tx: Tx,
  d: Dialect,
  filter: DeadLetterFilter,
): Promise<DeadLetter[]> {
  const extra: { sql: (n: string) => string; value: unknown }[] = [];
  if (filter.ids !== undefined) {
    extra.push({
      sql: (n) => d.inList("d.id", n, "bigint"),
      value: filter.ids.filter(isId).map(Number),
    });
  }
  if (filter.rule !== undefined) extra.push({ sql: (n) => `d.rule = ${n}`, value: filter.rule });
  if (filter.since !== undefined) {
    extra.push({ sql: (n) => `d.updated_at >= ${n}`, value: filter.since });
  }
  if (filter.error !== undefined) {
    extra.push({
      sql: (n) => `LOWER(d.last_error) LIKE ${n} ESCAPE '\\'`,
      value: `%${likeLiteral(filter.error.toLowerCase())}%`,
    });
  }
  return listDeliveries(tx, d, { ...filter, status: "dead" }, extra);
}

/** Re-queues the given dead letters with a fresh retry window, new parameters where given. */
export async function replayDeadLetters(
  tx: Tx,
  replays: readonly Replay[],
  now: number,
): Promise<DeadLetterChange> {
  const s = replayState(now);
  const changed: string[] = [];
  const missing: string[] = [];
  for (const r of replays) {
    const rows = isId(r.id)
      ? await tx.all(
        `UPDATE sluice_deliveries SET status = $1, attempts = $2, next_at = $3, first_at = $4,
           lease_owner = NULL, lease_until = 0, claims = 0, updated_at = $5,
           params = COALESCE($6, params), render_error = CASE WHEN $6 IS NULL THEN render_error END,
           notes = CASE WHEN $6 IS NULL THEN notes ELSE $8 END,
           env_refs = CASE WHEN $6 IS NULL THEN env_refs ELSE $9 END
         WHERE id = $7 AND status = 'dead' RETURNING id`,
        [
          s.status,
          s.attempts,
          s.nextAt,
          s.firstAt,
          now,
          r.params === undefined ? null : JSON.stringify(r.params),
          Number(r.id),
          r.notes?.length ? JSON.stringify(r.notes) : null,
          r.envRefs ? 1 : 0,
        ],
      )
      : [];
    (rows.length ? changed : missing).push(r.id);
  }
  if (changed.length) await tx.notify(DELIVERIES_CHANNEL);
  return { changed, missing };
}

/** Takes dead letters off the queue (kept in history as `discarded`, with the reason). */
export async function discardDeadLetters(
  tx: Tx,
  ids: readonly string[],
  reason: string,
  now: number,
): Promise<DeadLetterChange> {
  const changed: string[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const n = isId(id)
      ? await tx.run(
        `UPDATE sluice_deliveries SET status = 'discarded', discard_reason = $1, updated_at = $2
         WHERE id = $3 AND status = 'dead'`,
        [reason, now, Number(id)],
      )
      : 0;
    (n ? changed : missing).push(id);
  }
  return { changed, missing };
}
