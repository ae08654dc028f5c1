/** Finding rule files (`*.yaml`, `*.yml`) and test files (`*.test.yaml`) under folders. */

/** A path given on the command line or in config that does not exist. */
export class PathNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`${path}: no such file or directory`);
    this.name = "PathNotFoundError";
  }
}

/** Whether a file name is a rule test file. */
export function isTestFile(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/** Whether a file name is a rule file. */
export function isRuleFile(name: string): boolean {
  return /\.ya?ml$/.test(name) && !isTestFile(name);
}

/**
 * Every file under `paths` that `accept` takes, sorted, subfolders included (hidden ones skipped).
 * A path that is itself a file is taken as given.
 */
export async function findFiles(
  paths: readonly string[],
  accept: (name: string) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new PathNotFoundError(path);
      throw e;
    }
    if (info.isFile) found.push(path);
    else await walk(path, accept, found);
  }
  return [...new Set(found)].sort();
}

async function walk(dir: string, accept: (name: string) => boolean, out: string[]) {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.startsWith(".")) continue;
    const path = `${dir.replace(/\/$/, "")}/${entry.name}`;
    if (entry.isDirectory) await walk(path, accept, out);
    else if (entry.isFile && accept(entry.name)) out.push(path);
  }
}
