// One institution, several subdomains (www. and servicos.vilaserena.test,
// resolved to this machine): the cookie mirror on the parent domain carries
// the choice across them, a revocation on one applies on the other, and
// nothing optional runs where the visitor has not (or no longer) consented.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

let server, port, browser;
before(async () => {
  ({ server, port } = await serve(0));
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--no-first-run", "--disable-quic", "--disable-sync", "--host-resolver-rules=MAP *.vilaserena.test 127.0.0.1"],
  });
});
after(async () => { await browser.close(); await new Promise((r) => server.close(r)); });

test("the cookie mirror carries consent and its revocation across subdomains", async () => {
  const context = await browser.newContext();
  const google = [];
  await context.route(/google/, (route) => { google.push(route.request().url()); return route.fulfill({ contentType: "text/javascript", body: "" }); });
  const page = await context.newPage();
  const visit = async (host) => {
    await page.goto(`http://${host}.vilaserena.test:${port}/test/subdominio.html`);
    await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
    await page.waitForTimeout(200);
  };
  const banner = () => page.evaluate(() => !!document.getElementById("biscoito").shadowRoot.querySelector(".banner"));

  await visit("www");
  assert.ok(await banner());
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  const mirror = (await context.cookies()).find((c) => c.name === "vs-consent");
  assert.equal(mirror.domain, ".vilaserena.test", "shared with every subdomain");
  assert.equal(mirror.sameSite, "Lax");

  await visit("servicos");
  assert.equal(await banner(), false, "not asked again on the sibling");
  assert.equal(await page.evaluate(() => window.measured), 1);
  // Analytics ran here, so the revocation reloads the page: wait for that
  // reload's load event, or the next visit's navigation races it and one of
  // them is aborted.
  const reloaded = page.waitForEvent("load");
  await page.evaluate(() => Biscoito.rejectAll());
  await reloaded;

  await visit("www");
  assert.equal(await page.evaluate(() => Biscoito.consent().decisions.analytics), false, "the sibling's revocation wins over www's older copy");
  assert.equal(await page.evaluate(() => window.measured), undefined);
  const before = google.length;
  await page.waitForTimeout(200);
  assert.equal(google.length, before, "nothing sent after the revocation");
  assert.deepEqual([...new Set(google)], ["https://www.googletagmanager.com/gtag/js?id=G-SUBDOM0001"]);
  await context.close();
});
