/**
 * `sluice run` refusing to start, with a message and exit status 2 rather than a stack trace: a
 * second runtime on the same SQLite file, a port in use, a store it cannot write.
 */
import { assertEquals, assertIncludes } from "./support/assert.ts";
import { runSluice } from "./support/cli.ts";
import { startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";

const rule = 'on: "*"\ndo:\n  - http: { url: "http://127.0.0.1:9/x" }\n';
const env = { SLUICE_STORE: "sqlite:./data/sluice.db", SLUICE_LISTEN: "127.0.0.1:0" };

Deno.test("a second run on the same SQLite file is refused; the first keeps serving", async () => {
  await withTree({ "rules/r.yaml": rule }, async (dir) => {
    const first = await startSluice(dir);
    try {
      const second = await runSluice(["run"], { cwd: dir, env });
      assertEquals(second.code, 2, second.stderr);
      assertIncludes(second.stderr, 'in use by another "sluice run"');
      assertEquals(second.stderr.includes("    at "), false, "no stack trace");
      assertEquals((await fetch(`${first.url}/healthz`)).status, 200);
      const dlq = await runSluice(["dlq", "list"], { cwd: dir, env });
      assertEquals(dlq.code, 0, "CLI commands still open the store alongside");
    } finally {
      assertEquals(await first.stop(), 0);
    }
  });
});

Deno.test("a port in use and an unwritable store end with a message and exit 2", async () => {
  await withTree({ "rules/r.yaml": rule }, async (dir) => {
    const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    try {
      const port = (busy.addr as Deno.NetAddr).port;
      const r = await runSluice(["run"], {
        cwd: dir,
        env: { ...env, SLUICE_LISTEN: `127.0.0.1:${port}` },
      });
      assertEquals(r.code, 2, r.stderr);
      assertIncludes(r.stderr, `SLUICE_LISTEN 127.0.0.1:${port}`);
      assertEquals(r.stderr.includes("    at "), false, "no stack trace");
    } finally {
      busy.close();
    }
    // A store under a regular file cannot be created, whoever runs the test (root included).
    await Deno.writeTextFile(`${dir}/not-a-folder`, "");
    const store = await runSluice(["run"], {
      cwd: dir,
      env: { ...env, SLUICE_STORE: "sqlite:./not-a-folder/s.db" },
    });
    assertEquals(store.code, 2, store.stderr);
    assertIncludes(store.stderr, 'SLUICE_STORE "sqlite:./not-a-folder/s.db": cannot open');
    assertEquals(store.stderr.includes("    at "), false, "no stack trace");
  });
});
