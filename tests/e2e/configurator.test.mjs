// The configurator (www/configurador/): the preview follows the form, the
// findings are the Rust validator's and lint's, the snippet it hands out
// works on a real page, and testing the banner there leaves nothing behind.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { start, visitor, cookieNames, ready, moduleDownloads } from "./helpers.mjs";

const require = createRequire(import.meta.url);
let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

async function open() {
  const v = await visitor(env, { viewport: { width: 1280, height: 1000 } });
  await v.page.goto(`${env.base}/configurador/`);
  await v.page.waitForFunction(() => !document.getElementById("resultado").textContent.includes("Carregando"));
  return v;
}

/** The preview frame's banner: its classes and text, once Biscoito has drawn it. */
async function previewBanner(page, expectedText) {
  const frame = () => page.frames().find((f) => f !== page.mainFrame());
  let last = null;
  for (let i = 0; i < 50; i++) {
    last = await frame()?.evaluate(() => {
      const banner = document.getElementById("biscoito")?.shadowRoot?.querySelector(".banner");
      return banner ? { className: banner.className, text: banner.innerText } : null;
    }).catch(() => null);
    if (last && (!expectedText || last.text.includes(expectedText))) return last;
    await page.waitForTimeout(100);
  }
  assert.fail(`the preview never showed ${expectedText ?? "a banner"}; last seen: ${JSON.stringify(last)}`);
}

test("the preview re-renders in the chosen language and layout", async () => {
  const { context, page, consoleLines } = await open();
  assert.match((await previewBanner(page, "Aceitar todos")).text, /Rejeitar todos/);
  await page.selectOption("#language", "en");
  await page.selectOption("#layout", "box");
  const english = await previewBanner(page, "Accept all");
  assert.match(english.className, /\bbox\b/);
  assert.match(english.text, /Reject all/);
  await page.selectOption("#language", "es");
  await page.selectOption("#layout", "center");
  const spanish = await previewBanner(page, "Aceptar todas");
  assert.match(spanish.className, /\bcenter\b/);
  // The preview page also carries the cookie declaration the config makes.
  const declaration = () => page.frames().find((f) => f !== page.mainFrame())
    .evaluate(() => document.querySelector(".biscoito-declaration")?.innerText || "");
  for (let i = 0; i < 50 && !(await declaration()).includes("Cookies y tecnologías similares"); i++) await page.waitForTimeout(100);
  assert.match(await declaration(), /Cookies y tecnologías similares[\s\S]*Estadísticas/);
  const json = JSON.parse(await page.inputValue("#json"));
  assert.equal(json.language, "es");
  assert.equal(json.layout, "center");
  assert.deepEqual(consoleLines.filter((l) => l.startsWith("pageerror")), []);
  await context.close();
});

test("errors and compliance findings come from the validator and the lint", async () => {
  const { context, page } = await open();
  assert.match(await page.innerText("#resultado"), /válida, sem pontos de atenção/);
  await page.fill("#json", JSON.stringify({
    theme: { accent: "#ffff00" },
    categories: [{ id: "necessary", required: true }, { id: "analytics", enabled: true }],
  }));
  await page.waitForFunction(() => document.querySelector("#resultado .erro"));
  const result = await page.innerText("#resultado");
  assert.match(result, /biscoito config: theme\.accent: must contrast at least 4\.5:1/);
  assert.match(result, /biscoito config: categories\[1\]\.enabled: is not a known setting/);
  assert.match(result, /categories\[1\]\.enabled: Categoria pré-ativada/);
  assert.match(result, /policyUrl: Sem link para a política de privacidade/);
  await page.fill("#json", "{ not json");
  await page.waitForFunction(() => document.getElementById("resultado").textContent.includes("not valid JSON"));
  assert.equal(await page.isDisabled("#copiar"), true, "no snippet to copy from broken JSON");
  await context.close();
});

test("the form edits the JSON and the JSON fills the form", async () => {
  const { context, page } = await open();
  await page.fill("#measurementId", "G-ABCDEF1234");
  await page.check("input[value=videos]");
  let json = JSON.parse(await page.inputValue("#json"));
  assert.equal(json.googleAnalytics.measurementId, "G-ABCDEF1234");
  assert.deepEqual(json.categories.map((c) => c.id), ["necessary", "analytics", "videos"]);
  assert.equal(json.categories[0].required, true);
  assert.equal(await page.isDisabled("input[value=youtube]"), false, "video platforms open once videos are chosen");
  await page.check("input[value=youtube]");
  await page.check("input[value=vimeo]");
  await page.selectOption("#necessaryBasis", "legitimate-interest");
  json = JSON.parse(await page.inputValue("#json"));
  assert.deepEqual(json.categories[2].services.map((s) => s.id), ["youtube", "vimeo"]);
  assert.equal(json.categories[0].legalBasis, "legitimate-interest");
  await page.waitForFunction(() => document.getElementById("resultado").textContent.includes("válida"));
  assert.doesNotMatch(await page.innerText("#resultado"), /biscoito config:/, "the services the form writes are valid");
  await page.selectOption("#necessaryBasis", "public-service");
  await page.uncheck("input[value=youtube]");
  await page.uncheck("input[value=vimeo]");
  await page.uncheck("input[value=videos]");
  assert.equal(await page.isDisabled("input[value=youtube]"), true);
  json = JSON.parse(await page.inputValue("#json"));
  assert.equal(json.categories, undefined, "back to the default categories");
  await page.fill("#json", JSON.stringify({ layout: "box", revision: 7, policyUrl: "/p.html", categories: [{ id: "necessary", required: true }, { id: "marketing", title: "Anúncios" }] }));
  assert.equal(await page.inputValue("#layout"), "box");
  assert.equal(await page.inputValue("#revision"), "7");
  assert.equal(await page.isChecked("input[value=marketing]"), true);
  assert.equal(await page.isChecked("input[value=analytics]"), false);
  await page.fill("#json", JSON.stringify({ categories: [{ id: "necessary", required: true, legalBasis: "legal-obligation" },
    { id: "videos", services: [{ id: "vimeo", title: "Vimeo" }, "Canal Próprio"] }] }));
  assert.equal(await page.inputValue("#necessaryBasis"), "legal-obligation");
  assert.equal(await page.isChecked("input[value=vimeo]"), true);
  assert.equal(await page.isChecked("input[value=youtube]"), false);
  await page.check("input[value=youtube]");
  json = JSON.parse(await page.inputValue("#json"));
  assert.deepEqual(json.categories[1].services.map((s) => s.id ?? s), ["youtube", "vimeo", "Canal Próprio"], "services written in the JSON are kept");
  await context.close();
});

test("a pasted br-cookiebar JSON (gov.br) becomes a Biscoito config, with what it left out listed, and passes axe", async () => {
  const { context, page } = await open();
  await page.fill("#json", await readFile(new URL("../../www/agencia/cookiebar.json", import.meta.url), "utf8"));
  await page.waitForFunction(() => document.getElementById("importacao").textContent.includes("Importado"));
  const config = JSON.parse(await page.inputValue("#json"));
  assert.deepEqual(config.categories.map((c) => [c.id, !!c.required]), [["necessarios", true], ["estatisticas", false]]);
  assert.equal(config.policyUrl, "/agencia/privacidade.html");
  assert.equal(await page.isChecked("input[value=analytics]"), false, "the form follows the imported config");
  const notes = await page.innerText("#importacao");
  assert.match(notes, /\[0\]\.cookieGroups\[1\]\.groupSelected: Grupo opcional pré-selecionado/);
  assert.match(notes, /\[0\]\.acceptButton: Não importado/);
  await page.waitForFunction(() => document.getElementById("resultado").textContent.includes("sem pontos de atenção"));
  await previewBanner(page, "Cookies no portal da Agência");
  await page.addScriptTag({ content: await readFile(require.resolve("axe-core/axe.min.js"), "utf8") });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  assert.deepEqual(violations, []);
  // Something that only looks like one is said, not imported.
  await page.fill("#json", JSON.stringify([{ lang: "pt-br" }]));
  await page.waitForFunction(() => document.getElementById("importacao").textContent.includes("não foi possível importá-la"));
  await context.close();
});

test("the copied snippet works on a real page, even with </script> in a text", async () => {
  const { context, page } = await open();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.base });
  const config = { policyUrl: "/p.html", texts: { "pt-BR": { bannerTitle: "Cookies </script><b>aqui</b>" } } };
  await page.fill("#json", JSON.stringify(config));
  await page.waitForFunction(() => document.getElementById("snippet").textContent.includes("aqui"));
  await page.click("#copiar");
  await page.waitForFunction(() => document.getElementById("copiado").textContent === "Código copiado.");
  const snippet = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(snippet, /<\\\/script><b>aqui<\\\/b>/, "every </ is written <\\/ inside the JSON");
  assert.match(snippet, /<script src="\/biscoito\/biscoito.js" defer><\/script>/);
  assert.match(snippet, /^<link rel="preload" href="\/biscoito\/biscoito_bg.wasm" as="fetch" crossorigin>\n/);

  // Paste it into a page's <head> and load that page.
  const site = await visitor(env);
  await site.context.route(`${env.base}/colado.html`, (route) => route.fulfill({
    contentType: "text/html; charset=utf-8",
    body: `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Colado</title>${snippet}</head><body><h1>Portal</h1></body></html>`,
  }));
  await site.page.goto(`${env.base}/colado.html`);
  await ready(site.page);
  assert.deepEqual(await moduleDownloads(site.page), ["link"], "the snippet's preload is the module's only download");
  assert.deepEqual(await site.page.evaluate(() => Biscoito.configErrors()), []);
  const title = await site.page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelector(".banner h2").textContent);
  assert.equal(title, "Cookies </script><b>aqui</b>", "the text arrives whole and as text");
  await site.context.close();
  await context.close();
});

test("choices made in the preview leave nothing in the configurator's origin", async () => {
  const { context, page } = await open();
  await previewBanner(page, "Aceitar todos");
  const preview = page.frames().find((f) => f !== page.mainFrame());
  await preview.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelector("[data-action=accept-all]").click());
  await preview.waitForFunction(() => Biscoito.consent() !== null);
  assert.equal(await preview.evaluate(() => Biscoito.storageBackend()), "memory");
  assert.deepEqual(await cookieNames(context), []);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  // The next change starts the preview over, banner included.
  await page.selectOption("#layout", "box");
  assert.match((await previewBanner(page, "Aceitar todos")).className, /\bbox\b/);
  await context.close();
});

test("axe finds no WCAG violation in the configurator", async () => {
  const { context, page } = await open();
  await page.addScriptTag({ content: await readFile(require.resolve("axe-core/axe.min.js"), "utf8") });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } });
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
  assert.deepEqual(violations, []);
  await context.close();
});

test("without its checker module the configurator says what is missing", async () => {
  const v = await visitor(env);
  await v.context.route(`${env.base}/checker/biscoito_bg.wasm`, (route) => route.fulfill({ status: 404, body: "" }));
  await v.page.goto(`${env.base}/configurador/`);
  await v.page.waitForFunction(() => document.querySelector("#resultado .erro"));
  assert.match(await v.page.innerText("#resultado"), /O verificador não carregou/);
  await v.context.close();
});
