/** Temporary folders of rule files for tests, removed when the test ends. */

/** Writes `files` (relative path → content) into a new temporary folder and returns its path. */
export async function writeTree(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sluice-test-" });
  for (const [name, content] of Object.entries(files)) {
    const path = `${dir}/${name}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, content);
  }
  return dir;
}

/** Runs `fn` with a temporary tree and removes it afterwards, whatever happens. */
export async function withTree<T>(
  files: Record<string, string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await writeTree(files);
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
