// The walking skeleton, end to end: one script tag, a Portuguese banner,
// reject and accept as easy as each other, and analytics only after "Aceitar".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, visitor, cookieNames, ready, moduleDownloads } from "./helpers.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

test("first visit shows the Portuguese banner and sends nothing to Google", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const accept = page.getByRole("button", { name: "Aceitar todos" });
  const reject = page.getByRole("button", { name: "Rejeitar todos" });
  await accept.waitFor();
  assert.ok(await page.getByRole("heading", { name: "Sua privacidade neste portal" }).isVisible());
  assert.ok(await page.getByRole("button", { name: "Preferências", exact: true }).isVisible());
  const [a, r] = [await accept.boundingBox(), await reject.boundingBox()];
  assert.ok(Math.abs(a.width - r.width) < 1 && a.height === r.height, `accept ${a.width}x${a.height} vs reject ${r.width}x${r.height}`);
  const weight = (l) => l.evaluate((el) => { const s = getComputedStyle(el); return [s.fontWeight, s.backgroundColor, s.color].join(); });
  assert.equal(await weight(accept), await weight(reject));
  await page.waitForTimeout(300);
  assert.deepEqual(google, []);
  assert.equal(await page.evaluate(() => window.contadorDeVisitas), undefined);
  assert.equal(await page.evaluate(() => Biscoito.consent()), null);
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), false);
  assert.deepEqual(await cookieNames(context), []);
  await context.close();
});

test("every demo portal page downloads the module once, started by its preload", async () => {
  for (const path of ["/", "/defensoria/privacidade.html", "/tribunal/", "/tribunal/privacidade.html"]) {
    const { context, page } = await visitor(env);
    const wasmRequests = [];
    page.on("request", (r) => { if (r.url().endsWith("/biscoito_bg.wasm")) wasmRequests.push(r.url()); });
    await page.goto(env.base + path);
    await ready(page);
    assert.deepEqual(await moduleDownloads(page), ["link"], path);
    assert.equal(wasmRequests.length, 1, path);
    await context.close();
  }
});

test("reject, reload: no banner, no analytics; accept later from the preferences: analytics runs", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  assert.equal(await page.getByRole("button", { name: "Rejeitar todos" }).count(), 0);
  const record = await page.evaluate(() => Biscoito.consent());
  assert.equal(record.method, "reject-all");
  assert.deepEqual(record.decisions, { necessary: true, analytics: false, videos: false });
  await page.reload();
  await ready(page);
  await page.waitForTimeout(300);
  assert.equal(await page.getByRole("button", { name: "Aceitar todos" }).count(), 0, "banner shown again after a choice");
  assert.deepEqual(google, []);
  assert.equal(await page.evaluate(() => window.contadorDeVisitas), undefined);
  assert.deepEqual(await cookieNames(context), []);

  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  const dialog = page.getByRole("dialog", { name: "Preferências de cookies" });
  await dialog.waitFor();
  assert.equal(await dialog.getByRole("switch", { name: /Estatísticas/ }).isChecked(), false);
  await dialog.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  await page.waitForFunction(() => document.cookie.includes("_ga="));
  assert.deepEqual(google, ["https://www.googletagmanager.com/gtag/js?id=G-DEMO123456"]);
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "accept-all");
  assert.match(await page.locator("#estatisticas").textContent(), /ativas/);
  await context.close();
});

test("accepting with the keyboard alone; the choice survives a reload and scripts run at once", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const focused = async () => page.evaluate(() => document.getElementById("biscoito").shadowRoot.activeElement?.textContent);
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Política de privacidade", "the banner comes first in tab order");
  await page.keyboard.press("Tab");
  assert.equal(await focused(), "Aceitar todos");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  await page.reload();
  await ready(page);
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  assert.equal(await page.getByRole("button", { name: "Aceitar todos" }).count(), 0);
  assert.deepEqual(google, Array(2).fill("https://www.googletagmanager.com/gtag/js?id=G-DEMO123456"), "gtag.js once per page view, nothing else");
  await context.close();
});

test("revoking deletes the analytics cookies and reloads without analytics", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => document.cookie.includes("_ga="));
  const requestsBefore = google.length;
  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  await Promise.all([
    page.waitForEvent("load"),
    page.getByRole("dialog").getByRole("button", { name: "Rejeitar todos" }).click(),
  ]);
  await ready(page);
  await page.waitForTimeout(300);
  assert.deepEqual(await cookieNames(context), []);
  assert.equal(google.length, requestsBefore, "nothing sent to Google after the revocation");
  assert.equal(await page.evaluate(() => window.contadorDeVisitas), undefined);
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all");
  await context.close();
});

test("an invalid config is reported on the console and opts nobody in", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const problems = await page.evaluate(() => Biscoito.init({ revision: "dois", categories: [{ id: "analytics", required: true, cookies: ["_ga"] }] }));
  assert.deepEqual(problems, [
    "biscoito config: revision: must be a whole number from 0 to 4294967295",
    "biscoito config: categories[0].cookies[0]: is an analytics or advertising cookie and cannot be in a required category: it needs consent",
  ]);
  assert.ok(consoleLines.some((l) => l.startsWith("error: biscoito config: revision")), consoleLines.join("\n"));
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), false);
  assert.ok(await page.getByRole("button", { name: "Rejeitar todos" }).isVisible());
  assert.deepEqual(google, []);
  await context.close();
});

test("an invalid inline config names each bad field on the console and the banner still asks", async () => {
  const { context, page, consoleLines } = await visitor(env);
  await page.goto(env.base + "/test/order.html");
  await ready(page);
  const errors = consoleLines.filter((l) => l.startsWith("error: biscoito config"));
  assert.deepEqual(errors, [
    "error: biscoito config: categories[1].required: must be true or false, not string",
    "error: biscoito config: revison: is not a known setting (check its spelling)",
  ]);
  assert.equal((await page.evaluate(() => Biscoito.configErrors())).length, 2);
  assert.equal(await page.evaluate(() => window.ranInOrder), undefined);
  assert.ok(await page.getByRole("button", { name: "Rejeitar todos" }).isVisible());
  await context.close();
});

test("released scripts run once, in document order, and only when every category they name is accepted", async () => {
  const { context, page } = await visitor(env);
  // Delay the first external script so that running out of order would show.
  await context.route("**/test/order.js?slow", async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await page.goto(env.base + "/test/order.html");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => (window.ranInOrder || []).length >= 3);
  await page.evaluate(() => Biscoito.refresh());
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.ranInOrder), ["external 1", "inline 2", "external 3"]);
  await context.close();
});
