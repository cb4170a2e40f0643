// A small W3C WebDriver client for the engines Playwright cannot drive here
// (Firefox ESR through geckodriver, WebKitGTK through WebKitWebDriver), and a
// recording proxy: the browser sends every non-local request to it, it
// answers none of them but plain-http scripts, and the test sees exactly
// which hosts were tried.
import { spawn } from "node:child_process";
import { createServer } from "node:http";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const SHADOW = "shadow-6066-11e4-a52e-4f735466cecf";
export const pause = (ms) => new Promise((r) => setTimeout(r, ms));

async function listen(server) {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return server.address().port;
}

/**
 * A proxy that records the host of every request and refuses them all, but
 * for a plain-http script: that is answered with one that says it ran (in
 * window.ran, as "host/path"), so a test can tell a script that ran from one
 * that was only asked for (the guard's page, www/camara/, uses such
 * addresses). calendario.js, the demo's library, also defines Calendario.
 */
export async function recordingProxy() {
  const contacted = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url);
    contacted.push(url.hostname);
    if (req.method !== "GET" || !/[./]js$/.test(url.pathname)) return res.writeHead(502).end();
    const library = url.pathname.endsWith("/calendario.js") ? "window.Calendario = { pronto: () => 'pronto' };" : "";
    res.writeHead(200, { "content-type": "text/javascript" })
      .end(`${library}(window.ran = window.ran || []).push(${JSON.stringify(url.host + url.pathname)});`);
  });
  server.on("connect", (req, socket) => { contacted.push(req.url.split(":")[0]); socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"); });
  const port = await listen(server);
  return { port, contacted, close: () => new Promise((r) => server.close(r)) };
}

/** Starts a WebDriver server binary on a free port and waits until it answers. */
export async function startDriver(binary, args = [], env = process.env) {
  const probe = createServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  const child = spawn(binary, [...args, `--port=${port}`], { stdio: "ignore", env });
  // A binary that cannot start (not installed) emits "error" and no "exit".
  let failed = null;
  child.once("error", (e) => { failed = e; });
  const exited = new Promise((r) => { child.once("exit", r); child.once("error", r); });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (failed) throw new Error(`${binary} could not start (${failed.code || failed.message})`);
    if (child.exitCode !== null) throw new Error(`${binary} exited with ${child.exitCode}`);
    try { if ((await fetch(`${url}/status`)).ok) return { url, stop: async () => { child.kill(); await exited; } }; } catch { await pause(100); }
  }
  child.kill();
  throw new Error(`${binary} did not answer on ${url}`);
}

/**
 * A browser session on `driverUrl` with `capabilities`, opening pages of
 * `base`: a fresh profile each time, so a fresh visitor.
 */
export async function session(driverUrl, capabilities, base) {
  const call = async (method, path, body) => {
    // A stuck browser fails the test in a minute rather than hanging the run.
    const res = await fetch(driverUrl + path, {
      method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body), signal: AbortSignal.timeout(60000),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${json.value?.message || res.status}`);
    return json.value;
  };
  const created = await call("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
  const s = `/session/${created.sessionId}`;
  const browser = {
    go: (path) => call("POST", `${s}/url`, { url: base + path }),
    back: () => call("POST", `${s}/back`, {}),
    run: (script, ...args) => call("POST", `${s}/execute/sync`, { script, args }),
    /** A real WebDriver click on the first element of `selector` in the page. */
    async clickPage(selector) {
      const el = await call("POST", `${s}/element`, { using: "css selector", value: selector });
      await call("POST", `${s}/element/${el[ELEMENT]}/click`, {});
    },
    /** A real WebDriver click on an element inside Biscoito's shadow root. */
    async click(selector) {
      const host = await call("POST", `${s}/element`, { using: "css selector", value: "#biscoito" });
      const shadow = await call("GET", `${s}/element/${host[ELEMENT]}/shadow`);
      const el = await call("POST", `${s}/shadow/${shadow[SHADOW]}/element`, { using: "css selector", value: selector });
      await call("POST", `${s}/element/${el[ELEMENT]}/click`, {});
    },
    /** Key presses sent to whatever has the focus (WebDriver's keyboard actions). */
    async keys(...keys) {
      const actions = keys.flatMap((key) => [{ type: "keyDown", value: key }, { type: "keyUp", value: key }]);
      await call("POST", `${s}/actions`, { actions: [{ type: "key", id: "keyboard", actions }] });
      await call("DELETE", `${s}/actions`);
    },
    close: () => call("DELETE", s),
  };
  return withWaits(browser);
}

/** Adds until(), ready() and banner() to a session that has run(script). */
export function withWaits(browser) {
  /** Waits until `script` (a function body) returns true, through reloads. */
  browser.until = async (script, what, tries = 100) => {
    for (let i = 0; i < tries; i++) {
      try { if (await browser.run(script)) return; } catch { /* the page is between two loads */ }
      await pause(50);
    }
    throw new Error(`never happened: ${what}`);
  };
  browser.ready = () => browser.until("return document.readyState === 'complete' && !!window.Biscoito && !!document.getElementById('biscoito')", "Biscoito started");
  browser.banner = () => browser.run("return document.getElementById('biscoito').shadowRoot.querySelector('.banner')?.textContent || null");
  return browser;
}

/** WebDriver's key for Tab, Enter and Space. */
export const KEY = { tab: "\uE004", enter: "\uE007", space: "\uE00D" };
