// Biscoito in bundled apps, as an app team gets it: the package from
// `make pkg`, packed with `npm pack` and installed as a tarball into the
// tiny apps of tests/apps/ (Vite with plain JavaScript, React and Vue pages;
// webpack 5; Next.js's app router, whose build renders the pages in Node,
// importing the package without a DOM; Angular; all pinned in their
// package-lock.json),
// built, served, and visited: the banner, the exact
// outside requests before consent (none), analytics after "Aceitar todos",
// a gated embed added by a route change held back, and revocation.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { start, visitor, cookieNames } from "./helpers.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm" };
let env, packDir, tarball;

before(async () => {
  env = await start();
  packDir = mkdtempSync(join(tmpdir(), "biscoito-pack-"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: join(root, "pkg"), encoding: "utf8" }));
  tarball = join(packDir, packed[0].filename);
});
after(async () => {
  await env.close();
  rmSync(packDir, { recursive: true, force: true });
});

const built = new Map();
/** Installs the tarball into tests/apps/<name> (its bundler already there: .ci/setup.sh) and builds it, once. */
function build(name) {
  if (!built.has(name)) built.set(name, buildNow(name));
  return built.get(name);
}
function buildNow(name) {
  const dir = join(root, "tests", "apps", name);
  execFileSync("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: dir, stdio: "pipe" });
  execFileSync("npm", ["run", "--silent", "build"], { cwd: dir, stdio: "pipe", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NG_CLI_ANALYTICS: "false" } });
  return join(dir, "dist");
}

/** The built app on a port of its own, as a static host would serve it. */
function serveApp(dir) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = join(dir, normalize(path.endsWith("/") ? path + "index.html" : path));
    try {
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done({ server, base: `http://127.0.0.1:${server.address().port}` })));
}

for (const [app, path, kind] of [["vite", "/", "plain"], ["vite", "/react/", "React"], ["vite", "/vue/", "Vue"], ["webpack", "/", "plain"], ["next", "/", "Next.js"], ["angular", "/", "Angular"]]) {
  test(`a ${kind} ${app} app built from the packed package: banner, nothing before consent, analytics after Aceitar, revocation`, async () => {
    const { server, base } = await serveApp(build(app));
    try {
      const { context, page, google, outside, consoleLines } = await visitor(env);
      await page.goto(base + path);
      const accept = page.getByRole("button", { name: "Aceitar todos" });
      await accept.waitFor();
      assert.ok(await page.getByRole("button", { name: "Rejeitar todos" }).isVisible());
      // A route change adds a gated video: found without the app saying so, and held back.
      await page.getByRole("link", { name: "Consultar protocolo" }).click();
      await page.locator("iframe[data-category=videos]").waitFor({ state: "attached" });
      await page.waitForTimeout(300);
      assert.deepEqual(outside, [], "no request left the page before consent");
      assert.deepEqual(await cookieNames(context), []);
      await page.getByRole("button", { name: "Aceitar todos" }).click();
      await page.waitForFunction(() => document.cookie.includes("_ga="));
      assert.ok(google.some((u) => u.includes("gtag/js?id=G-VITEAPP123")), google.join());
      await page.waitForFunction(() => document.querySelector("iframe[data-category=videos]").src.includes("youtube"));
      assert.equal(await page.evaluate(() => Biscoito.consent().method), "accept-all");
      await page.evaluate(() => Biscoito.rejectAll());
      await page.waitForFunction(() => !document.cookie.includes("_ga="));
      assert.deepEqual(consoleLines.filter((l) => l.startsWith("pageerror")), []);
      await context.close();
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
}
