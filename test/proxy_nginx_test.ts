/**
 * The shipped nginx configuration (docs/nginx/) in front of a real `sluice run`: signed webhooks
 * pass through intact (gzip included), only the public endpoints are reachable, and nginx adds
 * what sluice leaves to a proxy (request size at the edge, stalled bodies, slow headers). Runs
 * when nginx is installed (`.ci/run` installs it); the config is used as shipped, with only its
 * ports, certificate and include path swapped for the test's.
 */
import { assertEquals, assertOk } from "./support/assert.ts";
import { projectRoot } from "./support/cli.ts";
import { startSink } from "./support/sink.ts";
import { startSluice } from "./support/sluice_process.ts";
import { signStreamBody } from "../src/ingress/stream_signature.ts";
import { withTree } from "./support/tmp.ts";
import { RawClient } from "./attack/support.ts";

const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((p) => {
  try {
    return Deno.statSync(p).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
});
const tls = `${projectRoot}/test/fixtures/tls`;
const ca = Deno.readTextFileSync(`${tls}/ca.pem`);

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

/** The shipped config with the test's ports, certificate and include path. */
async function nginxConfig(dir: string, listen: number, upstream: number): Promise<string> {
  const site = (await Deno.readTextFile(`${projectRoot}/docs/nginx/sluice.conf`))
    .replace("server 127.0.0.1:8080;", `server 127.0.0.1:${upstream};`)
    .replace("listen 443 ssl http2;", `listen 127.0.0.1:${listen} ssl http2;`)
    .replace("/etc/ssl/sluice/fullchain.pem", `${tls}/cert.pem`)
    .replace("/etc/ssl/sluice/privkey.pem", `${tls}/key.pem`)
    .replaceAll("/etc/nginx/sluice_proxy.conf", `${projectRoot}/docs/nginx/sluice_proxy.conf`);
  assertOk(site.includes(`127.0.0.1:${upstream}`) && site.includes(`${tls}/key.pem`));
  await Deno.writeTextFile(`${dir}/sluice.conf`, site);
  const root = Deno.uid() === 0 ? "user root;\n" : "";
  await Deno.writeTextFile(
    `${dir}/nginx.conf`,
    `${root}daemon off;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log warn;\n` +
      `events { worker_connections 1024; }\nhttp {\n  access_log off;\n` +
      ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .map((t) => `  ${t}_temp_path ${dir}/${t};\n`).join("") +
      `  include ${dir}/sluice.conf;\n}\n`,
  );
  return `${dir}/nginx.conf`;
}

Deno.test({
  name: "nginx as shipped in docs/nginx: webhooks pass, the rest is closed, slow clients cut",
  ignore: NGINX === undefined,
  sanitizeResources: false,
  async fn() {
    const sink = startSink();
    await withTree(
      { "rules/r.yaml": 'on: "*"\ndo:\n  - http: { url: "${SINK}/{{ type }}" }\n' },
      async (dir) => {
        const sluice = await startSluice(dir, { SINK: sink.url });
        const port = freePort();
        const config = await nginxConfig(dir, port, Number(new URL(sluice.url).port));
        const nginx = new Deno.Command(NGINX!, {
          args: ["-p", dir, "-e", `${dir}/error.log`, "-c", config],
          stdout: "null",
          stderr: "piped",
        }).spawn();
        const client = Deno.createHttpClient({ caCerts: [ca] });
        const base = `https://127.0.0.1:${port}`;
        const raw: RawClient[] = [];
        try {
          await waitForPort(port, nginx);
          // Two bodies: one plain, one gzipped (the same body twice would be a replay).
          const body = new TextEncoder().encode('{"type":"user.banned","user":{"id":"u"}}');
          const other = new TextEncoder().encode('{"type":"user.banned","user":{"id":"v"}}');
          const signed = {
            "x-api-key": "test-key",
            "x-signature": await signStreamBody(body, "test-secret"),
          };
          const gz = new Uint8Array(
            await new Response(
              new Blob([other]).stream().pipeThrough(new CompressionStream("gzip")),
            )
              .arrayBuffer(),
          );
          for (const [signedBody, payload] of [[body, body], [other, gz]]) {
            const res = await fetch(`${base}/webhooks/stream`, {
              method: "POST",
              headers: {
                "x-api-key": "test-key",
                "x-signature": await signStreamBody(signedBody, "test-secret"),
              },
              body: payload,
              client,
            });
            assertEquals(res.status, 200, await res.text());
          }
          await sink.waitFor(2);
          for (const path of ["/admin/events", "/metrics", "/"]) {
            const res = await fetch(`${base}${path}`, { client });
            await res.body?.cancel();
            assertEquals(res.status, 404, path);
          }
          const huge = await fetch(`${base}/webhooks/stream`, {
            method: "POST",
            headers: signed,
            body: new Uint8Array(2 << 20),
            client,
          });
          await huge.body?.cancel();
          assertEquals(huge.status, 413, "over client_max_body_size at the edge");

          // A body that stalls half way, dripped headers, a silent connection: cut by nginx.
          const stalled = await RawClient.connectTls(port, [ca]);
          const dripped = await RawClient.connectTls(port, [ca]);
          const silent = await RawClient.connectTls(port, [ca]);
          raw.push(stalled, dripped, silent);
          await stalled.send(
            "POST /webhooks/stream HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{",
          );
          const dripping = dripped.drip(
            `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ${"a".repeat(100)}\r\n\r\n`,
            500,
          );
          await Promise.all(raw.map((c) => c.waitClosed(40_000)));
          await dripping;
          // nginx drops (resets) a timed-out client without an answer; sluice never saw the body.
          assertEquals(stalled.status, undefined, stalled.received.slice(0, 100));
          assertEquals(sink.requests.length, 2);
          for (const c of raw) {
            // 10 s timeouts; normal is 10–11 s.
            assertOk(
              c.closedAfterMs !== undefined && c.closedAfterMs < 30_000,
              `${c.closedAfterMs}`,
            );
          }
        } finally {
          for (const c of raw) c.close();
          client.close();
          nginx.kill("SIGTERM");
          await nginx.status;
          assertEquals(await sluice.stop(), 0);
          await sink.close();
        }
      },
    );
  },
});

async function waitForPort(port: number, nginx: Deno.ChildProcess) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch (e) {
      if (!(e instanceof Deno.errors.ConnectionRefused)) throw e;
      if (Date.now() > deadline) {
        nginx.kill("SIGKILL");
        const { stderr } = await nginx.output();
        throw new Error(`nginx did not start: ${new TextDecoder().decode(stderr)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
