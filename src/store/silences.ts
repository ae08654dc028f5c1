/**
 * Silences, throttle windows and Slack threads, once for every database: operator-made silences
 * (a rule, or only its events matching a condition, sends nothing until a time), the throttle
 * windows rules have open, and the thread each Slack thread key started.
 */
import type { Tx } from "./driver.ts";

/** A silence as stored. */
export interface Silence {
  id: string;
  rule: string;
  /** A JSONata condition over the event: only matching events are held; none: all of them. */
  condition?: string;
  reason: string;
  createdBy: string;
  createdAt: number;
  until: number;
}

/** Adds a silence; returns it. */
export async function addSilence(
  tx: Tx,
  s: Omit<Silence, "id" | "createdAt">,
  now: number,
): Promise<Silence> {
  const [row] = await tx.all(
    `INSERT INTO sluice_silences (rule, condition, reason, created_by, created_at, until)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [s.rule, s.condition ?? null, s.reason, s.createdBy, now, s.until],
  );
  return { ...s, id: String(row.id), createdAt: now };
}

/** Silences in force at `now` (or, with `all`, also those expired in the last day), oldest first. */
export async function listSilences(tx: Tx, now: number, all = false): Promise<Silence[]> {
  const rows = await tx.all(
    "SELECT * FROM sluice_silences WHERE until > $1 ORDER BY id",
    [all ? now - 86_400_000 : now],
  );
  return rows.map((r) => ({
    id: String(r.id),
    rule: r.rule as string,
    ...(r.condition === null ? {} : { condition: r.condition as string }),
    reason: r.reason as string,
    createdBy: r.created_by as string,
    createdAt: Number(r.created_at),
    until: Number(r.until),
  }));
}

/** Ends a silence now; false if there is no such silence in force. */
export async function expireSilence(tx: Tx, id: string, now: number): Promise<boolean> {
  if (!/^\d{1,15}$/.test(id)) return false;
  return await tx.run("UPDATE sluice_silences SET until = $1 WHERE id = $2 AND until > $1", [
    now,
    Number(id),
  ]) > 0;
}

/** A throttle window open now. */
export interface ThrottleWindow {
  rule: string;
  key: string;
  until: number;
}

/** The throttle windows open at `now`, optionally of one rule. */
export async function listThrottles(tx: Tx, now: number, rule?: string): Promise<ThrottleWindow[]> {
  const rows = await tx.all(
    `SELECT rule, key, until FROM sluice_throttles WHERE until > $1
     ${rule === undefined ? "" : "AND rule = $2"} ORDER BY rule, key LIMIT 1000`,
    rule === undefined ? [now] : [now, rule],
  );
  return rows.map((r) => ({
    rule: r.rule as string,
    key: r.key as string,
    until: Number(r.until),
  }));
}

/** Closes a rule's open window for `key`, so its next event fires; false if none was open. */
export async function resetThrottle(
  tx: Tx,
  rule: string,
  key: string,
  now: number,
): Promise<boolean> {
  return await tx.run(
    "DELETE FROM sluice_throttles WHERE rule = $1 AND key = $2 AND until > $3",
    [rule, key, now],
  ) > 0;
}

/** The Slack message that started the thread for `key`, if one did. */
export async function getThread(tx: Tx, key: string): Promise<string | undefined> {
  const [row] = await tx.all("SELECT ts FROM sluice_threads WHERE key = $1", [key]);
  return row?.ts as string | undefined;
}

/** Remembers the message that started the thread for `key` (the first one to be sent wins). */
export async function setThread(tx: Tx, key: string, ts: string, now: number): Promise<void> {
  await tx.run(
    "INSERT INTO sluice_threads (key, ts, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
    [key, ts, now],
  );
}
