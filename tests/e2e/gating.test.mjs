// Embeds behind placeholders, scripts added by a single-page app, and the
// mapping of categories to Google's ad signals. Every request that would
// leave the machine is intercepted and listed exactly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, visitor, ready } from "./helpers.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

const placeholders = (page) => page.evaluate(() =>
  [...document.querySelectorAll(".biscoito-placeholder")].map((p) => p.shadowRoot.textContent));

test("a blocked embed shows a placeholder in the visitor's language and loads only when allowed from it", async () => {
  const { context, page, outside, consoleLines } = await visitor(env);
  await page.goto(env.base + "/test/embeds.html");
  await ready(page);
  await page.waitForTimeout(300);
  assert.deepEqual(outside, [], "nothing requested from another site");
  const shown = await placeholders(page);
  assert.equal(shown.length, 3);
  assert.match(shown[0], /^Vídeo: como pedir atendimentoEste conteúdo vem de outro site e usa cookies de Vídeos\./);
  assert.match(shown[2], /Estatísticas, Vídeos/, "an embed needing two categories names both");
  assert.equal(await page.locator("iframe.video").isVisible(), false, "the empty frame is hidden behind its placeholder");
  // The visible box inside the placeholder, not only its host, keeps the shape.
  const size = await page.locator(".biscoito-placeholder .placeholder").first().boundingBox();
  assert.ok(Math.abs(size.width / size.height - 16 / 9) < 0.05, `placeholder keeps the frame's shape: ${size.width}x${size.height}`);

  await page.evaluate(() => Biscoito.setLanguage("en"));
  assert.match((await placeholders(page))[0], /This content comes from another site and uses Videos cookies/);
  await page.evaluate(() => Biscoito.setLanguage("pt-BR"));

  const allow = page.getByRole("button", { name: "Permitir Vídeos e carregar" }).first();
  await allow.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("iframe.video").src.includes("youtube-nocookie"));
  assert.ok(await page.locator("iframe.video").isVisible());
  assert.equal(await page.evaluate(() => document.activeElement.tagName), "IFRAME", "focus moves to the content now loaded");
  const record = await page.evaluate(() => Biscoito.consent());
  assert.deepEqual(record.decisions, { necessary: true, analytics: false, videos: true });
  assert.equal(record.method, "custom");
  await page.waitForTimeout(300);
  assert.deepEqual(outside.sort(), [
    "https://i.ytimg.com/vi/teste/hqdefault.jpg",
    "https://www.youtube-nocookie.com/embed/teste",
  ]);
  assert.equal((await placeholders(page)).length, 1, "the embed that also needs statistics still waits");
  assert.equal(await page.getByRole("button", { name: "Rejeitar todos" }).count(), 0, "allowing from an embed is a choice: the banner goes");
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

// Loading a page again from history (Back when the page was not kept in the
// back/forward cache, which Playwright turns off here) gives each frame of
// the markup the address it last showed: an embed refused meanwhile must
// not come back that way (Firefox and WebKit: engines.mjs).
test("Back to a page after refusing on another loads none of the embeds it had shown", async () => {
  const { context, page, outside } = await visitor(env);
  await page.goto(env.base + "/test/historico.html?pagina=a");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => document.querySelector("iframe[src]"));
  await page.waitForTimeout(300);
  assert.deepEqual(outside, ["https://www.youtube-nocookie.com/embed/historico"]);
  await page.click("#pagina-b");
  await page.waitForURL(/pagina=b/);
  await ready(page);
  // B had shown the video too: it reloads to be rid of it.
  await Promise.all([page.waitForEvent("load"), page.evaluate(() => Biscoito.rejectAll())]);
  await ready(page);
  outside.length = 0;
  await page.goBack();
  await ready(page);
  assert.equal(await page.evaluate(() => performance.getEntriesByType("navigation")[0].type), "back_forward");
  await page.waitForTimeout(500);
  assert.deepEqual(outside, [], "the video was not requested again");
  assert.deepEqual(page.frames().map((f) => f.url()).filter((u) => u.includes("youtube")), [], "no frame shows it");
  assert.equal(await placeholders(page).then((p) => p.length), 1, "its placeholder is back");
  await context.close();
});

test("a single-page app's later scripts and embeds are gated without a reload", async () => {
  const { context, page, outside, google } = await visitor(env);
  await page.goto(env.base + "/test/spa.html");
  await ready(page);
  await page.getByRole("button", { name: "Abrir o painel" }).click();
  await page.waitForFunction(() => window.rotaAtual === "painel");
  await page.waitForFunction(() => document.querySelectorAll(".biscoito-placeholder").length === 1);
  assert.equal(await page.evaluate(() => window.painelMedido), undefined, "no consent: the route's script waits");
  assert.deepEqual(outside, []);

  await page.getByRole("button", { name: "Preferências", exact: true }).click();
  await page.getByRole("dialog").getByRole("switch", { name: /Estatísticas/ }).check();
  await page.getByRole("dialog").getByRole("button", { name: "Salvar minhas escolhas" }).click();
  await page.waitForFunction(() => window.painelMedido === 1);
  // The router renders the same route again: its new script runs once, the new embed waits.
  await page.getByRole("button", { name: "Abrir o painel" }).click();
  await page.waitForFunction(() => window.painelMedido === 2);
  await page.waitForFunction(() => document.querySelectorAll(".biscoito-placeholder").length === 1);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.painelMedido), 2);
  assert.deepEqual(google, ["https://www.googletagmanager.com/gtag/js?id=G-SPA0000001"]);
  assert.deepEqual(outside, google, "the video never loaded");
  await context.close();
});

const consentCalls = (page) => page.evaluate(() =>
  window.dataLayer.map((a) => Array.from(a)).filter((a) => a[0] === "consent").map((a) => [a[1], a[2]]));

test("ad signals follow the categories the site maps them to, and stay denied otherwise", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/test/ads.html");
  await ready(page);
  const denied = { analytics_storage: "denied", ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied" };
  assert.deepEqual(await consentCalls(page), [["default", denied]]);

  await page.evaluate(() => Biscoito.acceptOnly(["analytics"]));
  await page.waitForFunction(() => window.google_tag_manager !== undefined || document.cookie.includes("_ga="));
  assert.deepEqual((await consentCalls(page)).at(-1), ["update", { ...denied, analytics_storage: "granted" }]);
  assert.deepEqual(google, ["https://www.googletagmanager.com/gtag/js?id=G-ADS0000001"]);

  await page.evaluate(() => Biscoito.acceptOnly(["marketing"]));
  assert.deepEqual((await consentCalls(page)).at(-1), ["update", { analytics_storage: "denied", ad_storage: "granted", ad_user_data: "granted", ad_personalization: "denied" }],
    "personalisation needs both categories it is mapped to");
  assert.equal(await page.evaluate(() => window["ga-disable-G-ADS0000001"]), true, "analytics withdrawn: measurement disabled");

  await page.evaluate(() => Biscoito.acceptAll());
  assert.deepEqual((await consentCalls(page)).at(-1), ["update", { analytics_storage: "granted", ad_storage: "granted", ad_user_data: "granted", ad_personalization: "granted" }]);
  assert.equal(await page.evaluate(() => window["ga-disable-G-ADS0000001"]), false);
  assert.equal(google.length, 1, "gtag.js loaded once");
  await context.close();
});
