/**
 * The last good rule set, once for every database: the files (paths and texts, `${VAR}` still
 * unresolved, so no secret is kept) of the last set that loaded, so that `run` finding a broken
 * file can start with it instead of leaving the webhook down.
 */
import type { Tx } from "./driver.ts";
import { storableJson } from "./text.ts";

/** A rule file as kept. */
export interface KeptRuleFile {
  path: string;
  text: string;
}

/** The last good set, when it was kept. */
export interface KeptRuleSet {
  files: KeptRuleFile[];
  savedAt: number;
}

/** Keeps `files` as the last good set (unless it is the one already kept). */
export async function saveRuleSet(tx: Tx, files: readonly KeptRuleFile[], now: number) {
  const json = storableJson(files.map(({ path, text }) => ({ path, text })));
  const [last] = await tx.all("SELECT id, files FROM sluice_rule_sets ORDER BY id DESC LIMIT 1");
  if (last?.files === json) return;
  await tx.run("DELETE FROM sluice_rule_sets");
  await tx.run("INSERT INTO sluice_rule_sets (files, saved_at) VALUES ($1, $2)", [json, now]);
}

/** The last good set, if one was kept. */
export async function lastRuleSet(tx: Tx): Promise<KeptRuleSet | undefined> {
  const [row] = await tx.all(
    "SELECT files, saved_at FROM sluice_rule_sets ORDER BY id DESC LIMIT 1",
  );
  if (!row) return undefined;
  return { files: JSON.parse(row.files as string), savedAt: Number(row.saved_at) };
}
