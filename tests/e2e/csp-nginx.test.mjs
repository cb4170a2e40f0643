// The Content-Security-Policy that follows consent, end to end: Debian's
// nginx, run unprivileged from a temporary prefix with what `biscoito csp`
// wrote for www/csp-consentimento/'s config, serves that page, whose HTML
// carries tracker tags nobody marked (a script, a pixel, an iframe, and a
// fetch and a beacon from an inline script). The tracker hosts resolve to a
// server of this test that counts every request that reaches it: the
// network's own count, preload scanner included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { launchChromium } from "./helpers.mjs";
import { cspSite } from "./nginx.mjs";

let site, trackers, browser, base;
const seen = [];

before(async () => {
  site = cspSite();
  trackers = createServer((req, res) => {
    seen.push(`${req.headers.host.split(":")[0]}${req.url}`);
    const type = req.url.endsWith(".js") ? "text/javascript" : req.url.endsWith(".html") ? "text/html" : "image/gif";
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(type === "text/javascript" ? "window.contou = (window.contou || 0) + 1;" : "");
  }).listen(0, "127.0.0.1");
  await new Promise((r) => trackers.once("listening", r));
  ({ url: base } = await site.nginx("enforced", site.writeConf("conf")));
  browser = await launchChromium({ extraArgs: [`--host-resolver-rules=MAP *.terceiro.test 127.0.0.1:${trackers.address().port}`] });
});

after(async () => {
  await browser?.close();
  trackers?.close();
  site?.close();
});

/** Loads the page and lets late requests arrive; what reached the trackers meanwhile. */
async function view(page) {
  const from = seen.length;
  await page.goto(base + "/csp-consentimento/");
  await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
  await page.waitForTimeout(700);
  return seen.slice(from);
}

test("unmarked tags reach no tracker before a choice; accepting analytics reloads once and lets only its host through; a revocation is strict again", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  assert.deepEqual(await view(page), [], "nothing before any choice, the tags written in the HTML included");
  assert.equal(await page.evaluate(() => window.contou), undefined);

  // A choice that widens the policy reloads the page once, under the new header.
  let loads = 0;
  page.on("load", () => loads++);
  const from = seen.length;
  await page.evaluate(() => Biscoito.acceptOnly(["analytics"]));
  await page.waitForFunction(() => window.contou === 1);
  await page.waitForTimeout(700);
  assert.equal(loads, 1, "one reload");
  assert.deepEqual([...new Set(seen.slice(from))], ["estatistica.terceiro.test/contador.js"]);
  const cookie = (await context.cookies()).find((c) => c.name === "biscoito-csp");
  assert.equal(cookie.value, "4.analytics");
  assert.ok(!/[0-9a-f]{32}/.test(cookie.value), "no identifier");

  assert.deepEqual(await view(page), ["estatistica.terceiro.test/contador.js"], "a returning visitor's page");

  await page.evaluate(() => Biscoito.rejectAll());
  await page.waitForTimeout(300);
  assert.deepEqual(await view(page), [], "after the revocation, strict again");
  await context.close();
});

test("a forged cookie, one of another revision, or none at all gets the strict policy", async () => {
  for (const value of ["3.analytics.marketing.youtube", "4.evil", "4.analytics.marketing.youtube.x"]) {
    const context = await browser.newContext();
    await context.addCookies([{ name: "biscoito-csp", value, url: base }]);
    const page = await context.newPage();
    const reached = await view(page);
    if (value.startsWith("4.analytics.marketing.youtube")) {
      // A visitor may of course write their own cookie: it widens only their own pages.
      assert.ok(reached.includes("anuncios.terceiro.test/p.gif"), `${value}: ${reached}`);
    } else {
      assert.deepEqual(reached, [], value);
    }
    await context.close();
  }
});

test("in report-only mode, what the policy would block reaches the receipts service, and `leaks` lists it", async () => {
  const reporting = await site.reportOnly("report-only");
  const context = await browser.newContext();
  const page = await context.newPage();
  const from = seen.length;
  await page.goto(reporting.url + "/csp-consentimento/");
  await page.waitForFunction(() => window.Biscoito);
  await page.waitForTimeout(700);
  assert.ok(seen.slice(from).includes("anuncios.terceiro.test/p.gif"), "report-only blocks nothing");
  let listed = "";
  for (let i = 0; i < 50 && !/anuncios\.terceiro\.test/.test(listed); i++) {
    await new Promise((r) => setTimeout(r, 200));
    listed = reporting.leaks();
  }
  for (const host of ["estatistica.terceiro.test", "anuncios.terceiro.test", "videos.terceiro.test"]) {
    assert.match(listed, new RegExp(host.replaceAll(".", "\\.") + ".*/csp-consentimento/"), listed);
  }
  await context.close();
});
