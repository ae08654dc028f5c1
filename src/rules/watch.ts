/**
 * Watches a rule folder and calls `onChange` once a burst of file events has settled, so an
 * editor's save (often several writes and renames) triggers one reload.
 */

/** A running watcher; `close()` stops it. */
export interface RuleWatcher {
  close(): void;
}

/** Watches `dir` recursively for changes to YAML files; `settleMs` debounces bursts. */
export function watchRules(dir: string, onChange: () => void, settleMs = 300): RuleWatcher {
  const watcher = Deno.watchFs(dir, { recursive: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  (async () => {
    for await (const event of watcher) {
      if (!event.paths.some((p) => /\.ya?ml$/.test(p))) continue;
      clearTimeout(timer);
      timer = setTimeout(onChange, settleMs);
    }
  })();
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
