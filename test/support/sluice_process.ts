/**
 * `sluice run` as a real subprocess on 127.0.0.1 with a port of its own choosing: started with
 * rules and environment made for the test, its JSON log lines captured, stopped by signal.
 */
import { signStreamBody } from "../../src/ingress/stream_signature.ts";
import { projectRoot } from "./cli.ts";

/** A running sluice process. */
export interface SluiceProcess {
  url: string;
  /** Every JSON log line so far. */
  logs: Record<string, unknown>[];
  /** What it printed on standard error (a crash's stack, a refusal's message). */
  stderr: string[];
  child: Deno.ChildProcess;
  /** Sends SIGTERM and waits for the exit status. */
  stop(): Promise<number>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/** Starts `sluice run` in `dir` (which holds `rules/`), with `env` added to a clean environment. */
export async function startSluice(
  dir: string,
  env: Record<string, string> = {},
): Promise<SluiceProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      `--config=${projectRoot}/deno.json`,
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-net",
      "--allow-sys",
      `${projectRoot}/src/main.ts`,
      "run",
    ],
    cwd: dir,
    env: {
      NO_COLOR: "1",
      SLUICE_LISTEN: "127.0.0.1:0",
      SLUICE_STORE: "sqlite:./data/sluice.db",
      STREAM_API_KEY: "test-key",
      STREAM_API_SECRET: "test-secret",
      ...env,
    },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: Record<string, unknown>[] = [];
  const listening = Promise.withResolvers<string>();
  const stderr: string[] = [];
  const reading = (async () => {
    let buffer = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const record = JSON.parse(line);
          logs.push(record);
          if (record.msg === "sluice listening") listening.resolve(record.url);
        } catch {
          logs.push({ raw: line });
        }
      }
    }
  })();
  const stderrRead = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr.push(chunk);
  })();
  let exited = false;
  child.status.then(async (s) => {
    exited = true;
    // The message the process printed before exiting may still be in the pipe: read it all.
    await stderrRead;
    listening.reject(new Error(`sluice exited ${s.code}: ${stderr.join("")}`));
  });
  const timeout = setTimeout(
    () => listening.reject(new Error("sluice did not start in 20 s")),
    20_000,
  );
  const url = await listening.promise.finally(() => clearTimeout(timeout));
  return {
    url,
    logs,
    stderr,
    child,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      const { code } = await child.status;
      await reading;
      return code;
    },
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await child.status;
      await reading;
    },
  };
}

/** Signs and posts one event body as Stream would; returns the response. */
export async function postWebhook(
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  options: {
    key?: string;
    secret?: string;
    webhookId?: string;
    headers?: Record<string, string>;
    raw?: Uint8Array<ArrayBuffer>;
  } = {},
): Promise<Response> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-api-key": options.key ?? "test-key",
    "x-signature": await signStreamBody(bytes, options.secret ?? "test-secret"),
    ...(options.webhookId ? { "x-webhook-id": options.webhookId } : {}),
    ...options.headers,
  };
  return await fetch(`${url}/webhooks/stream`, {
    method: "POST",
    headers,
    body: options.raw ?? bytes,
  });
}
