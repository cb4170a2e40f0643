// `biscoito import-govbr` on the gov.br Design System's own sample cookie
// bar configuration, read from the design system's npm package (a dev
// dependency of these tests only; nothing of it ships): the output is a
// config the schema and `biscoito check` accept, and what the old setup
// lacked is said. Then the demo agency built like a gov.br page
// (www/agencia/), on the "govbr" preset and an imported config: its look,
// axe, reflow, its choices, and its screenshots for the docs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { start, visitor, ready, axeViolations } from "./helpers.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");

/** The design system's sample, as its own cookie bar example loads it. */
function designSystemSample() {
  // The package's bundle is a browser UMD module that names `self`.
  globalThis.self ??= globalThis;
  const require = createRequire(import.meta.url);
  return require("@govbr-ds/core/dist/components/cookiebar/jsonData.js").default;
}

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

function biscoito(...args) {
  const run = spawnSync(BIN, args, { encoding: "utf8" });
  assert.equal(run.error, undefined, `${BIN} could not run: make test-e2e builds it`);
  return run;
}

test("the design system's sample cookie bar imports into a config the schema and biscoito check accept", () => {
  const dir = mkdtempSync(join(tmpdir(), "biscoito-govbr-"));
  const input = join(dir, "cookiebar.json");
  writeFileSync(input, designSystemSample());
  const run = biscoito("import-govbr", input);
  assert.equal(run.status, 0, run.stderr);
  const config = JSON.parse(run.stdout);

  const schema = JSON.parse(readFileSync(join(root, "docs", "biscoito.schema.json"), "utf8"));
  const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
  assert.ok(validate(config), JSON.stringify(validate.errors));

  // The sample's three groups: the one that cannot be opted out of is required.
  const sample = JSON.parse(designSystemSample())[0];
  assert.deepEqual(config.categories.map((c) => [c.id, !!c.required]),
    sample.cookieGroups.map((g) => [g.groupId, !g.groupOptOut]));
  assert.equal(config.categories[0].cookies.length, sample.cookieGroups[0].cookieList.length);
  assert.equal(config.categories[0].title, sample.cookieGroups[0].groupName);
  assert.equal(config.texts["pt-BR"].bannerTitle, sample.mainTitle);

  // stderr: what was left out, with its path, and what the old setup lacked.
  assert.match(run.stderr, /not imported: \[0\]\.cookieGroups\[0\]\.cookieList\[0\]\.domain:/);
  assert.match(run.stderr, /not imported: \[0\]\.acceptButton:/);
  assert.match(run.stderr, /old setup: \[0\]:\n {2}pt-BR: O br-cookiebar não tem "Rejeitar todos"/);
  // The sample pre-selects its "desempenho" group: not carried, and said why.
  assert.ok(sample.cookieGroups[1].groupSelected && sample.cookieGroups[1].groupOptOut);
  assert.match(run.stderr, /old setup: \[0\]\.cookieGroups\[1\]\.groupSelected:\n {2}pt-BR: Grupo opcional pré-selecionado/);
  // Its only link is "#": no policy link, which the lint then asks for.
  assert.match(run.stderr, /compliance \(biscoito check\): policyUrl:/);

  const output = join(dir, "biscoito.json");
  writeFileSync(output, run.stdout);
  const check = biscoito("check", output);
  assert.doesNotMatch(check.stdout, /error:/, check.stdout);
  assert.match(check.stdout, /0 error\(s\), 1 compliance finding\(s\)/);
});

test("import-govbr says clearly when the input is not a cookie bar configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "biscoito-govbr-"));
  const notJson = join(dir, "a.json");
  writeFileSync(notJson, "[{");
  let run = biscoito("import-govbr", notJson);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /not valid JSON/);
  assert.equal(run.stdout, "", "nothing half-written to stdout");
  const other = join(dir, "b.json");
  writeFileSync(other, JSON.stringify({ categories: [] }));
  run = biscoito("import-govbr", other);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /no br-cookiebar language object/);
  run = biscoito("import-govbr", join(dir, "missing.json"));
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot read/);
});

const AGENCY = "/agencia/";

/** Computed styles of the banner's accept button and of the banner. */
const looks = (page) => page.evaluate(() => {
  const root = document.getElementById("biscoito").shadowRoot;
  const button = getComputedStyle(root.querySelector(".banner [data-action=accept-all]"));
  const banner = getComputedStyle(root.querySelector(".banner"));
  return { face: button.backgroundColor, text: button.color, radius: parseFloat(button.borderTopLeftRadius),
    height: parseFloat(button.height), font: button.fontFamily, weight: button.fontWeight, background: banner.backgroundColor };
});

test("the agency portal's config is what import-govbr makes of its cookiebar.json", async () => {
  const run = biscoito("import-govbr", join(root, "www", "agencia", "cookiebar.json"));
  assert.equal(run.status, 0, run.stderr);
  const imported = JSON.parse(run.stdout);
  for (const file of ["index.html", "privacidade.html"]) {
    const html = readFileSync(join(root, "www", "agencia", file), "utf8");
    const config = JSON.parse(/<script type="application\/json" id="biscoito-config">([^]*?)<\/script>/.exec(html)[1]);
    const { theme, googleAnalytics, ...rest } = config;
    assert.deepEqual(rest, imported, `${file}: the imported config, unchanged`);
    assert.deepEqual(theme, { preset: "govbr" });
    assert.deepEqual(googleAnalytics.consentMode, { analytics_storage: ["estatisticas"] });
  }
  // Its old cookie bar pre-selected statistics and had no reject-all: said, not carried.
  assert.match(run.stderr, /old setup: \[0\]\.cookieGroups\[1\]\.groupSelected:/);
  assert.match(run.stderr, /0 compliance finding\(s\) left to fix/);
});

test("the agency portal looks like gov.br in both schemes, passes axe and reflows at 320 px", async () => {
  for (const [scheme, background, face] of [["light", "rgb(255, 255, 255)", "rgb(19, 81, 180)"], ["dark", "rgb(7, 29, 65)", "rgb(197, 212, 235)"]]) {
    const { context, page, outside } = await visitor(env, { colorScheme: scheme });
    await page.goto(env.base + AGENCY);
    await ready(page);
    await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
    assert.ok(await page.getByRole("heading", { name: "Cookies no portal da Agência" }).isVisible(), "the imported title");
    for (const name of ["Aceitar todos", "Rejeitar todos", "Definir cookies"]) {
      assert.ok(await page.getByRole("button", { name, exact: true }).isVisible(), name);
    }
    const look = await looks(page);
    assert.equal(look.background, background, scheme);
    assert.equal(look.face, face, scheme);
    assert.ok(look.radius >= look.height / 2, `pill-shaped buttons: ${JSON.stringify(look)}`);
    assert.match(look.font, /^Rawline, Raleway, sans-serif$/);
    assert.equal(look.weight, "600", "gov.br's buttons are semibold (Biscoito's own are bold)");
    assert.deepEqual(await axeViolations(page), [], `${scheme}: the banner`);
    // The focus ring of gov.br: dashed.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    const ring = await page.evaluate(() => {
      const active = document.getElementById("biscoito").shadowRoot.activeElement;
      return active && getComputedStyle(active).outlineStyle;
    });
    assert.equal(ring, "dashed");
    await page.getByRole("button", { name: "Definir cookies", exact: true }).click();
    await page.getByRole("dialog").waitFor();
    const unchecked = await page.getByRole("dialog").getByRole("switch", { name: /Estatísticas/ }).isChecked();
    assert.equal(unchecked, false, "the group the old cookie bar pre-selected starts off");
    assert.deepEqual(await axeViolations(page), [], `${scheme}: the preferences dialog`);
    assert.deepEqual(outside, [], "nothing requested from another site before a choice");
    await context.close();
  }
  const { context, page } = await visitor(env, { viewport: { width: 320, height: 640 } });
  await page.goto(env.base + AGENCY);
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
  const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(width[0] <= width[1], `no sideways scrolling at 320 px: ${width}`);
  await context.close();
});

test("on the agency portal, accepting loads statistics and Google Analytics, and rejecting loads neither", async () => {
  for (const [button, runs] of [["Aceitar todos", true], ["Rejeitar todos", false]]) {
    const { context, page, google } = await visitor(env);
    await page.goto(env.base + AGENCY);
    await ready(page);
    await page.getByRole("button", { name: button, exact: true }).click();
    if (runs) await page.waitForFunction(() => window.contadorDeVisitas === 1);
    else await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.contadorDeVisitas ?? 0), runs ? 1 : 0, button);
    assert.equal(google.some((u) => u.includes("googletagmanager.com/gtag/js?id=G-AGENCIA001")), runs, button);
    const record = await page.evaluate(() => Biscoito.consent());
    assert.deepEqual(record.decisions, { necessarios: true, estatisticas: runs });
    await context.close();
  }
});

test("screenshots of the agency portal for the docs", async () => {
  const dir = join(root, "docs", "screenshots");
  for (const [name, viewport, layer] of [["agencia-banner-desktop", { width: 1280, height: 720 }, "banner"],
    ["agencia-preferences-320", { width: 320, height: 640 }, "preferences"]]) {
    const { context, page } = await visitor(env, { viewport, colorScheme: "light", reducedMotion: "reduce" });
    await page.goto(env.base + AGENCY);
    await ready(page);
    await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
    if (layer === "preferences") {
      await page.getByRole("button", { name: "Definir cookies", exact: true }).click();
      await page.getByRole("dialog").waitFor();
      // Not the hover state of whatever button took the clicked one's place.
      await page.mouse.move(0, 0);
    }
    await page.screenshot({ path: join(dir, `${name}.png`) });
    await context.close();
  }
});
