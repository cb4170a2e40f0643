// The Content-Security-Policy that follows consent, end to end: Debian's
// nginx, run unprivileged from a temporary prefix with what `biscoito csp`
// wrote for www/csp-consentimento/'s config, serves that page, whose HTML
// carries tracker tags nobody marked (a script, a pixel, an iframe, and a
// fetch and a beacon from an inline script). The tracker hosts resolve to a
// server of this test that counts every request that reaches it: the
// network's own count, preload scanner included.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { createServer } from "node:http";
import { chmodSync, cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "./helpers.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");
const NGINX = "/usr/sbin/nginx";

let dir, nginx, trackers, browser, base;
const stopLater = [];
const seen = [];

const freePort = () => new Promise((done) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => done(port));
  });
});

/**
 * nginx serving www/ (and dist/ at /biscoito/) with what `biscoito csp`
 * wrote into `conf`, from its own prefix under the test's directory;
 * `extra` goes into the server block.
 */
async function startNginx(name, conf, extra = "") {
  const prefix = join(dir, name);
  for (const sub of ["logs", "tmp"]) mkdirSync(join(prefix, sub), { recursive: true });
  const port = await freePort();
  writeFileSync(join(prefix, "nginx.conf"), `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  types { text/html html; text/javascript js; application/wasm wasm; }
  client_body_temp_path ${prefix}/tmp/body; proxy_temp_path ${prefix}/tmp/proxy; fastcgi_temp_path ${prefix}/tmp/fcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi; scgi_temp_path ${prefix}/tmp/scgi;
  include ${conf}/http.conf;
  server {
    listen 127.0.0.1:${port};
    location /biscoito/ { alias ${dir}/site/biscoito/; }
    location / { root ${dir}/site; include ${conf}/server.conf; }
    ${extra}
  }
}
`);
  const process = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf")], { stdio: "ignore" });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try { await fetch(url + "/csp-consentimento/"); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  return { url, process };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "biscoito-csp-nginx-"));
  // nginx's workers drop to an unprivileged user when started as root: they
  // serve a copy in a directory anyone may read, not the checkout (a clean
  // clone under mktemp -d is 0700).
  chmodSync(dir, 0o755);
  cpSync(join(root, "www", "csp-consentimento"), join(dir, "site", "csp-consentimento"), { recursive: true });
  cpSync(join(root, "dist"), join(dir, "site", "biscoito"), { recursive: true });
  const page = readFileSync(join(root, "www", "csp-consentimento", "index.html"), "utf8");
  const config = /<script type="application\/json" id="biscoito-config">([\s\S]*?)<\/script>/.exec(page)[1];
  writeFileSync(join(dir, "biscoito.json"), config);
  const written = spawnSync(BIN, ["csp", "--config", join(dir, "biscoito.json"), "--server", "nginx", "--out", join(dir, "conf")], { encoding: "utf8" });
  assert.equal(written.status, 0, written.stderr);

  trackers = createServer((req, res) => {
    seen.push(`${req.headers.host.split(":")[0]}${req.url}`);
    const type = req.url.endsWith(".js") ? "text/javascript" : req.url.endsWith(".html") ? "text/html" : "image/gif";
    res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(type === "text/javascript" ? "window.contou = (window.contou || 0) + 1;" : "");
  }).listen(0, "127.0.0.1");
  await new Promise((r) => trackers.once("listening", r));

  ({ url: base, process: nginx } = await startNginx("enforced", join(dir, "conf")));
  browser = await launchChromium({ extraArgs: [`--host-resolver-rules=MAP *.terceiro.test 127.0.0.1:${trackers.address().port}`] });
});

after(async () => {
  await browser?.close();
  nginx?.kill("SIGTERM");
  for (const child of stopLater) child.kill("SIGTERM");
  trackers?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Loads the page and lets late requests arrive; what reached the trackers meanwhile. */
async function view(page) {
  const from = seen.length;
  await page.goto(base + "/csp-consentimento/");
  await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
  await page.waitForTimeout(700);
  return seen.slice(from);
}

test("unmarked tags reach no tracker before a choice; accepting analytics reloads once and lets only its host through; a revocation is strict again", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  assert.deepEqual(await view(page), [], "nothing before any choice, the tags written in the HTML included");
  assert.equal(await page.evaluate(() => window.contou), undefined);

  // A choice that widens the policy reloads the page once, under the new header.
  let loads = 0;
  page.on("load", () => loads++);
  const from = seen.length;
  await page.evaluate(() => Biscoito.acceptOnly(["analytics"]));
  await page.waitForFunction(() => window.contou === 1);
  await page.waitForTimeout(700);
  assert.equal(loads, 1, "one reload");
  assert.deepEqual([...new Set(seen.slice(from))], ["estatistica.terceiro.test/contador.js"]);
  const cookie = (await context.cookies()).find((c) => c.name === "biscoito-csp");
  assert.equal(cookie.value, "4.analytics");
  assert.ok(!/[0-9a-f]{32}/.test(cookie.value), "no identifier");

  assert.deepEqual(await view(page), ["estatistica.terceiro.test/contador.js"], "a returning visitor's page");

  await page.evaluate(() => Biscoito.rejectAll());
  await page.waitForTimeout(300);
  assert.deepEqual(await view(page), [], "after the revocation, strict again");
  await context.close();
});

test("a forged cookie, one of another revision, or none at all gets the strict policy", async () => {
  for (const value of ["3.analytics.marketing.youtube", "4.evil", "4.analytics.marketing.youtube.x"]) {
    const context = await browser.newContext();
    await context.addCookies([{ name: "biscoito-csp", value, url: base }]);
    const page = await context.newPage();
    const reached = await view(page);
    if (value.startsWith("4.analytics.marketing.youtube")) {
      // A visitor may of course write their own cookie: it widens only their own pages.
      assert.ok(reached.includes("anuncios.terceiro.test/p.gif"), `${value}: ${reached}`);
    } else {
      assert.deepEqual(reached, [], value);
    }
    await context.close();
  }
});

test("in report-only mode, what the policy would block reaches the receipts service, and `leaks` lists it", async () => {
  const written = spawnSync(BIN, ["csp", "--config", join(dir, "biscoito.json"), "--server", "nginx", "--out", join(dir, "conf-report"),
    "--report-only", "/csp-reports"], { encoding: "utf8" });
  assert.equal(written.status, 0, written.stderr);
  const db = `sqlite:${join(dir, "recibos.db")}`;
  const service = spawn(BIN, ["receipts", "serve", "--listen", "127.0.0.1:0", "--db", db], { stdio: ["ignore", "ignore", "pipe"] });
  stopLater.push(service);
  let address;
  for await (const line of createInterface({ input: service.stderr })) {
    const entry = JSON.parse(line);
    if (entry.fields.message === "listening") { address = entry.fields.address; break; }
  }
  service.stderr.resume();
  const reporting = await startNginx("report-only", join(dir, "conf-report"),
    `location = /csp-reports { proxy_pass http://${address}/csp-reports; }`);
  stopLater.push(reporting.process);
  const context = await browser.newContext();
  const page = await context.newPage();
  const from = seen.length;
  await page.goto(reporting.url + "/csp-consentimento/");
  await page.waitForFunction(() => window.Biscoito);
  await page.waitForTimeout(700);
  assert.ok(seen.slice(from).includes("anuncios.terceiro.test/p.gif"), "report-only blocks nothing");
  let listed = "";
  for (let i = 0; i < 50 && !/anuncios\.terceiro\.test/.test(listed); i++) {
    await new Promise((r) => setTimeout(r, 200));
    listed = spawnSync(BIN, ["receipts", "leaks", "--db", db], { encoding: "utf8" }).stdout;
  }
  for (const host of ["estatistica.terceiro.test", "anuncios.terceiro.test", "videos.terceiro.test"]) {
    assert.match(listed, new RegExp(host.replaceAll(".", "\\.") + ".*/csp-consentimento/"), listed);
  }
  await context.close();
});
