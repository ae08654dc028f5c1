/**
 * Runs wrk (Debian package `wrk`) with one of this folder's Lua scripts and reads its report,
 * plus the server's CPU time over the run from /proc. Shared by the webhook and e2e loads.
 */
import { projectRoot } from "../../test/support/cli.ts";

/** CPU seconds a process has used so far, all threads, and its main thread alone (Linux). */
export async function cpuSeconds(pid: number): Promise<{ all: number; main: number }> {
  // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): utime and stime, in ticks.
  const ticks = async (path: string) => {
    const fields = (await Deno.readTextFile(path)).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  return {
    all: await ticks(`/proc/${pid}/stat`),
    main: await ticks(`/proc/${pid}/task/${pid}/stat`),
  };
}

/** One wrk run: counts, rate, latency percentiles (ms) and the server's CPU per request (µs). */
export interface WrkResult {
  requests: number;
  /** Answers that were not 2xx or 3xx. */
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU microseconds per request, every thread of the server, and its main thread. */
  cpuUs: number;
  mainCpuUs: number;
}

/** What to run: `script` is a file in bench/load; `env` reaches the script through os.getenv. */
export interface WrkRun {
  url: string;
  script: string;
  seconds: number;
  connections: number;
  env: Record<string, string>;
  /** The server's process, whose CPU time is read before and after. */
  pid?: number;
}

export async function wrk(run: WrkRun): Promise<WrkResult> {
  const cpuBefore = run.pid === undefined ? undefined : await cpuSeconds(run.pid);
  const out = await new Deno.Command("wrk", {
    args: [
      "-t2",
      `-c${run.connections}`,
      `-d${run.seconds}s`,
      "--latency",
      "-s",
      `${projectRoot}/bench/load/${run.script}`,
      run.url,
    ],
    env: { WRK_THREADS: "2", BENCH_LUA_DIR: `${projectRoot}/bench/load`, ...run.env },
    stderr: "inherit",
  }).output();
  const cpuAfter = run.pid === undefined ? undefined : await cpuSeconds(run.pid);
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) throw new Error(`wrk failed:\n${text}`);
  const num = (re: RegExp) => {
    const m = re.exec(text);
    if (!m) throw new Error(`unexpected wrk output:\n${text}`);
    const unit = m[2] ?? "ms";
    return Number(m[1]) * (unit === "us" ? 0.001 : unit === "s" ? 1000 : 1);
  };
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const requests = num(/(\d+) requests in/);
  const perRequest = (k: "all" | "main") =>
    cpuAfter && cpuBefore ? ((cpuAfter[k] - cpuBefore[k]) / requests) * 1e6 : NaN;
  return {
    requests,
    cpuUs: perRequest("all"),
    mainCpuUs: perRequest("main"),
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    p50: num(/ 50%\s+([\d.]+)(us|ms|s)/),
    p99: num(/ 99%\s+([\d.]+)(us|ms|s)/),
    errors: non2xx ? Number(non2xx[1]) : 0,
  };
}
