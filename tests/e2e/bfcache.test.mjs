// Back/forward cache in Chromium: a page restored from it must follow the
// choice made on another page while it sat there (LGPD art. 8 §5: a
// revocation is effective everywhere), and a record that expired meanwhile.
// Playwright launches Chromium with the cache off; it is turned back on
// here, and every test proves from the page's own pageshow log that the
// restore really happened. (Firefox and WebKit: engines.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, visitor, cookieNames, ready } from "./helpers.mjs";

const A = "/test/voltar.html?pagina=a";
const B = "/test/voltar.html?pagina=b";
let env;
before(async () => { env = await start({ ignoreDefaultArgs: ["--disable-back-forward-cache"] }); });
after(async () => { await env.close(); });

/** Waits until `check` holds on whatever page is there, through reloads. */
async function eventually(page, check, what) {
  for (let i = 0; i < 100; i++) {
    // (Not waitForLoadState: a page restored from the cache fires no load event.)
    try {
      if (await page.evaluate(check)) return;
    } catch { /* the page reloaded under us */ }
    await page.waitForTimeout(50);
  }
  throw new Error(`never happened: ${what}`);
}

/** Whether this tab's log (www/test/voltar.js) has page A restored from the cache. */
async function restoredFromCache(page, name) {
  const shows = await page.evaluate(() => JSON.parse(sessionStorage.getItem("pageshows") || "[]"));
  return shows.some((s) => s.page === name && s.persisted);
}

async function dialogChoice(page, label) {
  await page.evaluate(() => Biscoito.showPreferences());
  await page.getByRole("dialog").getByRole("button", { name: label, exact: true }).click();
}

async function toB(page, query = "") {
  if (query) await page.goto(env.base + B + query);
  else await page.click("#pagina-b");
  await page.waitForURL(/pagina=b/);
  await ready(page);
}

test("accept on A, revoke on B, Back: A stops its analytics and keeps no Google cookie", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + A);
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => window.contadorDeVisitas === 1 && document.cookie.includes("_ga="));
  assert.equal(google.length, 1, "gtag.js requested on A after the choice");
  await toB(page);
  await dialogChoice(page, "Rejeitar todos");
  // B had run the statistics script: it reloads to be rid of it.
  await eventually(page, () => window.Biscoito && Biscoito.consent()?.method === "reject-all" && !window.contadorDeVisitas, "B without analytics");
  const googleBeforeBack = google.length;
  await page.goBack({ waitUntil: "commit" }); // a restore fires no load event
  await eventually(page, () => window.Biscoito && new URLSearchParams(location.search).get("pagina") === "a" && Biscoito.accepted("analytics") === false, "A follows the refusal");
  assert.ok(await restoredFromCache(page, "a"), "Chromium restored A from the back/forward cache");
  await eventually(page, () => !window.contadorDeVisitas, "A reloaded, so the statistics script no longer runs");
  assert.equal(await page.evaluate(() => window["ga-disable-G-VOLTAR0001"]), true);
  assert.equal(await page.evaluate(() => Biscoito.consent().decisions.analytics), false);
  assert.deepEqual((await cookieNames(context)).filter((c) => c.startsWith("_ga")), []);
  await page.waitForTimeout(300);
  assert.equal(google.length, googleBeforeBack, "nothing reached Google after the Back");
  await context.close();
});

test("reject on A, accept on B, Back: A releases its gated script once and loads analytics", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + A);
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await page.evaluate(() => { window.samePageAsBefore = true; });
  await toB(page);
  await dialogChoice(page, "Aceitar todos");
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  assert.equal(google.length, 1, "B loaded gtag.js");
  await page.goBack({ waitUntil: "commit" }); // a restore fires no load event
  await eventually(page, () => new URLSearchParams(location.search).get("pagina") === "a" && window.contadorDeVisitas === 1, "A released its script");
  assert.ok(await restoredFromCache(page, "a"), "Chromium restored A from the back/forward cache");
  assert.equal(await page.evaluate(() => window.samePageAsBefore), true, "A was not reloaded for a wider choice");
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), true);
  assert.equal(await page.evaluate(() => window["ga-disable-G-VOLTAR0001"]), false);
  assert.equal(google.length, 2, "A requested gtag.js itself");
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.contadorDeVisitas), 1, "released once");
  await context.close();
});

test("a new revision published while A was cached: Back shows A's banner and nothing optional runs", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + A);
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  // B is served under revision 2: it sets the old record aside and asks.
  await toB(page, "&rev=2");
  assert.ok(await page.getByRole("button", { name: "Aceitar todos" }).isVisible(), "B asks again");
  await page.goBack({ waitUntil: "commit" }); // a restore fires no load event
  await eventually(page, () => new URLSearchParams(location.search).get("pagina") === "a" &&
    Biscoito.consent() === null && !!document.getElementById("biscoito").shadowRoot.querySelector(".banner"), "A asks again");
  assert.ok(await restoredFromCache(page, "a"), "Chromium restored A from the back/forward cache");
  await eventually(page, () => !window.contadorDeVisitas, "the statistics script no longer runs on A");
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), false);
  assert.deepEqual((await cookieNames(context)).filter((c) => c.startsWith("_ga")), []);
  await context.close();
});

test("a record that expires while A is cached, with no page writing anything: Back makes A ask again", async () => {
  // Chromium hands a restored page the storage events it missed, which
  // alone keeps the three tests above green; an expiry sends no event.
  const { context, page } = await visitor(env);
  await page.goto(env.base + A);
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  // Time passes: the record is moved back until it has four seconds left.
  await page.evaluate(() => {
    const r = JSON.parse(localStorage.getItem("biscoito-consent"));
    const shift = r.expiresAt - (Date.now() + 4000);
    for (const k of ["createdAt", "updatedAt", "expiresAt"]) r[k] -= shift;
    localStorage.setItem("biscoito-consent", JSON.stringify(r));
  });
  await page.reload();
  await ready(page);
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  const expiresAt = await page.evaluate(() => Biscoito.consent().expiresAt);
  await toB(page);
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), true, "still valid on B");
  await page.waitForTimeout(Math.max(0, expiresAt - Date.now()) + 500);
  await page.goBack({ waitUntil: "commit" }); // a restore fires no load event
  await eventually(page, () => new URLSearchParams(location.search).get("pagina") === "a" && Biscoito.consent() === null && !window.contadorDeVisitas, "A dropped the expired record and stopped its script");
  assert.ok(await restoredFromCache(page, "a"), "Chromium restored A from the back/forward cache");
  assert.ok(await page.getByRole("button", { name: "Aceitar todos" }).isVisible(), "A asks again");
  assert.ok(await page.getByRole("button", { name: "Rejeitar todos" }).isVisible());
  assert.deepEqual((await cookieNames(context)).filter((c) => c.startsWith("_ga")), []);
  await context.close();
});

test("a tab frozen in the background hears the choice made meanwhile once it resumes: visibilitychange needs no listener", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + A);
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await page.evaluate(() => { window.samePageAsBefore = true; });
  // What Chromium does to a hidden tab after a while: its tasks stop.
  const devtools = await context.newCDPSession(page);
  await devtools.send("Page.setWebLifecycleState", { state: "frozen" });
  const other = await context.newPage();
  await other.goto(env.base + B);
  await ready(other);
  await other.evaluate(() => Biscoito.acceptAll());
  await other.waitForFunction(() => window.contadorDeVisitas === 1);
  await devtools.send("Page.setWebLifecycleState", { state: "active" });
  await page.waitForFunction(() => window.contadorDeVisitas === 1 && Biscoito.accepted("analytics"));
  assert.equal(await page.evaluate(() => window.samePageAsBefore), true);
  await context.close();
});
