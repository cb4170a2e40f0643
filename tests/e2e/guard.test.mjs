// The guard, in Chromium, on a portal as a CMS writes it (www/camara/): an
// unmarked gtag snippet, a Meta Pixel that injects its own script, a library
// from an unknown CDN used by the next inline script, a YouTube iframe in the
// HTML and one added through innerHTML, a tracking <img>, a document.write of
// a tracker, and a tracker no category declares injected after load.
//
// Every request to another host is answered here (route), and every script
// answered here reports that it ran, in window.ran and in a cookie: so "ran"
// and "requested" are told apart. A tag written in the HTML is fetched by the
// preload scanner before any script can see it (the README says so); what
// the guard must stop is it running, and every request made by script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./helpers.mjs";

let env;
before(async () => (env = await start()));
after(() => env?.close());

const TRACKERS = {
  ga: "www.googletagmanager.com/gtag/js",
  meta: "connect.facebook.net/en_US/fbevents.js",
  hotjar: "static.hotjar.com/c/hotjar-1000001.js",
  tiktok: "analytics.tiktok.com/i18n/pixel/events.js",
  video: "www.youtube.com/embed/sessao-ordinaria",
  laterVideo: "www.youtube.com/embed/sessao-extraordinaria",
  pixel: "px.ads.linkedin.com/collect/",
};
const LIBRARY = "cdn.bibliotecas.example/calendario.js";

/** A fresh visitor on `path`; `requests` lists every outside URL asked for (host + path). */
async function visit(path, context) {
  context ??= await env.browser.newContext();
  const requests = [];
  await context.route((url) => url.hostname !== "localhost", (route) => {
    const url = new URL(route.request().url());
    const asked = url.host + url.pathname;
    requests.push(asked);
    if (route.request().resourceType() === "document") {
      return route.fulfill({ status: 200, contentType: "text/html", body: "<title>vídeo</title><p>vídeo</p>" });
    }
    if (route.request().resourceType() !== "script") return route.fulfill({ status: 200, contentType: "image/gif", body: "" });
    const name = url.hostname.replace(/[^a-z]/g, "_");
    const library = asked === LIBRARY ? "window.Calendario = { pronto: () => 'pronto' };" : "";
    return route.fulfill({
      status: 200, contentType: "text/javascript",
      body: `${library}(window.ran = window.ran || []).push(${JSON.stringify(asked)});document.cookie = "ran_${name}=1; path=/";`,
    });
  });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(env.base + path);
  await page.waitForFunction(() => window.Biscoito);
  return { context, page, requests, errors };
}

/** Waits past the tracker the page injects 1.2 s after load. */
const settle = (page) => page.waitForTimeout(2000);
const ran = (page) => page.evaluate(() => window.ran || []);
const ranCookies = async (context) => (await context.cookies()).filter((c) => c.name.startsWith("ran_")).map((c) => c.name).sort();
const count = (list, url) => list.filter((u) => u === url).length;

test("before any choice: no held tracker runs or sets a cookie, none inserted by script is requested, the library runs in order", async () => {
  const { context, page, requests, errors } = await visit("/camara/");
  await settle(page);
  assert.deepEqual(await ran(page), [LIBRARY]);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.calendario), "pronto");
  assert.deepEqual(await ranCookies(context), ["ran_cdn_bibliotecas_example"]);
  for (const byScript of [TRACKERS.meta, TRACKERS.hotjar, TRACKERS.tiktok, TRACKERS.laterVideo]) {
    assert.equal(count(requests, byScript), 0, `${byScript} was requested before any choice`);
  }
  const held = await page.evaluate(() => Biscoito.held());
  const line = (item) => `${item.kind} ${item.url} ${item.id} ${item.reason}`;
  assert.deepEqual(held.map(line).sort(), [
    "iframe http://www.youtube.com/embed/sessao-extraordinaria youtube declared",
    "iframe http://www.youtube.com/embed/sessao-ordinaria youtube declared",
    "img http://px.ads.linkedin.com/collect/ linkedin declared",
    "script http://analytics.tiktok.com/i18n/pixel/events.js null undeclared",
    "script http://connect.facebook.net/en_US/fbevents.js meta-pixel declared",
    "script http://static.hotjar.com/c/hotjar-1000001.js hotjar declared",
    "script http://www.googletagmanager.com/gtag/js google-analytics declared",
  ]);
  // The undeclared tracker is named once, with the fix.
  const named = errors.filter((e) => e.includes("analytics.tiktok.com"));
  assert.equal(named.length, 1, errors.join("\n"));
  assert.match(named[0], /no category declares.*biscoito scan --write-config/);
  // The held embeds get the placeholder marked embeds get.
  assert.equal(await page.locator(".biscoito-placeholder").count(), 2, "one per video; a pixel gets none");

  // Reject: nothing new.
  const before = requests.length;
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await settle(page);
  assert.deepEqual(await ran(page), [LIBRARY]);
  const after = requests.slice(before).filter((u) => Object.values(TRACKERS).includes(u));
  assert.deepEqual(after, []);
  await context.close();
});

test("analytics only: Google Analytics runs exactly once, and nothing else", async () => {
  const { context, page, requests } = await visit("/camara/");
  await page.evaluate(() => Biscoito.acceptOnly(["analytics"]));
  await settle(page);
  assert.deepEqual(await ran(page), [LIBRARY, TRACKERS.ga]);
  for (const other of [TRACKERS.meta, TRACKERS.hotjar, TRACKERS.tiktok, TRACKERS.laterVideo]) {
    assert.equal(count(requests, other), 0, other);
  }
  await context.close();
});

test("accept all: everything declared runs once, the undeclared tracker stays held; a returning visitor gets the same", async () => {
  const { context, page, requests } = await visit("/camara/");
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await settle(page);
  const expectEverything = async (where, list) => {
    const scripts = (await ran(page)).sort();
    assert.deepEqual(scripts, [LIBRARY, TRACKERS.ga, TRACKERS.meta, TRACKERS.hotjar].sort(), where);
    assert.equal(count(list, TRACKERS.tiktok), 0, `${where}: the undeclared tracker was requested`);
    assert.ok(count(list, TRACKERS.video) >= 1 && count(list, TRACKERS.laterVideo) === 1, `${where}: ${list.join(" ")}`);
    assert.ok(count(list, TRACKERS.pixel) >= 1, `${where}: the pixel`);
    const held = await page.evaluate(() => Biscoito.held());
    assert.deepEqual(held.map((h) => `${h.url} ${h.reason}`), ["http://analytics.tiktok.com/i18n/pixel/events.js undeclared"], where);
  };
  await expectEverything("after Aceitar todos", requests);
  const seen = requests.length;
  await page.reload();
  await page.waitForFunction(() => window.Biscoito);
  await settle(page);
  await expectEverything("returning visitor", requests.slice(seen));
  await context.close();
});

test("with no config, the default Estatísticas holds an unmarked GA snippet until Aceitar todos", async () => {
  const { context, page } = await visit("/camara/sem-config.html");
  await settle(page);
  assert.deepEqual(await ran(page), []);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => (window.ran || []).length > 0);
  await page.waitForTimeout(300);
  assert.deepEqual(await ran(page), [TRACKERS.ga]);
  await context.close();
});

test("with defer, there is no guard: the page is as the maintainer wrote it", async () => {
  const { context, page } = await visit("/camara/privacidade.html");
  assert.deepEqual(await page.evaluate(() => Biscoito.held()), []);
  assert.equal(await page.evaluate(() => Object.getOwnPropertyDescriptor(HTMLScriptElement.prototype, "src").set.toString().includes("[native code]")), true);
  await context.close();
});
