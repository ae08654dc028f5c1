/**
 * Starts a Deno program for a load run (sluice, a bare server, a sink) and waits for its
 * `sluice listening` line, which every one of them prints with its URL.
 */
import { projectRoot } from "../../test/support/cli.ts";

/** The running process and the URL it listens on. */
export async function spawnListening(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  root = projectRoot,
): Promise<{ child: Deno.ChildProcess; url: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", `--config=${root}/deno.json`, "-A", ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error("process exited before listening");
    buffer += value;
    const m = /"msg":"sluice listening"[^\n]*"url":"([^"]+)"/.exec(buffer);
    if (m) {
      // Keep draining its output so the pipe never fills and blocks it.
      (async () => {
        while (!(await reader.read()).done);
      })();
      return { child, url: m[1] };
    }
  }
}

/**
 * The arguments that start `sluice run` as `deno task start` does, with the same V8 flags (read
 * from deno.json), so a load run measures what ships. `SLUICE_BENCH_V8_FLAGS` replaces them for a
 * comparison (`SLUICE_BENCH_V8_FLAGS=` runs with V8's defaults). `root` is another checkout, to
 * compare builds in one run.
 */
export async function sluiceRunArgs(root = projectRoot): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${root}/deno.json`));
  const flags = (config.tasks.start as string).split(" ").filter((a) => a.startsWith("--v8-flags"));
  const extra = Deno.env.get("SLUICE_BENCH_V8_FLAGS");
  return [
    ...(extra === undefined ? flags : extra ? [extra] : []),
    `${root}/src/main.ts`,
    "run",
  ];
}
