/**
 * `deno task demo`: the whole path on one machine with nothing configured. Starts sluice with the
 * embedded SQLite store and the shipped rules, local stand-ins for Slack, a review API and an SMTP
 * server, sends signed sample events to the webhook endpoint exactly as Stream does, and prints
 * what each rule did and what each stand-in received. Ends by itself; `--serve` keeps it running
 * until Ctrl-C so you can `sluice send` more events to the printed URL.
 */
import { parseArgs } from "node:util";
import { App } from "../src/app.ts";
import { traceLines } from "../src/cli/inbox.ts";
import { freshen } from "../src/cli/send.ts";
import { loadSettings } from "../src/config/load.ts";
import { signStreamBody } from "../src/ingress/stream_signature.ts";
import { Logger } from "../src/observe/log.ts";
import { startSink } from "../test/support/sink.ts";
import { startSmtp } from "../test/support/smtp.ts";

const { values } = parseArgs({ args: Deno.args, options: { serve: { type: "boolean" } } });
const root = new URL("../", import.meta.url).pathname;
const EVENTS = [
  ["user.banned.json", "a user is banned"],
  ["review_queue_item.new.json", "a scam post enters the review queue"],
  ["moderation_rule.triggered.json", "a content moderation rule fires"],
  ["feeds.activity.reaction.added.json", "a like (no rule cares)"],
];

// Slack: incoming webhooks answer "ok"; the Web API (chat.postMessage) answers with each message's ts.
let posted = 0;
const slack = startSink((req) =>
  req.path.startsWith("/api/")
    ? Response.json({ ok: true, ts: `1767000000.${String(++posted).padStart(6, "0")}` })
    : new Response("ok")
);
const api = startSink(() => Response.json({ case: "opened" }, { status: 201 }));
const smtp = await startSmtp();
const dir = await Deno.makeTempDir({ prefix: "sluice-demo-" });
const env: Record<string, string> = {
  SLUICE_LISTEN: "127.0.0.1:0",
  SLUICE_STORE: `sqlite:${dir}/sluice.db`,
  STREAM_API_KEY: "demo-key",
  STREAM_API_SECRET: "demo-secret",
  SLACK_MODERATION_WEBHOOK: `${slack.url}/services/DEMO/WEBHOOK`,
  REVIEW_API_URL: api.url,
  SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
  // The web console and admin API, for this run only.
  SLUICE_ADMIN_TOKEN: `demo-${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
  // Flag digests after 1 s, then at most every 2 s (the shipped rule: 30 s and 5 min).
  FLAG_DIGEST_WAIT: "1s",
  FLAG_DIGEST_INTERVAL: "2s",
};
const lookup = (name: string) => env[name] ?? Deno.env.get(name);
const records: Record<string, unknown>[] = [];
const log = new Logger("debug", (line) => {
  const record = JSON.parse(line);
  records.push(record);
  if (values.serve) report(record);
});
await Deno.writeTextFile(`${dir}/sluice.yaml`, `slack: { api_url: "${slack.url}/api" }\n`);
const settings = await loadSettings({
  file: `${dir}/sluice.yaml`,
  rulesDir: `${root}rules`,
  env: lookup,
});
const app = await App.start(settings, { log, env: lookup });

console.log(`sluice demo: rules from rules/, embedded store ${dir}/sluice.db`);
console.log(
  `  webhook endpoint  ${app.url}/webhooks/stream  (api key demo-key, secret demo-secret)`,
);
console.log(
  `  web console       ${app.url}/ui/  (sign in with the admin token ${env.SLUICE_ADMIN_TOKEN})`,
);
console.log(
  `  stand-ins         Slack ${slack.url}, review API ${api.url}, SMTP 127.0.0.1:${smtp.port}\n`,
);

/** Signs and posts one event as Stream does, with a fresh created_at (old ones are refused). */
async function post(file: string, what: string, bytes?: Uint8Array) {
  const body = freshen(
    file,
    bytes ?? await Deno.readFile(`${root}examples/events/${file}`),
    new Date(),
  );
  const res = await fetch(`${app.url}/webhooks/stream`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "demo-key",
      "x-signature": await signStreamBody(body, "demo-secret"),
      "x-webhook-id": crypto.randomUUID(),
    },
    body,
  });
  const text = await res.text();
  console.log(`→ ${what}: POST ${file} → ${res.status} ${text}`);
  return JSON.parse(text).id as string;
}

const ids = new Map<string, string>();
for (const [file, what] of EVENTS) ids.set(file, await post(file, what));

/** The sample like, turned into the n-th flag on the activity. */
async function flag(n: number): Promise<Uint8Array> {
  const file = "feeds.activity.reaction.added.json";
  const event = JSON.parse(await Deno.readTextFile(`${root}examples/events/${file}`));
  event.reaction.type = "flag";
  event.reaction.user.id = `flagger-${n}`;
  event.activity.reaction_groups.flag = { count: n };
  return new TextEncoder().encode(JSON.stringify(event));
}

/** Waits until the Slack stand-in has `count` Web API messages (or 15 s pass). */
async function webApiMessages(count: number) {
  const deadline = Date.now() + 15_000;
  while (
    slack.requests.filter((r) => r.path.startsWith("/api/")).length < count &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

if (!values.serve) {
  // A flag wave on one activity: flags 3–5 become one digest in the channel; 6–7 a reply to it.
  for (const n of [3, 4, 5]) await post("flag", `flag #${n} on Alice's post`, await flag(n));
  await webApiMessages(1);
  for (const n of [6, 7]) await post("flag", `flag #${n} on Alice's post`, await flag(n));
  await webApiMessages(2);
}

function report(r: Record<string, unknown>) {
  if (r.msg === "event dispatched") {
    const matched = (r.matched as string[]).length ? (r.matched as string[]).join(", ") : "no rule";
    console.log(`  ${r.type} → ${matched}`);
  } else if (typeof r.msg === "string" && r.msg.startsWith("delivery ")) {
    console.log(
      `    ${r.rule} do:${r.action} → ${r.msg.slice(9)}${r.error ? ` (${r.error})` : ""}`,
    );
  }
}

if (values.serve) {
  console.log(
    "\nserving; send more with: deno task sluice send --url " + app.url +
      " --api-key demo-key --secret demo-secret --fresh examples/events/user.banned.json" +
      "   (Ctrl-C stops)",
  );
  await new Promise<void>((resolve) => Deno.addSignalListener("SIGINT", resolve));
} else {
  const deadline = Date.now() + 15_000;
  const expected = 6; // 2 Slack webhook messages, 2 flag digests, 1 API call, 1 email
  while (
    slack.requests.length + api.requests.length + smtp.messages.length < expected &&
    Date.now() < deadline
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200));
  console.log("\nWhat the rules did:");
  for (const r of records) if (r.msg === "event dispatched") report(r);
  console.log("\nHow the deliveries went (one Slack message per second per webhook, by default):");
  for (const r of records) if (String(r.msg).startsWith("delivery ")) report(r);
}

console.log("\nWhat the stand-ins received:");
for (const r of slack.requests) {
  const m = JSON.parse(r.body);
  const where = m.channel
    ? m.thread_ts ? ` (${m.channel}, reply in thread ${m.thread_ts})` : ` (${m.channel})`
    : "";
  console.log(
    `  Slack  ← ${m.text}${m.blocks ? `  [+ ${m.blocks.length} Block Kit blocks]` : ""}${where}`,
  );
}
for (const r of api.requests) {
  console.log(
    `  API    ← ${r.method} ${r.path} ${r.body}  (Idempotency-Key ${
      r.headers.get("idempotency-key")
    })`,
  );
}
for (const m of smtp.messages) {
  const subject = /^Subject: (.*)$/m.exec(m.raw)?.[1]?.trim();
  console.log(`  Email  ← to ${m.to.join(", ")}: "${subject}"`);
}
// Why the like fired nothing: its decision record, as `sluice inbox show ID` prints it.
const like = await app.store.getEvent(ids.get("feeds.activity.reaction.added.json")!);
for (const r of like?.decision?.rules ?? []) {
  if (r.fired) continue;
  console.log(
    `\nWhy ${r.rule} did not fire for the like (its decision record, as inbox show prints it):`,
  );
  console.log(`  ${r.reason}`);
  if (r.trace) { for (const line of traceLines(r.trace, "    ")) console.log(line); }
}

const total = slack.requests.length + api.requests.length + smtp.messages.length;
console.log(
  `\n${total} deliveries reached the stand-ins. Try: deno task sluice match --event examples/events/user.banned.json`,
);

await app.stop(2000);
await slack.close();
await api.close();
await smtp.close();
await Deno.remove(dir, { recursive: true });
Deno.exit(total >= 6 ? 0 : 1);
