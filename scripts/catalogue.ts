/**
 * `deno task catalogue [--check] [DIR]`: regenerates `src/event/catalogue_shapes.json` from the
 * event fixtures in `DIR` (default `examples/events/`; files starting with `_` are transport
 * envelopes, not events, and are skipped). `--check` writes nothing and exits 1 when the committed
 * file differs from a fresh generation.
 */
import { parseArgs } from "node:util";
import { type Fixture, FixtureError, inferCatalogue } from "./catalogue_infer.ts";

const root = new URL("../", import.meta.url).pathname;

/** Where the generated catalogue lives. */
export const SHAPES_FILE = `${root}src/event/catalogue_shapes.json`;
/** Where the fixtures live. */
export const FIXTURES_DIR = `${root}examples/events`;

/** Reads every `*.json` fixture under `dir` (subfolders included), sorted by path. */
export async function readFixtures(dir: string): Promise<Fixture[]> {
  const fixtures: Fixture[] = [];
  const walk = async (rel: string) => {
    const entries = [...Deno.readDirSync(rel ? `${dir}/${rel}` : dir)].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(path);
      else if (e.isFile && e.name.endsWith(".json") && !e.name.startsWith("_")) {
        const text = await Deno.readTextFile(`${dir}/${path}`);
        try {
          fixtures.push({ file: path, event: JSON.parse(text) });
        } catch (cause) {
          throw new FixtureError(path, `not JSON: ${(cause as Error).message}`);
        }
      }
    }
  };
  await walk("");
  return fixtures;
}

/** The catalogue file's text for the fixtures under `dir`. */
export async function generateCatalogue(dir = FIXTURES_DIR): Promise<string> {
  return JSON.stringify(inferCatalogue(await readFixtures(dir)), null, 2) + "\n";
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { check: { type: "boolean" } },
    allowPositionals: true,
  });
  const dir = positionals[0] ?? FIXTURES_DIR;
  let text;
  try {
    text = await generateCatalogue(dir);
  } catch (e) {
    if (!(e instanceof FixtureError)) throw e;
    console.error(`catalogue: ${e.message}`);
    return 1;
  }
  const types = Object.keys(JSON.parse(text).types).length;
  if (values.check) {
    const committed = await Deno.readTextFile(SHAPES_FILE).catch(() => "");
    if (committed === text) {
      console.log(`catalogue: up to date (${types} event types)`);
      return 0;
    }
    console.error("catalogue: src/event/catalogue_shapes.json is stale: run deno task catalogue");
    return 1;
  }
  await Deno.writeTextFile(SHAPES_FILE, text);
  console.log(`catalogue: wrote src/event/catalogue_shapes.json (${types} event types)`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
