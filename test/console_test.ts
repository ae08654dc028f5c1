/**
 * The web console in a real headless Chromium (Debian's `chromium`, driven by puppeteer-core)
 * against a real `sluice run`: sign in, find an event by webhook id and read why a rule did not
 * fire, see a hostile event body as text, replay and discard dead letters, try an event, and the
 * console's defences (CSRF, CSP, framing, failed sign-ins). With SLUICE_CONSOLE_SCREENSHOTS=DIR it
 * also saves a screenshot of each page there (docs/console/ keeps them).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { assertEquals, assertIncludes, assertOk } from "./support/assert.ts";
import { startSink } from "./support/sink.ts";
import { postWebhook, startSluice } from "./support/sluice_process.ts";
import { withTree } from "./support/tmp.ts";
import { waitUntil } from "./support/wait.ts";

const TOKEN = "console-test-admin-token";
const SHOTS = Deno.env.get("SLUICE_CONSOLE_SCREENSHOTS");

const RULES = {
  "rules/ban.yaml": `name: ban-to-partner
on: user.banned
do:
  - http: { url: "\${SINK}/partner", json: { user: "{{ user.id }}" }, retry: { max_attempts: 1 } }
`,
  "rules/flags.yaml": `name: flags-to-slack
on: feeds.activity.reaction.added
if: reaction.type = "flag" and activity.reaction_groups.flag.count >= 3
do:
  - http: { url: "\${SINK}/flags" }
`,
};

function chromiumPath(): string {
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new Error("no Chromium: install Debian's chromium package (.ci/run does)");
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await Deno.mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const text = (page: Page, selector: string) =>
  page.$eval(selector, (e) => (e as { textContent: string | null }).textContent ?? "");

Deno.test({
  name: "console: sign in, find an event, see why, repair dead letters, try an event",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let partnerUp = false;
    const sink = startSink((req) =>
      new Response("partner down", { status: req.path === "/partner" && !partnerUp ? 500 : 200 })
    );
    await withTree(RULES, async (dir) => {
      const sluice = await startSluice(dir, { SINK: sink.url, SLUICE_ADMIN_TOKEN: TOKEN });
      let browser: Browser | undefined;
      try {
        const post = async (body: unknown, webhookId: string) =>
          assertEquals(
            (await postWebhook(sluice.url, JSON.stringify(body), { webhookId })).status,
            200,
          );
        await post({
          type: "feeds.activity.reaction.added",
          reaction: { type: "like" },
          activity: { id: "act-1" },
        }, "wh-like");
        await post({ type: "user.banned", user: { id: "mallory" } }, "wh-ban");
        const hostile = "<script>window.__pwned = 1</script><img src=x id=injected>";
        await post({ type: "user.banned", user: { id: "eve" }, reason: hostile }, "wh-hostile");
        await waitUntil(async () => {
          const res = await fetch(`${sluice.url}/admin/dead-letters`, {
            headers: { authorization: `Bearer ${TOKEN}` },
          });
          return (await res.json()).items.length === 2;
        }, "two dead letters");

        browser = await puppeteer.launch({
          executablePath: chromiumPath(),
          headless: true,
          args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        const page = await browser.newPage();
        await page.setViewport({ width: 1100, height: 800 });

        // Signed out: every page leads to sign-in; a wrong token is refused (and slowed).
        await page.goto(`${sluice.url}/ui/events`);
        assertEquals(new URL(page.url()).pathname, "/ui/signin");
        await shot(page, "signin");
        await page.type("input[name=token]", "wrong-token");
        const started = performance.now();
        await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
        assertOk(performance.now() - started >= 900, "a failed sign-in is slowed");
        assertIncludes(await text(page, "[role=alert]"), "not the admin token");
        assertOk(sluice.logs.some((l) => l.msg === "console sign-in failed"), "and logged");

        await page.type("input[name=token]", TOKEN);
        await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
        assertEquals(new URL(page.url()).pathname, "/ui/");
        assertIncludes(await text(page, "#rules"), "flags-to-slack");
        assertIncludes(await text(page, "#counts"), "2 dead letter(s)");
        const ruleSet = await text(page, "#rule-set");
        assertIncludes(ruleSet, "2 rule(s) loaded at 20");
        assertIncludes(ruleSet, "; the rule folder has no problem.");
        const [cookie] = await browser.cookies();
        assertEquals([cookie.name, cookie.httpOnly, cookie.sameSite], [
          "sluice_session",
          true,
          "Strict",
        ]);

        // Find the like by its webhook id and read why the flag rule did not fire.
        await page.goto(`${sluice.url}/ui/events`);
        await page.type("input[name=webhook_id]", "wh-like");
        await Promise.all([page.waitForNavigation(), page.click("form.filters button")]);
        assertEquals(await page.$$eval("#events tr", (rows) => rows.length), 2, "one event");
        await shot(page, "events");
        await Promise.all([page.waitForNavigation(), page.click("#events a")]);
        const decision = await text(page, "#decision");
        assertIncludes(decision, "flags-to-slack: if was false");
        assertIncludes(decision, 'reaction.type = "flag" → false');
        assertIncludes(decision, "nothing (not in the event)");
        await shot(page, "event");

        // The live view picks up a new event by itself.
        await page.goto(`${sluice.url}/ui/events?live=1`);
        await post({ type: "user.unbanned", user: { id: "mallory" } }, "wh-live");
        await page.waitForFunction(
          () =>
            (globalThis as unknown as { document: { body: { textContent: string } } }).document.body
              .textContent.includes("wh-live"),
          { timeout: 20_000 },
        );

        // A hostile body is shown as text, never run or rendered.
        await page.goto(`${sluice.url}/ui/events?webhook_id=wh-hostile`);
        await Promise.all([page.waitForNavigation(), page.click("#events a")]);
        assertIncludes(await text(page, "#body"), hostile);
        assertEquals(
          await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned),
          undefined,
        );
        assertEquals(await page.$("#injected"), null);

        // Dead letters: replay one picked (the partner is back), discard the rest with a reason.
        partnerUp = true;
        await page.goto(`${sluice.url}/ui/dead-letters`);
        await shot(page, "dead-letters");
        await page.click("input[name=ids]");
        await Promise.all([page.waitForNavigation(), page.click("button[value=replay]")]);
        assertIncludes(await text(page, ".notice"), "Replayed 1");
        await waitUntil(
          () => sink.requests.some((r) => r.path === "/partner" && partnerUp),
          "sent",
        );
        await page.type("input[name=reason]", "test data");
        await Promise.all([page.waitForNavigation(), page.click("button[value=discard-all]")]);
        assertIncludes(await text(page, ".notice"), "Discarded 1");
        assertIncludes(await text(page, "main"), "No dead letters.");

        // Try an event against the running rules.
        await page.goto(`${sluice.url}/ui/try`);
        await page.$eval("textarea", (e) => {
          (e as unknown as { value: string }).value =
            '{"type":"feeds.activity.reaction.added","reaction":{"type":"flag"},"activity":{"reaction_groups":{"flag":{"count":3}}}}';
        });
        await Promise.all([page.waitForNavigation(), page.click("main form button")]);
        const result = JSON.parse(await text(page, "#result"));
        assertEquals(result.matches.map((m: { rule: string }) => m.rule), ["flags-to-slack"]);
        await shot(page, "try");

        // Overview counts and chart; a rule's page; a silence added and expired.
        await page.goto(`${sluice.url}/ui/`);
        assertIncludes(await text(page, "#counts"), "0 dead letter(s)");
        assertOk((await page.$$("svg rect")).length > 0, "the chart has bars");
        await shot(page, "overview");
        await page.goto(`${sluice.url}/ui/rules`);
        await Promise.all([page.waitForNavigation(), page.click("#rules a")]);
        assertIncludes(await text(page, "#yaml"), "name: ban-to-partner");
        assertIncludes(await text(page, "#events"), "user.banned");
        await shot(page, "rule");
        await page.goto(`${sluice.url}/ui/silences`);
        await page.select("select[name=rule]", "flags-to-slack");
        await page.type("input[name=if]", 'activity.id = "act-9"');
        await page.type("input[name=reason]", "flag wave on act-9");
        await Promise.all([page.waitForNavigation(), page.click("#add-silence button")]);
        assertIncludes(await text(page, ".notice"), "Silenced flags-to-slack until");
        assertIncludes(await text(page, "#silences"), "flag wave on act-9");
        await shot(page, "silences");
        await Promise.all([page.waitForNavigation(), page.click("#silences button")]);
        assertIncludes(await text(page, ".notice"), "Expired.");
        assertIncludes(await text(page, "main"), "No silence is in force.");

        // On a phone: nothing wider than the screen (tables scroll inside themselves).
        await page.setViewport({ width: 390, height: 844 });
        for (const path of ["/ui/", "/ui/events", "/ui/dead-letters", "/ui/silences"]) {
          await page.goto(`${sluice.url}${path}`);
          const width = await page.evaluate(() =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
              .document.documentElement.scrollWidth
          );
          assertOk(width <= 391, `${path} is ${width}px wide on a 390px screen`);
        }
        await page.setViewport({ width: 1100, height: 800 });

        // Defences: a form without its CSRF token is refused; strict CSP; no framing.
        const session = `sluice_session=${cookie.value}`;
        const forged = await fetch(`${sluice.url}/ui/dead-letters/act`, {
          method: "POST",
          headers: { cookie: session, "content-type": "application/x-www-form-urlencoded" },
          body: "do=discard-all&reason=x",
          redirect: "manual",
        });
        assertEquals(forged.status, 403);
        await forged.body?.cancel();
        const res = await fetch(`${sluice.url}/ui/`, { headers: { cookie: session } });
        await res.body?.cancel();
        assertIncludes(res.headers.get("content-security-policy")!, "default-src 'none'");
        assertEquals(res.headers.get("x-frame-options"), "DENY");
      } finally {
        await browser?.close();
        assertEquals(await sluice.stop(), 0);
        await sink.close();
      }
    });
  },
});
