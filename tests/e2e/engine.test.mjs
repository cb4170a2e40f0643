// The consent engine seen from a real page: receipts, the cookie mirror and
// a choice made in another tab.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import { start, visitor, ready } from "./helpers.mjs";

const receiptSchema = JSON.parse(readFileSync(new URL("../../docs/receipt.schema.json", import.meta.url)));

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

test("each decision is sent as a receipt without the query string, and mirrored in a cookie", async () => {
  const { context, page } = await visitor(env);
  const receipts = [];
  await context.route("**/receipts", async (route) => {
    receipts.push(JSON.parse(route.request().postData()));
    await route.fulfill({ status: 204 });
  });
  await page.goto(env.base + "/test/receipts.html?cpf=12345678900");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.evaluate(() => Biscoito.rejectAll());
  for (let i = 0; i < 20 && receipts.length < 2; i++) await page.waitForTimeout(100);
  assert.equal(receipts.length, 2);
  assert.deepEqual(receipts.map((r) => r.record.method), ["accept-all", "reject-all"]);
  assert.equal(receipts[0].record.id, receipts[1].record.id);
  assert.equal(receipts[0].page, env.base + "/test/receipts.html");
  assert.ok(!JSON.stringify(receipts).includes("12345678900"));
  // What the banner sends is what docs/receipt.schema.json documents.
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const valid = ajv.compile(receiptSchema);
  for (const receipt of receipts) assert.ok(valid(receipt), ajv.errorsText(valid.errors));
  const mirror = (await context.cookies()).find((c) => c.name === "consent_mirror");
  assert.ok(mirror, "mirror cookie written");
  assert.equal(mirror.sameSite, "Lax");
  assert.equal(JSON.parse(decodeURIComponent(mirror.value)).method, "reject-all");
  await context.close();
});

test("a failing receipt endpoint never blocks the page", async () => {
  const { context, page, consoleLines } = await visitor(env);
  await context.route("**/receipts", (route) => route.abort());
  await page.goto(env.base + "/test/receipts.html");
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all");
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

test("a choice made in another tab applies here at once", async () => {
  const { context, page, google } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const other = await context.newPage();
  await other.goto(env.base + "/");
  await ready(other);
  const changes = page.evaluate(() => new Promise((done) => Biscoito.on("change", (e) => done(e.detail.method))));
  await other.getByRole("button", { name: "Aceitar todos" }).click();
  assert.equal(await changes, "accept-all");
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  assert.equal(await page.getByRole("button", { name: "Aceitar todos" }).count(), 0, "the banner left this tab too");
  assert.ok(google.length > 0);
  await context.close();
});
