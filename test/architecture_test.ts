/**
 * The pipeline's core (event, rules, template, dispatch, executor, store) depends on nothing at
 * its edges: no ingress, no CLI, no app wiring, no action implementations. The action interface
 * and declarations (`actions/action.ts`, `actions/spec.ts`, `actions/kind.ts`,
 * `actions/schema_marks.ts`, `actions/catalog.ts`, `actions/NAME/spec.ts`, `actions/NAME/kind.ts`)
 * are allowed.
 */
import { assertEquals } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";

const CORE = [
  "event",
  "inbox",
  "rules",
  "ruletest",
  "template",
  "dispatch",
  "delivery",
  "executor",
  "store",
];

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  try {
    for await (const e of Deno.readDir(dir)) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) yield* sourceFiles(path);
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) yield path;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

function forbidden(target: string): boolean {
  const rel = target.slice(`${projectRoot}/src/`.length);
  if (
    ["ingress/", "admin/", "console/", "cli/"].some((p) => rel.startsWith(p)) || rel === "app.ts"
  ) return true;
  if (!rel.startsWith("actions/")) return false;
  return !/^actions\/(action|spec|kind|schema_marks|catalog)\.ts$|^actions\/[a-z]+\/(spec|kind)\.ts$/
    .test(rel);
}

Deno.test("core folders never import the edges", async () => {
  const offences: string[] = [];
  for (const folder of CORE) {
    for await (const file of sourceFiles(`${projectRoot}/src/${folder}`)) {
      const text = await Deno.readTextFile(file);
      for (const m of text.matchAll(/from\s+"(\.[^"]+)"/g)) {
        const target = new URL(m[1], `file://${file}`).pathname;
        if (forbidden(target)) {
          offences.push(`${file.slice(projectRoot.length + 1)} imports ${m[1]}`);
        }
      }
    }
  }
  assertEquals(offences, []);
});
