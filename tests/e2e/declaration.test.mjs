// The cookie declaration on a policy page (www/camara/privacidade.html and
// the tribunal's, www/tribunal/privacidade.html):
// drawn by Biscoito from the config in force into the page's light DOM, as
// semantic tables; axe-clean; usable at 320 px; following the visitor's
// choice; its button opens the preferences.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { axeViolations, start } from "./helpers.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");
let env;
before(async () => (env = await start()));
after(() => env?.close());

async function policyPage(viewport = { width: 1280, height: 800 }) {
  const context = await env.browser.newContext({ viewport });
  await context.route((url) => url.hostname !== "localhost", (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${env.base}/camara/privacidade.html`);
  await page.waitForSelector(".biscoito-declaration");
  return { context, page };
}

test("the policy page shows the declaration from the config: categories, legal bases, services, cookie tables, hosts, revision", async () => {
  const { context, page } = await policyPage();
  const declaration = page.locator(".biscoito-declaration");
  await assert.doesNotReject(declaration.getByRole("heading", { name: "Cookies e tecnologias semelhantes", level: 2 }).waitFor());
  assert.match(await declaration.textContent(), /Configuração em vigor: revisão 1 de 2026-12-01\./);
  for (const category of ["Necessários", "Estatísticas", "Vídeos", "Publicidade e medição"]) {
    assert.equal(await declaration.getByRole("heading", { name: category, level: 3, exact: true }).count(), 1, category);
  }
  assert.match(await declaration.textContent(), /Base legal: consentimento \(LGPD, art\. 7º, I\)/);
  // Real tables: a caption, column headers, a row header per cookie.
  const table = declaration.getByRole("table", { name: "Cookies e armazenamento: Vídeos" });
  assert.deepEqual(await table.locator("thead th").allTextContents(), ["Nome", "Fornecedor", "Finalidade", "Duração", "Origem"]);
  assert.deepEqual(await table.locator("tbody tr").first().locator("th, td").allTextContents(),
    ["VISITOR_INFO1_LIVE", "Google", "Preferências e estimativa de banda do player", "6 meses", "Terceiro"]);
  assert.match(await declaration.textContent(), /Outros sites contatados: \*\.youtube\.com, \*\.youtube-nocookie\.com, \*\.ytimg\.com\./);
  // Policy content, for search engines too.
  assert.equal(await page.locator("[data-nosnippet] .biscoito-declaration, .biscoito-declaration[data-nosnippet]").count(), 0);
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test("the visitor's choice follows every change, and the declaration's button opens the preferences", async () => {
  const { context, page } = await policyPage();
  const choice = page.locator(".biscoito-declaration [data-part=choice]");
  assert.match(await choice.textContent(), /Você ainda não escolheu: nada opcional está ativo\./);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => /Estatísticas: aceito/.test(document.querySelector("[data-part=choice]").textContent));
  assert.match(await choice.textContent(), /Necessários: Sempre ativos.*Estatísticas: aceito.*Vídeos: aceito.*Publicidade e medição: aceito/s);
  const button = page.locator(".biscoito-declaration").getByRole("button", { name: "Preferências de cookies" });
  await button.click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Rejeitar todos" }).click();
  await page.waitForFunction(() => /Estatísticas: recusado/.test(document.querySelector("[data-part=choice]").textContent));
  // Only the choice was redrawn: the button the dialog returns focus to is the same one.
  assert.equal(await button.evaluate((b) => b === document.activeElement), true);
  await context.close();
});

test("at 320 px the page does not scroll sideways: each table scrolls in its own region, reachable by keyboard", async () => {
  const { context, page } = await policyPage({ width: 320, height: 640 });
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), "the page scrolls sideways");
  const region = page.getByRole("region", { name: "Cookies e armazenamento: Estatísticas" });
  assert.equal(await region.getAttribute("tabindex"), "0");
  assert.ok(await region.evaluate((r) => r.scrollWidth > r.clientWidth), "the table is wider than the screen, inside its region");
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test("the tribunal's privacy page: every cookie of its config with its duration, each category's legal basis, axe-clean in pt-BR and English, and what `biscoito declaration` writes", async () => {
  const html = await readFile(join(root, "www", "tribunal", "privacidade.html"), "utf8");
  const configText = /<script type="application\/json" id="biscoito-config">([\s\S]*?)<\/script>/.exec(html)[1];
  const config = JSON.parse(configText);
  const context = await env.browser.newContext();
  await context.route((url) => url.hostname !== "localhost", (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${env.base}/tribunal/privacidade.html`);
  const declaration = page.locator(".biscoito-declaration");
  await declaration.waitFor();
  const cookies = config.categories.flatMap((c) => [...(c.cookies || []), ...(c.services || []).flatMap((s) => s.cookies || [])]);
  assert.equal(cookies.length, 6);
  for (const cookie of cookies) {
    const exactly = new RegExp(`^${cookie.name.replace(/[*]/g, "\\*")}$`);
    const row = declaration.locator("tbody tr").filter({ has: page.locator("th", { hasText: exactly }) });
    assert.equal(await row.count(), 1, cookie.name);
    assert.equal((await row.locator("td").nth(2).textContent()), cookie.duration, `${cookie.name}: its duration`);
  }
  const text = await declaration.textContent();
  assert.match(text, /Revisão 4 de 2026-11-16|revisão 4 de 2026-11-16/);
  assert.equal((text.match(/Base legal:/g) || []).length, config.categories.length, "a legal basis for each category");
  assert.match(text, /Necessários.*atribuições legais do serviço público/s);
  assert.match(text, /Estatísticas.*consentimento \(LGPD, art\. 7º, I\)/s);
  assert.deepEqual(await axeViolations(page), [], "pt-BR");

  // The command writes the same content, from the same engine and config.
  const dir = await mkdtemp(join(tmpdir(), "biscoito-declaracao-"));
  const file = join(dir, "tribunal.json");
  await writeFile(file, configText);
  const written = spawnSync(BIN, ["declaration", "--config", file, "--format", "html"], { encoding: "utf8" });
  assert.equal(written.status, 0, written.stderr);
  const copy = await context.newPage();
  await copy.setContent(written.stdout);
  const words = (s) => s.replace(/\s+/g, " ").trim();
  const inPage = await declaration.evaluate((section) => {
    const clone = section.cloneNode(true);
    clone.querySelector(".choice")?.remove(); // the visitor's choice: the page's alone
    return clone.textContent;
  });
  assert.equal(words(await copy.locator(".biscoito-declaration").textContent()), words(inPage));
  const md = spawnSync(BIN, ["declaration", "--config", file, "--format", "md"], { encoding: "utf8" }).stdout;
  for (const cookie of cookies) assert.match(md, new RegExp(`\\| \`${cookie.name.replace("*", "\\*")}\` \\|.*\\| ${cookie.duration} \\|`), cookie.name);

  await page.evaluate(() => Biscoito.setLanguage("en"));
  await declaration.getByRole("heading", { name: "Cookies and similar technologies" }).waitFor();
  assert.match(await declaration.textContent(), /Legal basis: consent \(LGPD, art\. 7, I\)/);
  assert.deepEqual(await axeViolations(page), [], "English");
  await context.close();
  await rm(dir, { recursive: true, force: true });
});
