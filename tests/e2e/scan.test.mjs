// `biscoito scan` against the demo: the portals are clean, the leaky portal
// (www/vazamentos/) reports each of its leaks exactly once, hostile pages
// become report lines, and the HTML report passes axe. Other sites are
// played by *.terceiro.test, which Chromium resolves to this server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";
import { start } from "./helpers.mjs";
import { serve } from "./server.mjs";

const require = createRequire(import.meta.url);
const root = resolve(fileURLToPath(import.meta.url), "../../..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");
let env, dir, port;

before(async () => {
  assert.ok(existsSync(BIN), `${BIN} is missing: run cargo build --bin biscoito (make test-e2e does)`);
  env = await start();
  port = new URL(env.base).port;
  dir = await mkdtemp(join(tmpdir(), "biscoito-scan-test-"));
});
after(() => env?.close());

// Chromium's sandbox cannot run as root, and `biscoito scan` refuses to
// drop it unasked: as root (CI containers), every scan here says
// --no-sandbox, and one test checks the refusal without it.
const AS_ROOT = process.getuid() === 0;

/** Runs the command; resolves with its exit code and output. */
function biscoito(args, { interruptAfterMs, sandbox = !AS_ROOT } = {}) {
  return new Promise((done) => {
    const full = args[0] === "scan" && !sandbox ? [...args, "--no-sandbox"] : [...args];
    // The stand-ins for other sites live on loopback, which the scanner's
    // private-address guard refuses (and a proxied Chromium ignores
    // --host-resolver-rules): scans that use them allow private addresses.
    // Every other scan here runs through the guard.
    if (args.includes(thirdParties())) full.push("--allow-private");
    const child = spawn(BIN, full, { env: { ...process.env, LANG: "C" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    if (interruptAfterMs) setTimeout(() => child.kill("SIGINT"), interruptAfterMs);
    child.on("close", (code) => done({ code, stdout, stderr, pid: child.pid }));
  });
}

/** The HTML report in a fresh tab. */
async function openReport(file) {
  const context = await env.browser.newContext();
  const tab = await context.newPage();
  await tab.goto(`file://${file}`);
  return tab;
}

/** axe's WCAG 2.2 AA violations on the tab, as "rule: nodes". */
async function axeViolations(tab) {
  await tab.addScriptTag({ content: await readFile(require.resolve("axe-core/axe.min.js"), "utf8") });
  return tab.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.length}`);
  });
}

const thirdParties = () => `--browser-arg=--host-resolver-rules=MAP *.terceiro.test 127.0.0.1:${port}`;
const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const validReport = ajv.compile(JSON.parse(await readFile(join(root, "docs", "scan-report.schema.json"), "utf8")));
/** The report, held to its documented schema. */
async function findingsOf(file) {
  const report = JSON.parse(await readFile(file, "utf8"));
  assert.ok(validReport(report), `${file}: ${ajv.errorsText(validReport.errors)}`);
  return report;
}

test("the leaky portal: each leak is reported exactly once, with its type, phase, kind and page", async () => {
  const json = join(dir, "leaks.json");
  const html = join(dir, "leaks.html");
  const written = join(dir, "leaks-config.json");
  const run = await biscoito(["scan", `${env.base}/vazamentos/`, thirdParties(), "--progress", "lines",
    "--json", json, "--html", html, "--write-config", written]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const report = await findingsOf(json);
  assert.equal(report.version, 1);
  // Nine pages by their links, and one that only sitemap.xml lists.
  assert.equal(report.summary.pages, 10);
  assert.ok(report.pages.some((p) => p.url === `${env.base}/vazamentos/so-no-mapa.html`), "sitemap.xml is read");
  const page = (name) => `${env.base}/vazamentos/${name}`;
  const expected = [
    { type: "violation", kind: "request", url: "https://www.googletagmanager.com/gtag/js", page: page("gtag.html"), provider: "Google Analytics 4 (gtag.js)" },
    { type: "violation", kind: "request", url: "http://pixel.terceiro.test/p.gif", page: page("pixel.html") },
    { type: "violation", kind: "request", url: "http://mapas.terceiro.test/mapa.html", page: page("mapa.html") },
    { type: "violation", kind: "cookie", name: "contador_visitas", page: page("contador.html") },
    { type: "violation", kind: "cookie", name: "rastreio_servidor", page: page("servidor.html") },
    { type: "violation", kind: "script", url: "http://chat.terceiro.test/chat.js", page: page("tardio.html") },
    { type: "violation", kind: "script", url: "http://widget.terceiro.test/widget.js", page: page("widget.html") },
    { type: "missing", kind: "page", url: page("sem-biscoito.html"), page: page("sem-biscoito.html") },
  ];
  for (const want of expected) {
    const matching = report.findings.filter((f) => (want.url ? f.url === want.url : f.name === want.name));
    assert.equal(matching.length, 1, `${want.url || want.name}: ${JSON.stringify(matching)}`);
    const [found] = matching;
    for (const [key, value] of Object.entries(want)) assert.equal(found[key], value, `${want.url || want.name}: ${key}`);
    assert.equal(found.phase, "before-consent", `${want.url || want.name}: phase`);
  }
  const failing = report.findings.filter((f) => ["violation", "missing", "broken"].includes(f.type));
  assert.equal(failing.length, expected.length, JSON.stringify(failing, null, 1));
  // The widget's localStorage key is its effect, not a second leak.
  const widget = report.findings.find((f) => f.url === "http://widget.terceiro.test/widget.js");
  assert.deepEqual(widget.effects, ["localStorage widget_visitante"]);
  const chat = report.findings.find((f) => f.url === "http://chat.terceiro.test/chat.js");
  assert.deepEqual(chat.effects, ["indexedDB chat_historico"]);
  // How to fix: GA is a known tracker the config does not declare; the
  // widget is a script from a host nobody knows, which the site may need.
  const gtag = report.findings.find((f) => f.url === "https://www.googletagmanager.com/gtag/js");
  assert.deepEqual(gtag.fixes, [{ action: "declare-host", host: "www.googletagmanager.com", category: "analytics" },
    { action: "mark", category: "analytics" }, { action: "csp" }]);
  assert.deepEqual(widget.fixes.map((x) => x.action), ["declare-needed", "declare-host", "mark", "turn-on-guard", "csp"]);
  assert.equal(report.findings.find((f) => f.type === "missing").fixes[0].action, "add-biscoito");
  // Not on a terminal: one plain progress line a page.
  assert.match(run.stderr, /^\[before-consent\] 1\/\d+ http:\/\/localhost:\d+\/vazamentos\/$/m);
  assert.match(run.stderr, /^\[after-accept\] 11\/11 /m);
  // The declared, gated counter loaded only after acceptance, so it is no finding.
  assert.ok(!report.findings.some((f) => f.url?.includes("estatistica.terceiro.test")));
  assert.ok(report.pages.some((p) => p.phase === "after-accept" && p.scripts.includes("http://estatistica.terceiro.test/contador.js")));
  assert.deepEqual(report.choices.map((c) => [c.phase, c.clicked, c.bannerHidden, c.recorded]),
    [["after-reject", true, true, true], ["after-accept", true, true, true]]);
  // Query values never reach the report.
  assert.ok(!(await readFile(json, "utf8")).includes("visitante=123"));

  // --write-config: the GA host placed in analytics, the rest left to the maintainer; it passes check.
  const config = JSON.parse(await readFile(written, "utf8"));
  assert.ok(config.categories.find((c) => c.id === "analytics").hosts.includes("www.googletagmanager.com"));
  assert.equal(config.unresolved.length, 6, config.unresolved.join("\n"));
  const check = await biscoito(["check", written]);
  assert.match(check.stdout, /ok$/m, check.stdout);

  // The HTML report: self-contained and accessible.
  const text = await readFile(html, "utf8");
  assert.doesNotMatch(text, /<script|<link|src="http/);
  const tab = await openReport(html);
  assert.deepEqual(await axeViolations(tab), []);
  assert.equal(await tab.locator("h1").textContent(), "Cookie and consent audit");
  assert.ok(await tab.locator("img[alt]").count(), "the banner's screenshot, described");
  // Reflow (WCAG 1.4.10): at 320 CSS pixels nothing scrolls sideways.
  await tab.setViewportSize({ width: 320, height: 800 });
  assert.equal(await tab.evaluate(() => document.documentElement.scrollWidth), 320);
  await tab.context().close();
});

test("the demo portals scan clean (exit 0), each judged by its own config", async () => {
  for (const portal of ["/tribunal/", "/"]) {
    const json = join(dir, "demo.json");
    const run = await biscoito(["scan", `${env.base}${portal}`, "--wait", "1500", "--json", json, "--progress", "none"]);
    assert.equal(run.code, 0, `${portal}\n${run.stdout}${run.stderr}`);
    const report = await findingsOf(json);
    assert.ok(report.summary.pages >= 2, `${portal}: crawled ${report.summary.pages}`);
    assert.ok(!report.findings.some((f) => ["violation", "missing", "broken"].includes(f.type)));
    assert.equal(report.config.source, "page");
    // Two portals share this host: the other one's pages are named, not judged.
    assert.ok(report.otherConfigs.length >= 1, `${portal}: ${JSON.stringify(report.otherConfigs)}`);
  }
});

test("a portal behind the guard: only the requests of tags written in the HTML remain, each with its fix", async () => {
  const json = join(dir, "camara.json");
  const run = await biscoito(["scan", `${env.base}/camara/`, "--pages", "1", "--depth", "0", "--progress", "none", "--json", json]);
  const report = await findingsOf(json);
  const violations = report.findings.filter((f) => f.type === "violation");
  // The preload scanner asks for what the HTML names before any script runs;
  // nothing the guard held ran, set a cookie or made a request of its own.
  // Chromium's HSTS preload list sends http://www.youtube.com to https, in
  // one pass or another: the scheme is left out of the comparison.
  const seen = new Set(violations.map((f) => `${f.kind} ${f.url.replace(/^https?:/, "")}`));
  assert.deepEqual([...seen].sort(), [
    "request //px.ads.linkedin.com/collect/",
    "request //www.googletagmanager.com/gtag/js",
    "request //www.youtube.com/embed/sessao-ordinaria",
  ], run.stdout);
  assert.ok(violations.every((f) => f.phase === "before-consent"), run.stdout);
  // Each says what to do: these hosts are declared, so mark the tag, or let
  // the Content-Security-Policy stop the request the guard cannot.
  for (const f of violations) assert.deepEqual(f.fixes.map((x) => x.action), ["mark", "csp"], f.url);
  const gtag = violations.find((f) => f.url.includes("googletagmanager"));
  assert.equal(gtag.fixes[0].category, "analytics");
  assert.match(run.stdout, /fix: mark this tag: type="text\/plain" data-category="analytics"/);
  assert.match(run.stdout, /fix: the Content-Security-Policy that follows consent \(biscoito csp\) stops this request/);
});

test("Biscoito's own files served uncompressed and revalidated are slow findings with their cost and fix; a well-configured host has none", async () => {
  const plainJson = join(dir, "slow-plain.json");
  const plain = await biscoito(["scan", `${env.base}/tribunal/`, "--pages", "1", "--depth", "0", "--progress", "none", "--json", plainJson]);
  const slow = (await findingsOf(plainJson)).findings.filter((f) => f.type === "slow");
  const line = (f) => `${f.url.replace(/^.*\/biscoito\//, "")} ${f.fixes.map((x) => x.action).join()}`;
  assert.deepEqual(slow.map(line).sort(), ["biscoito.js compress", "biscoito_bg.wasm cache", "biscoito_bg.wasm compress"], plain.stdout);
  assert.match(plain.stdout, /biscoito_bg\.wasm — .*: sent without compression \(1\d\d KB\): about \d+ ms more on every first visit/);
  assert.match(plain.stdout, /every page view asks the host about the module again \(no-cache\)/);
  const { server, port: compressing } = await serve(0, { compress: true });
  try {
    const goodJson = join(dir, "slow-good.json");
    await biscoito(["scan", `http://localhost:${compressing}/tribunal/`, "--pages", "1", "--depth", "0", "--progress", "none", "--json", goodJson]);
    const report = await findingsOf(goodJson);
    assert.deepEqual(report.findings.filter((f) => f.type === "slow"), []);
    assert.ok(report.pages[0].ownFiles.some((f) => f.url.endsWith("biscoito_bg.wasm") && f.contentEncoding === "gzip"), JSON.stringify(report.pages[0].ownFiles));
  } finally {
    server.close();
  }
});

test("a scanned page cannot reach the scanner's network (internal hosts, cloud metadata) unless --allow-private", async () => {
  // Two "internal services" on 127.0.0.2, which the page asks for by plain
  // http and through an https tunnel; each counts the connections it gets.
  const internal = async () => {
    const service = { connections: 0 };
    service.server = createServer((socket) => { service.connections += 1; socket.destroy(); });
    await new Promise((listening) => service.server.listen(0, "127.0.0.2", listening));
    service.port = service.server.address().port;
    return service;
  };
  const plain = await internal();
  const tunnel = await internal();
  try {
    const url = `${env.base}/test/rede-interna.html?simples=${plain.port}&tunel=${tunnel.port}`;
    const scan = async (name, ...extra) => {
      const json = join(dir, `${name}.json`);
      const run = await biscoito(["scan", url, "--pages", "1", "--depth", "0", "--wait", "1000", "--progress", "none",
        "--json", json, ...extra]);
      assert.equal(run.code, 1, run.stdout + run.stderr); // the page has no Biscoito: a "missing" finding
      return { run, report: await findingsOf(json) };
    };
    const guarded = await scan("private-guarded");
    assert.equal(plain.connections + tunnel.connections, 0, "an internal service was reached");
    assert.deepEqual(guarded.report.refusedPrivate, [
      `127.0.0.1:${port} (127.0.0.1)`,
      `127.0.0.2:${plain.port} (127.0.0.2)`,
      `127.0.0.2:${tunnel.port} (127.0.0.2)`,
      "169.254.169.254:80 (169.254.169.254)",
    ].sort());
    // The scanned host itself (localhost) went through the guard and loaded.
    assert.ok(guarded.report.pages.every((p) => p.status === 200), JSON.stringify(guarded.report.pages));
    assert.match(guarded.run.stdout, /Refused: requests to private or link-local addresses[^\n]*\(4\)/);

    const open = await scan("private-allowed", "--allow-private");
    assert.ok(plain.connections > 0 && tunnel.connections > 0,
      `with --allow-private the page reaches both: ${plain.connections}, ${tunnel.connections}`);
    assert.equal(open.report.refusedPrivate, undefined);
  } finally {
    plain.server.close();
    tunnel.server.close();
  }
});

test("a proxy of the user's own would go around the private-address guard: refused, unless --allow-private", async () => {
  const run = await biscoito(["scan", `${env.base}/`, "--browser-arg=--proxy-server=http://127.0.0.1:9", "--progress", "none"]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /--proxy-server would bypass the scanner's own guard against private addresses; add --allow-private/);
});

test("hostile pages become clear report lines; the scan neither hangs nor crashes", async () => {
  const json = join(dir, "hostile.json");
  const html = join(dir, "hostile.html");
  const run = await biscoito(["scan", `${env.base}/scan-hostil/`, thirdParties(), "--timeout", "8", "--wait", "1000",
    "--json", json, "--html", html, "--lang", "pt-BR", "--progress", "none"]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const report = await findingsOf(json);
  const broken = (path) => report.findings.find((f) => f.type === "broken" && f.url === `${env.base}/scan-hostil/${path}`);
  assert.match(broken("ciclo").detail, /redirects in a loop/);
  assert.match(broken("fora").detail, /redirected to another site \(http:\/\/outro\.terceiro\.test\/fora\.html\)/);
  assert.match(broken("sem-fim").detail, /did not finish loading within 8 s/);
  assert.match(broken("nao-existe.html").detail, /HTTP 404/);
  const first = (path) => report.pages.find((p) => p.url === `${env.base}/scan-hostil/${path}`);
  assert.match(first("dialogo.html").notes.join("\n"), /dialog \(alert: "Bem-vindo ao portal!"\); it was dismissed/);
  assert.match(first("janela.html").notes.join("\n"), /window\.open\("\/scan-hostil\/index\.html"\)/);
  // 20 MB of HTML either loads or is a line of its own; never a hang.
  const big = first("grande.html");
  assert.ok(big.biscoito || /did not finish loading/.test(big.error), JSON.stringify(big).slice(0, 300));
  // A flood of dialogs is kept up to a limit, and says so (chromium.rs
  // tests the same limit on requests and storage writes).
  const flood = first("enxurrada.html");
  assert.ok(flood.notes.length <= 51, `${flood.notes.length} notes`);
  assert.match(flood.notes.join("\n"), /more requests, notes or storage writes than a scan keeps/);
  assert.match(flood.notes.join("\n"), /dialog \(alert: "alerta 0"\)/);
  // A storage key made of terminal escapes is shown, not obeyed.
  assert.ok(report.findings.some((f) => f.name?.includes("\u001b]0;janela-tomada")), "the key is in the JSON as it is");
  assert.ok(!/[\u001b\u0007\u202e]/.test(run.stdout), "no raw control character reaches the terminal");
  assert.ok(run.stdout.includes("rastreio\\u{1b}]0;janela-tomada\\u{7}\\u{1b}[2J\\u{202e}oculto"), run.stdout);
  // mailto: and javascript: links are not pages.
  assert.ok(!report.pages.some((p) => /^(mailto|javascript):/.test(p.url)));
  // The reader's language in the summary and the HTML, English in the JSON.
  assert.match(run.stdout, /REPROVADO/);
  assert.match(run.stdout, /a página redireciona em ciclo \(net::ERR_TOO_MANY_REDIRECTS\)/);
  const tab = await openReport(html);
  assert.equal(await tab.locator("html").getAttribute("lang"), "pt-BR");
  assert.match(await tab.locator("main").textContent(), /o servidor respondeu HTTP 404/);
  assert.deepEqual(await axeViolations(tab), []);
  await tab.context().close();
});

test("what stops a scan is one line and exit code 2", async () => {
  const closed = await new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
  const cases = [
    [["scan", `http://127.0.0.1:${closed}/`], /refused the connection/],
    [["scan", `https://localhost:${port}/`], /TLS|SSL|not valid/],
    [["scan", "www.exemplo.jus.br"], /not an http\(s\) address/],
    [["scan", `${env.base}/`, "--browser", "/nonexistent/chromium"], /no browser at \/nonexistent\/chromium/],
    [["scan", `${env.base}/`, "--config", join(root, "Cargo.toml")], /not valid JSON/],
  ];
  for (const [args, message] of cases) {
    const run = await biscoito([...args, "--progress", "none"]);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.doesNotMatch(run.stderr, /panicked/);
  }
});

test("the scanner keeps Chromium's sandbox unless told, and keeps --browser-arg out of its reports", async () => {
  const json = join(dir, "sandbox.json");
  const html = join(dir, "sandbox.html");
  const secret = "--browser-arg=--proxy-bypass-list=usuario:senha-do-proxy@intranet";
  const run = await biscoito(["scan", `${env.base}/defensoria/`, "--pages", "1", "--json", json, "--html", html, "--progress", "none", secret],
    { sandbox: true });
  if (AS_ROOT) {
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /sandbox cannot run here .* pass --no-sandbox/);
    assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
    assert.ok(!existsSync(json), "no report without a scan");
  } else {
    assert.notEqual(run.code, 2, run.stderr);
  }
  const scanned = await biscoito(["scan", `${env.base}/defensoria/`, "--pages", "1", "--json", json, "--html", html, "--progress", "none", secret]);
  assert.notEqual(scanned.code, 2, scanned.stderr);
  const report = JSON.parse(await readFile(json, "utf8"));
  assert.match(report.command, /--browser-arg=…/);
  for (const written of [JSON.stringify(report), await readFile(html, "utf8")]) {
    assert.ok(!written.includes("senha-do-proxy"), "the proxy's password is in a report");
  }
});

test("Ctrl+C ends the scan and the browser it started", async () => {
  const run = await biscoito(["scan", `${env.base}/vazamentos/`, "--progress", "none"], { interruptAfterMs: 4000 });
  assert.equal(run.code, 130, run.stderr);
  assert.match(run.stderr, /interrupted/);
  await new Promise((r) => setTimeout(r, 500));
  const left = await new Promise((done) => {
    const ps = spawn("pgrep", ["-f", `biscoito-scan-${run.pid}`]);
    let out = "";
    ps.stdout.on("data", (d) => (out += d));
    ps.on("close", () => done(out.trim()));
  });
  assert.equal(left, "", "no Chromium of that scan is left");
  const profile = join(tmpdir(), `biscoito-scan-${run.pid}`);
  assert.ok(!existsSync(profile), `its profile is removed: ${existsSync(profile) && (await readdir(profile)).join(" ")}`);
});
