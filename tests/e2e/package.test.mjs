// The npm package (make pkg): its ES module boots the same banner for a
// bundler-style page, holds Google Analytics until opt-in, and ships the same
// bytes as the drop-in script.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

test("package.json points bundlers and CDNs at files that exist, with the drop-in's own bytes", async () => {
  const pkg = JSON.parse(await readFile(join(root, "pkg", "package.json"), "utf8"));
  assert.equal(pkg.main, "biscoito.js");
  assert.equal(pkg.types, "biscoito.d.ts");
  assert.equal(pkg.unpkg, "dist/biscoito.js");
  assert.equal(pkg.jsdelivr, "dist/biscoito.js");
  for (const f of ["biscoito.js", "biscoito_bg.wasm", "biscoito.d.ts", "LICENSE-MIT", "LICENSE-APACHE", "dist/", "biscoito.schema.json"]) {
    assert.ok(pkg.files.includes(f), `files lists ${f}`);
  }
  for (const f of ["biscoito.js", "biscoito_bg.wasm"]) {
    assert.ok((await readFile(join(root, "pkg", "dist", f))).equals(await readFile(join(root, "dist", f))), `pkg/dist/${f} is dist/${f}`);
  }
  // npm users get the size-built module, not a second, larger build.
  assert.ok((await readFile(join(root, "pkg", "biscoito_bg.wasm"))).equals(await readFile(join(root, "dist", "biscoito_bg.wasm"))));
  assert.match(await readFile(join(root, "pkg", "biscoito.d.ts"), "utf8"), /export function acceptAll\(\): void;/);
});
