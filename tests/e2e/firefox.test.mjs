// The core flows in Firefox (firefox-esr), driven through WebDriver by
// geckodriver. Firefox sends every non-local request through a recording
// proxy that answers nothing, so the test sees exactly which hosts the page
// tried to reach: none before consent, Google's only after "Aceitar".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { homedir } from "node:os";
import { serve } from "./server.mjs";

const GECKODRIVER = process.env.GECKODRIVER || `${homedir()}/.cargo/bin/geckodriver`;
const FIREFOX = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr";
let site, proxy, driver, driverUrl, base;
const contacted = [];

async function listen(server) {
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return server.address().port;
}

before(async () => {
  const served = await serve(0);
  site = served.server;
  base = `http://localhost:${served.port}`;
  proxy = createServer((req, res) => { contacted.push(new URL(req.url).hostname); res.writeHead(502).end(); });
  proxy.on("connect", (req, socket) => { contacted.push(req.url.split(":")[0]); socket.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"); });
  const proxyPort = await listen(proxy);
  const port = 20000 + Math.floor(Math.random() * 20000);
  driver = spawn(GECKODRIVER, ["--port", String(port), "--log", "error"], { stdio: "ignore" });
  driverUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${driverUrl}/status`)).ok) break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  globalThis.firefoxPrefs = {
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": proxyPort,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": proxyPort, "network.proxy.no_proxies_on": "localhost,127.0.0.1",
    "network.proxy.allow_hijacking_localhost": false, "intl.accept_languages": "pt-BR",
    "app.update.enabled": false, "browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
    "network.captive-portal-service.enabled": false, "network.connectivity-service.enabled": false,
    "extensions.getAddons.cache.enabled": false, "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.enabled": false, "browser.newtabpage.enabled": false, "network.dns.disablePrefetch": true,
    "remote.prefs.recommended": true,
  };
});

after(async () => {
  driver?.kill();
  await new Promise((r) => site.close(r));
  await new Promise((r) => proxy.close(r));
});

/** A WebDriver session: a fresh Firefox profile, so a fresh visitor. */
async function firefox() {
  const call = async (method, path, body) => {
    const res = await fetch(driverUrl + path, { method, headers: { "content-type": "application/json" }, body: body && JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path}: ${json.value?.message || res.status}`);
    return json.value;
  };
  const created = await call("POST", "/session", { capabilities: { alwaysMatch: {
    browserName: "firefox", "moz:firefoxOptions": { binary: FIREFOX, args: ["-headless"], prefs: globalThis.firefoxPrefs },
  } } });
  const s = `/session/${created.sessionId}`;
  const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  const SHADOW = "shadow-6066-11e4-a52e-4f735466cecf";
  const ff = {
    go: (path) => call("POST", `${s}/url`, { url: base + path }),
    run: (script, ...args) => call("POST", `${s}/execute/sync`, { script, args }),
    /** A real WebDriver click on an element inside Biscoito's shadow root. */
    async click(selector) {
      const host = await call("POST", `${s}/element`, { using: "css selector", value: "#biscoito" });
      const shadow = await call("GET", `${s}/element/${host[ELEMENT]}/shadow`);
      const el = await call("POST", `${s}/shadow/${shadow[SHADOW]}/element`, { using: "css selector", value: selector });
      await call("POST", `${s}/element/${el[ELEMENT]}/click`, {});
    },
    async ready() {
      for (let i = 0; i < 100; i++) {
        if (await ff.run("return document.readyState === 'complete' && !!window.Biscoito && !!document.getElementById('biscoito')")) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("Biscoito did not start");
    },
    banner: () => ff.run("return document.getElementById('biscoito').shadowRoot.querySelector('.banner')?.textContent || null"),
    close: () => call("DELETE", s),
  };
  return ff;
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const googleContacted = () => contacted.filter((h) => /google/.test(h));

test("Firefox: first visit asks in Portuguese and contacts nobody; reject holds across a reload", async () => {
  const ff = await firefox();
  try {
    contacted.length = 0;
    await ff.go("/");
    await ff.ready();
    assert.match(await ff.banner(), /Sua privacidade neste portal.*Aceitar todos.*Rejeitar todos/s);
    assert.equal(await ff.run("return Biscoito.consent()"), null);
    await ff.click("[data-action=reject-all]");
    assert.equal(await ff.run("return Biscoito.consent().method"), "reject-all");
    await ff.go("/");
    await ff.ready();
    await pause(300);
    assert.equal(await ff.banner(), null, "not asked again");
    assert.equal(await ff.run("return window.contadorDeVisitas"), null);
    assert.deepEqual(googleContacted(), []);
  } finally {
    await ff.close();
  }
});

test("Firefox: accept loads Google Analytics; revoking deletes its cookies and stops it", async () => {
  const ff = await firefox();
  try {
    contacted.length = 0;
    await ff.go("/");
    await ff.ready();
    await pause(300);
    assert.deepEqual(googleContacted(), [], "nothing before the choice");
    await ff.click("[data-action=accept-all]");
    await pause(500);
    assert.equal(await ff.run("return window.contadorDeVisitas"), 1);
    assert.deepEqual([...new Set(googleContacted())], ["www.googletagmanager.com"]);
    // gtag.js cannot load offline; set the cookies it would have set.
    await ff.run("document.cookie = '_ga=GA1.1.1.1; path=/; max-age=9999'; document.cookie = '_ga_DEMO123456=GS1; path=/; max-age=9999';");
    await ff.run("Biscoito.showPreferences()");
    await ff.click(".dialog [data-action=reject-all]");
    await pause(800); // the revocation reloads the page
    await ff.ready();
    contacted.length = 0;
    assert.equal(await ff.run("return Biscoito.consent().decisions.analytics"), false);
    assert.equal(await ff.run("return document.cookie"), "", "analytics cookies deleted");
    assert.equal(await ff.run("return window.contadorDeVisitas"), null);
    await pause(300);
    assert.deepEqual(googleContacted(), [], "nothing after the revocation");
  } finally {
    await ff.close();
  }
});
