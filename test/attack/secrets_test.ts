/**
 * Attack: getting credentials out of sluice. Before: rendered parameters (bearer tokens, webhook
 * URLs, `?key=` values) were stored in plaintext and shown by the admin API, `dlq list --json`
 * and `match`; a destination that echoed part of a token (`invalid token abc…`) got it into
 * attempts, logs and the admin API. Now the store keeps `${VAR}` references, resolved only when a
 * delivery is sent (a rotated token applies to a replay), an event cannot write a reference, and
 * every 8-character run of a secret is masked wherever it is echoed.
 */
import { assertEquals, assertIncludes, assertOk } from "../support/assert.ts";
import { runSluice } from "../support/cli.ts";
import { problemsOf } from "../support/rules.ts";
import { startSink } from "../support/sink.ts";
import { postWebhook, startSluice } from "../support/sluice_process.ts";
import { withTree } from "../support/tmp.ts";
import { waitUntil } from "../support/wait.ts";

const TOKEN = "tok-AAAA1111BBBB2222CCCC3333";
const ROTATED = "tok-ZZZZ9999YYYY8888XXXX7777";
const KEY = "key-5f3c9a7e1d2b4c6a8e0f";
const HOOK_PATH = "/services/T0001/B0002/hookSecretValue42";

const RULES = {
  "rules/partner.yaml": `
on: user.banned
do:
  - http:
      url: "\${SINK}/ban/{{ user.id }}?key=\${PARTNER_API_KEY}"
      headers: { authorization: "Bearer \${PARTNER_TOKEN}" }
      json: { note: "{{ reason }}", literal: "costs $5, $\${NOT_A_VAR}" }
      retry: { max_attempts: 1 }
  - slack:
      webhook_url: "\${SLACK_WEBHOOK}"
      text: "banned {{ user.id }}"
`,
};

/** Every byte under `dir/data`, as text (the database, its WAL and anything else sluice wrote). */
async function dataFolderText(dir: string): Promise<string> {
  let all = "";
  for await (const entry of Deno.readDir(`${dir}/data`)) {
    if (entry.isFile) {
      all += new TextDecoder().decode(await Deno.readFile(`${dir}/data/${entry.name}`));
    }
  }
  return all;
}

Deno.test({
  name: "attack: secrets stay references at rest, are resolved at send, and echoes are masked",
  sanitizeResources: false,
  async fn() {
    let token = TOKEN;
    const sink = startSink((req) => {
      if (req.path.startsWith("/ban/") && !req.headers.get("authorization")?.endsWith(token)) {
        // A destination that quotes part of the credential it refused.
        const got = req.headers.get("authorization")!.slice(7, 19);
        return new Response(`invalid token ${got}… for key ${KEY.slice(0, 10)}`, { status: 401 });
      }
      return new Response("ok");
    });
    await withTree(RULES, async (dir) => {
      const env = (partnerToken: string) => ({
        SINK: sink.url,
        PARTNER_TOKEN: partnerToken,
        PARTNER_API_KEY: KEY,
        SLACK_WEBHOOK: `${sink.url}${HOOK_PATH}`,
        SLUICE_ADMIN_TOKEN: "admin-token-for-test",
      });
      const cli = (args: string[], partnerToken: string) =>
        runSluice(args, {
          cwd: dir,
          env: { ...env(partnerToken), SLUICE_STORE: "sqlite:./data/sluice.db" },
        });
      token = ROTATED; // the partner rotated the token; sluice still has the old one
      let sluice = await startSluice(dir, env(TOKEN));
      try {
        const event = {
          type: "user.banned",
          user: { id: "u1" },
          reason: "${PARTNER_TOKEN} $${SLACK_WEBHOOK} $5",
        };
        assertEquals((await postWebhook(sluice.url, JSON.stringify(event))).status, 200);
        const [ban, slack] = await sink.waitFor(2).then((
          r,
        ) => [r.find((x) => x.path.startsWith("/ban/"))!, r.find((x) => x.path === HOOK_PATH)!]);
        assertOk(ban && slack, "both destinations were reached");
        assertEquals(ban.path, `/ban/u1?key=${KEY}`);
        assertEquals(ban.headers.get("authorization"), `Bearer ${TOKEN}`);
        assertEquals(JSON.parse(ban.body), {
          note: "${PARTNER_TOKEN} $${SLACK_WEBHOOK} $5",
          literal: "costs $5, ${NOT_A_VAR}",
        }, "an event cannot write a reference; the author's $ and $${ are kept");

        const admin = (path: string) =>
          fetch(`${sluice.url}/admin${path}`, {
            headers: { authorization: "Bearer admin-token-for-test" },
          }).then((r) => r.text());
        await waitUntil(async () => (await admin("/dead-letters")).includes("401"), "dead letter");
        const shown = [
          await admin("/dead-letters"),
          await admin("/deliveries"),
          (await cli(["dlq", "list", "--json"], TOKEN)).stdout,
          JSON.stringify(sluice.logs),
          await dataFolderText(dir),
        ];
        for (const [i, text] of shown.entries()) {
          for (const secret of [TOKEN.slice(4, 16), KEY.slice(0, 10), HOOK_PATH.slice(-12)]) {
            assertOk(!text.includes(secret), `output ${i} holds ${secret}`);
          }
        }
        assertIncludes(shown[0], "invalid token [redacted]");
        assertIncludes(shown[0], "?key=${PARTNER_API_KEY}", "the admin API shows the reference");
      } finally {
        assertEquals(await sluice.stop(), 0);
      }

      // The token is fixed in the environment: a replay sends the new one.
      sluice = await startSluice(dir, env(ROTATED));
      try {
        const replay = await cli(["dlq", "replay", "--all"], ROTATED);
        assertEquals(replay.code, 0, replay.stdout + replay.stderr);
        const [, , again] = await sink.waitFor(3);
        assertEquals(again.headers.get("authorization"), `Bearer ${ROTATED}`);
      } finally {
        assertEquals(await sluice.stop(), 0);
      }
      assertOk(!(await dataFolderText(dir)).includes(ROTATED.slice(4, 16)));
    });
    await sink.close();
  },
});

Deno.test("attack: match shows references, not the values, of secret-looking variables", async () => {
  await withTree({ ...RULES, "event.json": '{"type":"user.banned","user":{"id":"u1"}}' }, async (
    dir,
  ) => {
    const out = await runSluice(["match", "--rules", "rules", "--event", "event.json"], {
      cwd: dir,
      env: {
        SINK: "http://127.0.0.1:9",
        PARTNER_TOKEN: TOKEN,
        PARTNER_API_KEY: KEY,
        SLACK_WEBHOOK: `https://hooks.slack.com${HOOK_PATH}`,
      },
    });
    assertEquals(out.code, 0, out.stderr);
    assertIncludes(out.stdout, "http://127.0.0.1:9/ban/u1?key=${PARTNER_API_KEY}");
    for (const secret of [TOKEN, KEY, HOOK_PATH]) assertOk(!out.stdout.includes(secret), secret);
  });
});

Deno.test("attack: a secret-looking variable may not be used inside JSONata", async () => {
  const env = { PARTNER_TOKEN: TOKEN, SINK: "http://127.0.0.1:9" };
  for (
    const [yaml, where] of [
      [`if: user.id = "\${PARTNER_TOKEN}"\ndo:\n  - http: { url: "\${SINK}/x" }`, "if:"],
      [
        `do:\n  - http:\n      url: "\${SINK}/x"\n      json: { t: "{{ $substring('\${PARTNER_TOKEN}', 0, 4) }}" }`,
        "do[0].http.json.t:",
      ],
      [
        `do:\n  - slack: { token: x, channel: C1, thread: "'\${PARTNER_TOKEN}'", text: hi }`,
        "do[0].slack.thread:",
      ],
    ]
  ) {
    const problems = (await problemsOf(`on: user.banned\n${yaml}\n`, env)).join("\n");
    assertIncludes(problems, `${where} \${PARTNER_TOKEN} looks like a secret`);
    assertOk(!problems.includes(TOKEN), "the message never holds the value");
  }
  const fine = await problemsOf(
    `on: user.banned\ndo:\n  - http: { url: "\${SINK}/x", headers: { authorization: "Bearer \${PARTNER_TOKEN}" } }\n`,
    env,
  );
  assertEquals(fine, []);
});

Deno.test("attack: a check that quotes a value never quotes a secret-looking variable's", async () => {
  const problems = await problemsOf(
    'on: user.banned\ndo:\n  - http: { url: "${PARTNER_TOKEN}" }\n',
    { PARTNER_TOKEN: TOKEN },
  );
  assertIncludes(problems.join("\n"), "not an absolute http(s) URL");
  assertOk(!problems.join("\n").includes(TOKEN.slice(4, 16)), problems.join("\n"));
});
