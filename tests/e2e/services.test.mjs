// Consent per service inside a category (www/test/servicos.html): only the
// service a visitor allows loads, the category's checkbox shows a mixed
// choice to everyone, content for a refusal runs only after one, and
// records stored before services existed keep working. Every request that
// would leave the machine is listed exactly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, visitor, ready, axeViolations } from "./helpers.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

const PAGE = "/test/servicos.html";
const placeholders = (page) => page.evaluate(() =>
  [...document.querySelectorAll(".biscoito-placeholder")].map((p) => p.shadowRoot.textContent));
const flags = (page) => page.evaluate(() => ({ whole: window.estatisticaInteira ?? false, cookieless: window.contadorSemCookies ?? 0 }));

/** The dialog's checkbox for a category or service, with its state as a screen reader gets it. */
async function control(page, name) {
  const box = page.getByRole("dialog").getByRole(/^(YouTube|Vimeo|Mapa de Calor)$/.test(name) ? "switch" : "checkbox", { name, exact: false }).first();
  const state = await box.evaluate((e) => (e.indeterminate ? "mixed" : e.checked ? "on" : "off"));
  return { box, state };
}

test("allowing YouTube from its placeholder loads YouTube and nothing of Vimeo's", async () => {
  const { context, page, outside, google, consoleLines } = await visitor(env);
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.waitForTimeout(300);
  assert.deepEqual(outside, [], "nothing leaves before a choice");
  const shown = await placeholders(page);
  assert.equal(shown.length, 2);
  assert.match(shown[0], /Sessão plenária de 3 de março.*usa cookies de YouTube\..*Permitir YouTube e carregar/);
  assert.match(shown[1], /Permitir Vimeo e carregar/);
  assert.equal(await page.locator(".biscoito-placeholder:not([data-nosnippet])").count(), 0, "a placeholder is never a search snippet");
  assert.deepEqual(await flags(page), { whole: false, cookieless: 0 }, "nothing for a refusal before the visitor chose");

  await page.getByRole("button", { name: "Permitir YouTube e carregar" }).click();
  await page.waitForFunction(() => document.querySelector("iframe[src*='youtube-nocookie']"));
  await page.waitForTimeout(300);
  assert.deepEqual(outside, ["https://www.youtube-nocookie.com/embed/sessao"], "only YouTube");
  assert.deepEqual(google, []);
  assert.equal((await placeholders(page)).length, 1, "Vimeo still waits");
  const record = await page.evaluate(() => Biscoito.consent());
  assert.deepEqual(record.services, { "google-analytics": false, "mapa-de-calor": false, youtube: true, vimeo: false });
  assert.deepEqual(record.decisions, { necessary: true, analytics: false, videos: false }, "a category counts only whole");
  assert.deepEqual(record.legalBasis, { necessary: "public-service", analytics: "consent", videos: "consent" });
  assert.equal(await page.evaluate(() => Biscoito.accepted("youtube") && !Biscoito.accepted("videos")), true);
  assert.deepEqual(await flags(page), { whole: false, cookieless: 1 }, "a choice with statistics refused runs the cookieless counter");
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

test("the preferences show each service, a mixed category to everyone, and each category's legal basis", async () => {
  const { context, page, outside, google } = await visitor(env, { reducedMotion: "reduce" });
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.getByRole("button", { name: "Permitir YouTube e carregar" }).click();
  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  assert.equal((await control(page, "Vídeos")).state, "mixed");
  assert.match(await dialog.textContent(), /Só alguns serviços desta categoria estão permitidos\./);
  assert.match(await dialog.textContent(), /Base legal: atribuições legais do serviço público \(LGPD, art\. 7º, III, e art\. 23\)/);
  assert.match(await dialog.textContent(), /Base legal: consentimento \(LGPD, art\. 7º, I\)/);
  // A screen reader hears the mixed state and the sentence that explains it.
  const snapshot = await dialog.getByRole("checkbox", { name: "Vídeos" }).evaluate((e) => ({
    description: e.getAttribute("aria-describedby").split(" ").map((id) => e.getRootNode().getElementById(id).textContent).join(" "),
  }));
  assert.match(snapshot.description, /Só alguns serviços/);
  // Every disclosure open, so axe sees the services and their tables.
  for (const summary of await dialog.locator("summary").all()) await summary.click();
  assert.match(await dialog.textContent(), /Fornecedor: Google LLC\. Transmissões das sessões plenárias\./);
  assert.deepEqual(await axeViolations(page), [], "dialog with a mixed category, services open");

  // By keyboard: the analytics category's checkbox turns both its services on.
  await dialog.getByRole("checkbox", { name: "Estatísticas" }).focus();
  await page.keyboard.press("Space");
  assert.equal((await control(page, "Mapa de Calor")).state, "on");
  assert.equal((await control(page, "Estatísticas")).state, "on");
  // Then the heat map off again: only Google Analytics stays.
  await (await control(page, "Mapa de Calor")).box.focus();
  await page.keyboard.press("Space");
  assert.equal((await control(page, "Estatísticas")).state, "mixed");
  await dialog.getByRole("button", { name: "Salvar minhas escolhas" }).click();
  await page.waitForFunction(() => window.dataLayer?.some((e) => e[0] === "consent" && e[1] === "update"));
  await page.waitForTimeout(500);
  assert.ok(google.some((u) => u.includes("googletagmanager.com/gtag/js?id=G-SERVICOS01")), "Google Analytics, its service accepted, loads");
  assert.ok(!outside.some((u) => u.includes("calor.example")), "the heat map, refused, never loads");
  // Allowing YouTube alone was a choice that refused statistics: the
  // cookieless counter ran then, once, and is not run again.
  assert.deepEqual(await flags(page), { whole: false, cookieless: 1 }, "the whole-category script waits for every service");
  await context.close();
});

test("content for a refusal runs only once the visitor refused; rejecting all loads nothing from outside", async () => {
  const { context, page, outside } = await visitor(env);
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await page.waitForFunction(() => window.contadorSemCookies === 1);
  await page.waitForTimeout(300);
  assert.deepEqual(outside, []);
  assert.deepEqual(await flags(page), { whole: false, cookieless: 1 });
  // Accepting everything later releases the rest without a reload; the
  // fallback already ran and is not run again.
  await page.evaluate(() => Biscoito.acceptAll());
  await page.waitForFunction(() => window.estatisticaInteira === true);
  await page.waitForTimeout(300);
  assert.deepEqual(outside.filter((u) => !u.includes("google")).sort(), [
    "https://calor.example/calor.js",
    "https://player.vimeo.com/video/embed/tutorial",
    "https://www.youtube-nocookie.com/embed/sessao",
  ]);
  assert.equal((await flags(page)).cookieless, 1);
  await context.close();
});

test("turning one service off revokes it: its cookies go and the page reloads without it", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => document.querySelector("iframe[src*='vimeo']"));
  await context.addCookies([{ name: "_mc_sessao", value: "1", url: env.base }]);
  await Promise.all([page.waitForEvent("load"), page.evaluate(() => Biscoito.acceptOnly(["videos", "google-analytics"]))]);
  await ready(page);
  const cookies = (await context.cookies()).map((c) => c.name);
  assert.ok(!cookies.includes("_mc_sessao"), "the heat map's cookie is deleted");
  assert.equal(await page.evaluate(() => Biscoito.accepted("mapa-de-calor")), false);
  assert.equal(await page.evaluate(() => Biscoito.accepted("google-analytics")), true);
  await context.close();
});

// A record as the release before services (43741cd) stored it, made by that
// release's dist/ with Biscoito.acceptOnly(["videos"]) on a page of this
// revision whose services were bare names: decisions per category only.
// Its times are moved to now, so that it has not expired when the test runs.
const LEGACY_RECORD = (now) => {
  const record = JSON.parse(readFileSync(new URL("./fixtures/record-before-services.json", import.meta.url), "utf8"));
  const shift = now - record.updatedAt;
  for (const key of ["createdAt", "updatedAt", "expiresAt"]) record[key] += shift;
  return JSON.stringify(record);
};

test("a record stored before services could be chosen stands for its category's services", async () => {
  const { context, page, outside } = await visitor(env);
  await context.addInitScript((text) => {
    if (!sessionStorage.getItem("seeded")) {
      localStorage.setItem("biscoito-consent", text);
      sessionStorage.setItem("seeded", "1");
    }
  }, LEGACY_RECORD(Date.now()));
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.waitForFunction(() => document.querySelectorAll("iframe[src]").length === 2);
  assert.equal(await page.getByRole("button", { name: "Rejeitar todos" }).count(), 0, "no banner: the choice holds");
  await page.waitForTimeout(300);
  assert.deepEqual(outside.sort(), ["https://player.vimeo.com/video/embed/tutorial", "https://www.youtube-nocookie.com/embed/sessao"]);
  assert.equal(await page.evaluate(() => Biscoito.accepted("mapa-de-calor")), false);
  await context.close();
});

test("a service added since the visitor chose asks again and loads nothing meanwhile", async () => {
  const { context, page, outside } = await visitor(env);
  await page.goto(env.base + PAGE);
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => document.querySelectorAll("iframe[src]").length === 2);
  // The same revision, with one more video platform.
  await page.route("**/test/servicos.html", async (route) => {
    const html = await (await route.fetch()).text();
    route.fulfill({ contentType: "text/html", body: html.replace('{ "id": "vimeo"', '{ "id": "dailymotion", "title": "Dailymotion" }, { "id": "vimeo"') });
  });
  outside.length = 0;
  await page.reload();
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(outside, [], "asked again, and nothing loads meanwhile");
  assert.equal(await page.evaluate(() => Biscoito.consent()), null);
  await context.close();
});

// 200% zoom of a 1280×800 window, and WCAG's 320 px reflow width.
for (const [label, viewport, deviceScaleFactor] of [["200% zoom", { width: 640, height: 400 }, 2], ["320 px", { width: 320, height: 640 }, 1]]) {
  test(`at ${label}, the services open inside the dialog without horizontal scrolling, each switch large enough`, async () => {
    const { context, page } = await visitor(env, { viewport, deviceScaleFactor, reducedMotion: "reduce" });
    await page.goto(env.base + PAGE);
    await ready(page);
    await page.evaluate(() => Biscoito.showPreferences());
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    for (const summary of await dialog.locator("summary").all()) {
      await summary.scrollIntoViewIfNeeded();
      await summary.click();
    }
    const layout = await page.evaluate(() => {
      const root = document.getElementById("biscoito").shadowRoot;
      const scroller = root.querySelector(".dialog-scroll");
      // Cookie tables scroll inside their own box (.table-wrap), as in the rest of the dialog.
      const outside = [...root.querySelectorAll(".dialog *")].filter((e) => !e.closest(".table-wrap"))
        .map((e) => e.getBoundingClientRect()).filter((r) => r.width && (r.left < 0 || r.right > innerWidth)).length;
      return { outside, inner: scroller.scrollWidth <= scroller.clientWidth, page: document.documentElement.scrollWidth <= innerWidth };
    });
    assert.deepEqual(layout, { outside: 0, inner: true, page: true });
    for (const name of ["YouTube", "Vimeo", "Mapa de Calor"]) {
      const box = await dialog.getByRole("switch", { name }).boundingBox();
      assert.ok(box.width >= 24 && box.height >= 24, `${name}: ${box.width}x${box.height}`);
    }
    const vimeo = dialog.getByRole("switch", { name: "Vimeo" });
    await vimeo.focus();
    await page.keyboard.press("Space");
    assert.equal(await vimeo.isChecked(), true);
    assert.equal((await control(page, "Vídeos")).state, "mixed");
    await dialog.getByRole("button", { name: "Salvar minhas escolhas" }).click();
    assert.deepEqual((await page.evaluate(() => Biscoito.consent())).services.vimeo, true);
    await context.close();
  });
}
