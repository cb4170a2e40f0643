// The npm package (make pkg): its ES module boots the same banner for a
// bundler-style page, holds Google Analytics until opt-in, and ships the same
// bytes as the drop-in script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { start, visitor, cookieNames } from "./helpers.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

const PAGE = `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Pacote</title>
<script type="application/json" id="biscoito-config">{"googleAnalytics":{"measurementId":"G-PKG1234567"}}</script>
<script type="module">
import init, { boot } from "/pkg/biscoito.js";
function gtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
await init();
boot(gtag);
</script></head><body><h1>Portal empacotado</h1></body></html>`;

test("the package's ES module shows the banner and releases analytics only after Aceitar", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  await context.route(`${env.base}/pacote.html`, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: PAGE }));
  await page.goto(`${env.base}/pacote.html`);
  const accept = page.getByRole("button", { name: "Aceitar todos" });
  await accept.waitFor();
  assert.ok(await page.getByRole("button", { name: "Rejeitar todos" }).isVisible());
  await page.waitForTimeout(300);
  assert.deepEqual(google, [], "nothing reaches Google before consent");
  assert.deepEqual(await cookieNames(context), []);
  await accept.click();
  await page.waitForFunction(() => document.cookie.includes("_ga="));
  assert.ok(google.some((u) => u.includes("googletagmanager.com/gtag/js?id=G-PKG1234567")), google.join());
  assert.deepEqual(consoleLines.filter((l) => l.startsWith("error") || l.startsWith("pageerror")), []);
  await context.close();
});

/** A page of an app that imports the package and calls start(). */
const appPage = (script, config = "") => `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>App</title>${config}
<script type="module">import { start } from "/pkg/index.js";
${script}</script></head><body><h1>Aplicativo</h1></body></html>`;

test("start() boots the banner, holds analytics until Aceitar, and resolves with window.Biscoito, once", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  const config = `<script type="application/json" id="biscoito-config">{"googleAnalytics":{"measurementId":"G-START12345"}}</script>`;
  const script = `const api = await start(); const again = await start();
window.startedOnce = api === again && api === window.Biscoito && Object.isFrozen(api) && typeof api.acceptAll === "function";`;
  await context.route(`${env.base}/app.html`, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: appPage(script, config) }));
  const wasm = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url()); });
  await page.goto(`${env.base}/app.html`);
  await page.waitForFunction(() => window.startedOnce !== undefined);
  assert.equal(await page.evaluate(() => window.startedOnce), true);
  assert.deepEqual(wasm, [`${env.base}/pkg/biscoito_bg.wasm`], "the module beside the package's JavaScript, loaded once");
  const accept = page.getByRole("button", { name: "Aceitar todos" });
  await accept.waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(google, [], "nothing reaches Google before consent");
  await accept.click();
  await page.waitForFunction(() => document.cookie.includes("_ga="));
  assert.ok(google.some((u) => u.includes("gtag/js?id=G-START12345")), google.join());
  // Revocation, through the same API object.
  await page.evaluate(() => Biscoito.rejectAll());
  await page.waitForFunction(() => !document.cookie.includes("_ga="));
  assert.deepEqual(consoleLines.filter((l) => l.startsWith("error") || l.startsWith("pageerror")), []);
  await context.close();
});

test("start(config) uses that config, read as the script tag's, and wasmUrl moves the module", async () => {
  const { context, page, consoleLines } = await visitor(env);
  const script = `window.api = await start({ language: "en", revision: 2 }, { wasmUrl: "/biscoito/biscoito_bg.wasm" });
window.problems = await start({ language: "fr" }).then((api) => api.configErrors());`;
  await context.route(`${env.base}/app.html`, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: appPage(script) }));
  const wasm = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url()); });
  await page.goto(`${env.base}/app.html`);
  await page.getByRole("button", { name: "Accept all" }).waitFor();
  assert.ok(await page.getByRole("button", { name: "Reject all" }).isVisible());
  assert.deepEqual(wasm, [`${env.base}/biscoito/biscoito_bg.wasm`]);
  await page.waitForFunction(() => window.problems !== undefined);
  assert.deepEqual(await page.evaluate(() => window.problems), [], "a second start() is the first one, its config untouched");
  await page.getByRole("button", { name: "Reject all" }).click();
  assert.equal(await page.evaluate(() => Biscoito.consent().revision), 2);
  assert.deepEqual(consoleLines.filter((l) => l.startsWith("pageerror")), []);
  await context.close();
});

test("a bad config given to start() is reported on the console and opts nobody in", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  const script = `window.api = await start({ revision: "dois", googleAnalytics: { measurementId: "G-START12345" } });`;
  await context.route(`${env.base}/app.html`, (route) => route.fulfill({ contentType: "text/html; charset=utf-8", body: appPage(script) }));
  await page.goto(`${env.base}/app.html`);
  await page.getByRole("button", { name: "Aceitar todos" }).waitFor();
  const problems = await page.evaluate(() => Biscoito.configErrors());
  assert.ok(problems.some((p) => p.includes("revision: must be a whole number")), problems.join("\n"));
  assert.ok(consoleLines.some((l) => l.startsWith("error: biscoito config: revision")), consoleLines.join("\n"));
  await page.waitForTimeout(300);
  assert.deepEqual(google, []);
  await context.close();
});

test("importing the package where there is no DOM is safe, and start() there resolves to null", async () => {
  // This test's own process is plain Node: no window, no document.
  const pkg = await import(pathToFileURL(join(root, "pkg", "index.js")).href);
  assert.equal(typeof globalThis.window, "undefined");
  assert.equal(await pkg.start(), null);
  assert.equal(await pkg.start({ language: "en" }), null);
  for (const name of ["acceptAll", "rejectAll", "acceptOnly", "accepted", "consent", "on", "init", "boot", "default"]) {
    assert.equal(typeof pkg[name], "function", name);
  }
});

test("every export and type of the package checks with tsc --noEmit", () => {
  const tsc = join(root, "tests", "e2e", "node_modules", ".bin", "tsc");
  const run = spawnSync(tsc, ["-p", join(root, "tests", "e2e", "fixtures", "package-types", "tsconfig.json")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("package.json points bundlers and CDNs at files that exist, with the drop-in's own bytes", async () => {
  const pkg = JSON.parse(await readFile(join(root, "pkg", "package.json"), "utf8"));
  assert.equal(pkg.main, "index.js");
  assert.equal(pkg.module, "index.js");
  assert.equal(pkg.types, "index.d.ts");
  assert.equal(pkg.unpkg, "dist/biscoito.js");
  assert.equal(pkg.jsdelivr, "dist/biscoito.js");
  for (const f of ["index.js", "index.d.ts", "biscoito.js", "biscoito_bg.wasm", "biscoito.d.ts", "LICENSE-MIT", "LICENSE-APACHE", "dist/", "biscoito.schema.json"]) {
    assert.ok(pkg.files.includes(f), `files lists ${f}`);
  }
  for (const f of ["biscoito.js", "biscoito_bg.wasm"]) {
    assert.ok((await readFile(join(root, "pkg", "dist", f))).equals(await readFile(join(root, "dist", f))), `pkg/dist/${f} is dist/${f}`);
  }
  // npm users get the size-built module, not a second, larger build.
  assert.ok((await readFile(join(root, "pkg", "biscoito_bg.wasm"))).equals(await readFile(join(root, "dist", "biscoito_bg.wasm"))));
  assert.match(await readFile(join(root, "pkg", "biscoito.d.ts"), "utf8"), /export function acceptAll\(\): void;/);
});
