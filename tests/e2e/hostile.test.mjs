// Hostile input: markup in the config's texts, a page that overrides JSON,
// Storage or document.cookie, a cookie jar full of broken escapes near the
// header limit, a huge config. Nothing crashes, nothing runs, nobody is opted in.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, visitor, ready } from "./helpers.mjs";

let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

async function nothingOptional(page, outside, consoleLines, what) {
  await page.waitForTimeout(300);
  assert.deepEqual(outside, [], `${what}: no request left the page`);
  assert.equal(await page.evaluate(() => window.measured), undefined, `${what}: gated script did not run`);
  assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), false, `${what}: not opted in`);
  assert.equal(await page.evaluate(() => window.pwned), undefined, `${what}: no injected code ran`);
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), `${what}: ${consoleLines.join("\n")}`);
}

test("markup in config texts is shown as text, never parsed", async () => {
  const { context, page, outside, consoleLines } = await visitor(env);
  await page.goto(env.base + "/test/hostile.html");
  await ready(page);
  const heading = page.getByRole("heading", { name: /Título/ });
  assert.equal(await heading.textContent(), '<img src=x onerror="window.pwned=1">Título');
  assert.ok(await page.getByRole("button", { name: "<script>window.pwned=2</script>Aceitar todos" }).isVisible());
  await page.evaluate(() => Biscoito.showPreferences());
  const dialog = page.getByRole("dialog");
  assert.ok(await dialog.getByText('<b onmouseover="window.pwned=3">Estatísticas</b>').isVisible());
  const injected = await page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelectorAll("img, script, iframe, b").length);
  assert.equal(injected, 0);
  await nothingOptional(page, outside, consoleLines, "texts");
  await context.close();
});

for (const [what, query] of [
  ["a page that replaces JSON.parse and JSON.stringify", "json=1"],
  ["a page whose Storage.prototype claims consent", "storage=1"],
  ["a page whose document.cookie returns broken escapes", "cookie=1"],
  ["a cookie jar near the 4 KB limit with non-UTF-8 escapes", "flood=1"],
]) {
  test(`${what}: no crash, no opt-in`, async () => {
    const { context, page, outside, consoleLines } = await visitor(env);
    await page.goto(`${env.base}/test/hostile.html?${query}`);
    await ready(page);
    await page.getByRole("button", { name: "Rejeitar todos" }).waitFor();
    await nothingOptional(page, outside, consoleLines, what);
    await page.getByRole("button", { name: "Rejeitar todos" }).click();
    assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all", `${what}: the choice still works`);
    await nothingOptional(page, outside, consoleLines, what);
    await context.close();
  });
}

test("a huge config (5 000 categories, 2 MB) is handled without hanging or opting in", async () => {
  const { context, page, outside, consoleLines } = await visitor(env);
  await page.goto(env.base + "/test/hostile.html");
  await ready(page);
  const result = await page.evaluate(() => {
    const categories = [{ id: "necessary", required: true }];
    for (let i = 0; i < 5000; i++) categories.push({ id: "c" + i, title: "x".repeat(400) });
    const started = performance.now();
    const problems = Biscoito.init({ categories, googleAnalytics: { measurementId: "G-HOSTILE001", consentMode: { analytics_storage: ["c1"] } } });
    return { problems: problems.length, ms: performance.now() - started, shown: !!document.getElementById("biscoito").shadowRoot.querySelector(".banner") };
  });
  assert.equal(result.problems, 0);
  assert.ok(result.shown);
  console.log(`# huge config handled in ${Math.round(result.ms)} ms`);
  assert.equal(await page.evaluate(() => Biscoito.accepted("c1")), false);
  await nothingOptional(page, outside, consoleLines, "huge config");
  await context.close();
});
