// One institution, several subdomains (www., servicos. and fornecedor.
// vilaserena.test, resolved to this machine), sharing the consent through a
// cookie mirror on the parent domain. Any host there can write that cookie,
// so by default it only narrows: a refusal or revocation on one host applies
// on the others, an acceptance is asked for again, and a sibling that
// rewrites the mirror (www/test/fornecedor.js, acting as an attacker would)
// can neither opt a visitor in nor wipe the consent a host holds.
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

const GTAG = "https://www.googletagmanager.com/gtag/js?id=G-SUBDOM0001";

/** A visitor's browser: `visit(host)` opens the portal's test page there. */
async function visitor({ page: path = "subdominio.html", blockLocalStorage = false } = {}) {
  const context = await browser.newContext();
  const google = [];
  await context.route(/google/, (route) => { google.push(route.request().url()); return route.fulfill({ contentType: "text/javascript", body: "" }); });
  const page = await context.newPage();
  if (blockLocalStorage) {
    await page.addInitScript(() => Object.defineProperty(window, "localStorage", { get() { throw new DOMException("blocked", "SecurityError"); } }));
  }
  const visit = async (host) => {
    await page.goto(`http://${host}.vilaserena.test:${port}/test/${path}`);
    await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
    await page.waitForTimeout(200);
  };
  const banner = () => page.evaluate(() => !!document.getElementById("biscoito").shadowRoot.querySelector(".banner"));
  const consent = () => page.evaluate(() => Biscoito.consent());
  const measured = () => page.evaluate(() => window.measured);
  /** The sibling's page rewrites the mirror: "ampliar" or "malformado". */
  const attack = async (how, cookie = "vs-consent") => {
    await page.goto(`http://fornecedor.vilaserena.test:${port}/test/fornecedor.html?ataque=${how}&cookie=${cookie}`);
    await page.waitForFunction(() => document.body.dataset.feito === "sim");
  };
  /** A revocation of what already ran reloads the page: wait for it, or the next navigation races it. */
  const revoke = async () => {
    const reloaded = page.waitForEvent("load");
    await page.evaluate(() => Biscoito.rejectAll());
    await reloaded;
  };
  return { context, page, google, visit, banner, consent, measured, attack, revoke };
}

test("a sibling host that rewrites the mirror cannot opt in a visitor who refused", async () => {
  const v = await visitor();
  await v.visit("www");
  await v.page.getByRole("button", { name: "Rejeitar todos" }).click();
  const id = (await v.consent()).id;
  await v.attack("ampliar");
  const mirror = (await v.context.cookies()).find((c) => c.name === "vs-consent");
  assert.match(decodeURIComponent(mirror.value), /"analytics":true/, "the forged mirror is in place");
  await v.visit("www");
  assert.equal((await v.consent()).decisions.analytics, false);
  assert.equal((await v.consent()).id, id, "the consent id is still this host's own");
  assert.equal(await v.measured(), undefined);
  assert.deepEqual(v.google, [], "Google Analytics never loaded");
  await v.context.close();
});

test("a sibling host that rewrites the mirror cannot opt in a visitor who never chose", async () => {
  const v = await visitor();
  await v.attack("ampliar");
  await v.visit("www");
  assert.ok(await v.banner(), "the visitor is asked");
  assert.equal(await v.consent(), null);
  assert.equal(await v.measured(), undefined);
  assert.deepEqual(v.google, []);
  await v.context.close();
});

test("a malformed mirror does not clear the consent this host holds", async () => {
  const v = await visitor();
  const lines = [];
  v.page.on("console", (m) => lines.push(m.text()));
  await v.visit("www");
  await v.page.getByRole("button", { name: "Aceitar todos" }).click();
  await v.attack("malformado");
  await v.visit("www");
  assert.equal(await v.banner(), false, "not asked again");
  assert.equal((await v.consent()).decisions.analytics, true);
  assert.equal(await v.measured(), 1);
  assert.ok(lines.some((l) => l.includes("cookie mirror was not read (malformed)")), lines.join("\n"));
  await v.context.close();
});

test("a revocation on one subdomain applies on the other; an acceptance there is asked for again", async () => {
  const v = await visitor();
  await v.visit("www");
  assert.ok(await v.banner());
  await v.page.getByRole("button", { name: "Aceitar todos" }).click();
  const mirror = (await v.context.cookies()).find((c) => c.name === "vs-consent");
  assert.equal(mirror.domain, ".vilaserena.test", "shared with every subdomain");
  assert.equal(mirror.sameSite, "Lax");

  await v.visit("servicos");
  assert.ok(await v.banner(), "the mirror's acceptance is not taken on the sibling");
  assert.equal(await v.measured(), undefined);
  await v.page.getByRole("button", { name: "Aceitar todos" }).click();
  assert.equal(await v.measured(), 1);
  await v.revoke();

  await v.visit("www");
  assert.equal((await v.consent()).decisions.analytics, false, "the sibling's revocation wins over www's older acceptance");
  assert.equal(await v.measured(), undefined);
  const sent = v.google.length;
  await v.page.waitForTimeout(200);
  assert.equal(v.google.length, sent, "nothing sent after the revocation");
  assert.deepEqual([...new Set(v.google)], [GTAG]);
  await v.context.close();
});

test("with localStorage blocked, this host's fallback cookie does not hide a sibling's revocation", async () => {
  // The fallback cookie once had the mirror's name: the browser then lists a
  // host-only cookie and a parent-domain one under one name, oldest first,
  // and www kept reading its own older acceptance.
  const v = await visitor({ blockLocalStorage: true });
  await v.visit("www");
  await v.page.getByRole("button", { name: "Aceitar todos" }).click();
  assert.equal(await v.page.evaluate(() => Biscoito.storageBackend()), "cookie");
  await v.visit("servicos");
  await v.page.evaluate(() => Biscoito.acceptAll());
  assert.equal(await v.measured(), 1);
  await v.revoke();
  await v.visit("www");
  assert.equal((await v.consent()).decisions.analytics, false);
  assert.equal(await v.measured(), undefined);
  const names = (await v.context.cookies()).map((c) => `${c.name}@${c.domain}`).sort();
  assert.deepEqual(names, ["vs-consent-local@servicos.vilaserena.test", "vs-consent-local@www.vilaserena.test", "vs-consent@.vilaserena.test"]);
  await v.context.close();
});

test("a maintainer who trusts every host under the domain shares the acceptance too", async () => {
  const v = await visitor({ page: "subdominio-confiavel.html" });
  await v.visit("www");
  await v.page.getByRole("button", { name: "Aceitar todos" }).click();
  await v.visit("servicos");
  assert.equal(await v.banner(), false, "not asked again on the sibling");
  assert.equal(await v.measured(), 1);
  await v.context.close();
});
