// What must hold whatever the browser or storage does: GPC, corrupt or stale
// records, blocked storage, a strict CSP, and accessibility of both layers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { start, visitor, cookieNames, ready } from "./helpers.mjs";

const require = createRequire(import.meta.url);
let env;
before(async () => { env = await start(); });
after(async () => { await env.close(); });

const banner = (page) => page.getByRole("button", { name: "Rejeitar todos" });

test("Global Privacy Control is recorded as a refusal, without a banner, and can be overridden", async () => {
  const { context, page, google, outside } = await visitor(env);
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  await page.goto(env.base + "/");
  await ready(page);
  assert.equal(await banner(page).count(), 0);
  const record = await page.evaluate(() => Biscoito.consent());
  assert.equal(record.method, "gpc");
  assert.equal(record.decisions.analytics, false);
  await page.waitForTimeout(300);
  assert.deepEqual(outside, [], "no request left the page");
  assert.deepEqual(await cookieNames(context), [], "no cookie left behind");
  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  await page.getByRole("dialog").getByRole("switch", { name: /Estatísticas/ }).check();
  await page.getByRole("dialog").getByRole("button", { name: "Salvar minhas escolhas" }).click();
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "custom");
  await page.waitForFunction(() => document.cookie.includes("_ga="));
  assert.deepEqual(google, ["https://www.googletagmanager.com/gtag/js?id=G-DEMO123456"], "exactly gtag.js, after the explicit opt-in");
  assert.deepEqual(outside, google);
  await context.close();
});

for (const [name, stored] of [
  ["corrupt JSON", '{"schema":1,"decisions":{"analytics":true}'],
  ["a record of an older revision", JSON.stringify({ schema: 1, id: "a".repeat(32), revision: 0, decisions: { necessary: true, analytics: true }, method: "accept-all", createdAt: Date.now(), updatedAt: Date.now(), expiresAt: Date.now() + 864e5, language: "pt-BR" })],
  ["an expired record", JSON.stringify({ schema: 1, id: "a".repeat(32), revision: 1, decisions: { necessary: true, analytics: true }, method: "accept-all", createdAt: 1, updatedAt: 1, expiresAt: 2, language: "pt-BR" })],
  ["a record from the future", JSON.stringify({ schema: 1, id: "a".repeat(32), revision: 1, decisions: { necessary: true, analytics: true }, method: "accept-all", createdAt: Date.now() + 864e6, updatedAt: Date.now() + 864e6, expiresAt: Date.now() + 864e7, language: "pt-BR" })],
]) {
  test(`${name} in storage asks again and runs nothing optional`, async () => {
    const { context, page, outside, consoleLines } = await visitor(env);
    await page.addInitScript((value) => localStorage.setItem("biscoito-consent", value), stored);
    await page.goto(env.base + "/");
    await ready(page);
    await banner(page).waitFor();
    await page.waitForTimeout(300);
    assert.deepEqual(outside, [], "no request left the page");
    assert.deepEqual(await cookieNames(context), [], "no cookie left behind");
    assert.equal(await page.evaluate(() => Biscoito.accepted("analytics")), false);
    assert.equal(await page.evaluate(() => window.contadorDeVisitas), undefined);
    assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
    await context.close();
  });
}

test("blocked localStorage falls back to a first-party cookie, never a crash", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  await page.addInitScript(() => Object.defineProperty(window, "localStorage", { get() { throw new DOMException("blocked", "SecurityError"); } }));
  await page.goto(env.base + "/");
  await ready(page);
  await banner(page).click();
  assert.equal(await page.evaluate(() => Biscoito.storageBackend()), "cookie");
  assert.deepEqual(await cookieNames(context), ["biscoito-consent"]);
  await page.reload();
  await ready(page);
  await page.waitForTimeout(200);
  assert.equal(await banner(page).count(), 0, "the refusal is remembered through the cookie");
  assert.deepEqual(google, []);
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

test("a page view writes nothing to storage until the visitor chooses: other tabs see no storage event", async () => {
  const { context, page: watcher } = await visitor(env);
  await watcher.goto(env.base + "/");
  await ready(watcher);
  await watcher.evaluate(() => { window.storageKeys = []; addEventListener("storage", (e) => window.storageKeys.push(e.key)); });
  const keys = () => watcher.evaluate(() => window.storageKeys);
  const tab = await context.newPage();
  await tab.goto(env.base + "/");
  await ready(tab);
  await banner(tab).waitFor();
  await tab.waitForTimeout(300);
  assert.deepEqual(await keys(), [], "a first visit's page view");
  await banner(tab).click();
  await watcher.waitForFunction(() => window.storageKeys.length > 1);
  // The record, and its receipt waiting for the receipts service (this
  // test server has none: /recibos answers 503, so it keeps waiting).
  const choice = ["biscoito-consent", "biscoito-consent-receipts"];
  assert.deepEqual(await keys(), choice, "the choice itself is the only write");
  await tab.reload();
  await ready(tab);
  await tab.getByRole("button", { name: "Preferências de cookies" }).first().waitFor();
  await tab.waitForTimeout(300);
  assert.deepEqual(await keys(), choice, "a returning visitor's page view, which sends the receipt again and keeps it");
  assert.match(await tab.evaluate(() => localStorage.getItem("biscoito-consent-receipts")), /"method":"reject-all"/);
  await context.close();
});

test("an async tag on a page still arriving: the module compiles meanwhile, and the boot waits for the config and gated tags at the end", async () => {
  const { context, page, consoleLines } = await visitor(env);
  await page.addInitScript(() => {
    const compile = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = function (...args) {
      window.compileStarted = performance.now();
      return compile.apply(this, args);
    };
  });
  await page.goto(env.base + "/test/async.html");
  await ready(page);
  const times = await page.evaluate(() => ({ compile: window.compileStarted, first: window.firstPartParsed, last: window.lastPartParsed }));
  assert.ok(times.last - times.first >= 1000, `the page arrived in two parts (first part parsed at ${times.first} ms, the rest at ${times.last} ms)`);
  assert.ok(times.compile < times.last, `the module was compiling before the page was whole (compile at ${times.compile} ms, the rest at ${times.last} ms)`);
  const shadow = (selector) => page.evaluate((s) => document.getElementById("biscoito").shadowRoot.querySelector(s)?.textContent, selector);
  assert.equal(await shadow(".banner h2"), "Cookies on this test page", "the config at the end of the page is the one used");
  assert.equal(await page.evaluate(() => window.gatedRan), undefined);
  await page.getByRole("button", { name: "Accept all" }).click();
  await page.waitForFunction(() => window.gatedRan === true);
  assert.deepEqual(await page.evaluate(() => Biscoito.configErrors()), []);
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror") || l.startsWith("error")), consoleLines.join("\n"));
  await context.close();
});

test("works under a strict Content-Security-Policy with no violation", async () => {
  const { context, page } = await visitor(env);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(e.violatedDirective + " " + e.blockedURI));
  });
  await page.goto(env.base + "/csp/");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.waitForFunction(() => window.contadorDeVisitas === 1);
  const styled = await page.getByRole("button", { name: "Aceitar todos", includeHidden: true }).count();
  assert.equal(styled, 0);
  const position = await page.evaluate(() => getComputedStyle(document.getElementById("biscoito").shadowRoot.querySelector(".reopen")).position);
  assert.equal(position, "fixed", "constructed stylesheets apply under the CSP");
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  await context.close();
});

async function axe(page) {
  const source = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  await page.addScriptTag({ content: source });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } });
    // Shadow DOM nodes have nested targets starting at the host: proof that axe looked inside.
    const insideShadow = result.passes.filter((r) => r.id === "color-contrast")
      .flatMap((r) => r.nodes).filter((n) => Array.isArray(n.target[0]) && n.target[0][0] === "#biscoito").length;
    return { violations: result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`), insideShadow };
  });
}

async function noViolations(page, what) {
  const { violations, insideShadow } = await axe(page);
  assert.deepEqual(violations, [], what);
  assert.ok(insideShadow >= 3, `${what}: axe checked only ${insideShadow} nodes of the banner for contrast`);
}

for (const [path, scheme, lang] of [
  ["/", "light", "pt-BR"], ["/", "light", "en"], ["/", "light", "es"],
  ["/", "dark", "pt-BR"], ["/", "dark", "en"], ["/", "dark", "es"],
  ["/tribunal/", "light", "pt-BR"], ["/tribunal/", "dark", "pt-BR"],
]) {
  {
    test(`axe finds no WCAG violation in the banner and the dialog (${path}, ${scheme}, ${lang})`, async () => {
      // Reduced motion: mid-fade colours would make axe defer contrast checks.
      const { context, page } = await visitor(env, { colorScheme: scheme, reducedMotion: "reduce" });
      await page.goto(env.base + path);
      await ready(page);
      await page.evaluate((l) => Biscoito.setLanguage(l), lang);
      await noViolations(page, "banner");
      await page.evaluate(() => Biscoito.showPreferences());
      await page.getByRole("dialog").waitFor();
      await page.evaluate(() => document.getElementById("biscoito").shadowRoot.querySelectorAll("details").forEach((d) => (d.open = true)));
      await noViolations(page, "preferences dialog");
      await context.close();
    });
  }
}

test("the preferences dialog traps focus, closes on Escape and returns focus", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + "/");
  await ready(page);
  const opener = page.getByRole("button", { name: "Preferências", exact: true });
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Preferências de cookies" });
  await dialog.waitFor();
  assert.equal(await dialog.getAttribute("aria-modal"), "true");
  const active = () => page.evaluate(() => {
    const el = document.getElementById("biscoito").shadowRoot.activeElement;
    return el ? (el.textContent || el.getAttribute("aria-label") || el.id) : null;
  });
  assert.equal(await active(), "Preferências de cookies", "focus moves to the dialog title");
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    assert.notEqual(await active(), null, "focus never leaves the dialog");
  }
  await page.keyboard.press("Shift+Tab");
  assert.notEqual(await active(), null);
  await page.keyboard.press("Escape");
  assert.equal(await dialog.count(), 0);
  assert.equal(await active(), "Preferências", "focus returns to the opener");
  assert.ok(await banner(page).isVisible(), "closing the dialog is not a choice");
  await context.close();
});

test("at 320 px wide the banner fits without horizontal scrolling", async () => {
  const { context, page } = await visitor(env, { viewport: { width: 320, height: 640 } });
  await page.goto(env.base + "/");
  await ready(page);
  await banner(page).waitFor();
  const overflow = await page.evaluate(() => {
    const root = document.getElementById("biscoito").shadowRoot;
    const widest = Math.max(...[...root.querySelectorAll(".banner, .banner *")].map((e) => e.getBoundingClientRect().right));
    return { widest, scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth };
  });
  assert.ok(overflow.widest <= 320, JSON.stringify(overflow));
  assert.ok(overflow.scroll <= overflow.client, JSON.stringify(overflow));
  for (const name of ["Aceitar todos", "Rejeitar todos", "Preferências"]) {
    const box = await page.getByRole("button", { name, exact: true }).boundingBox();
    assert.ok(box.width >= 24 && box.height >= 24, `${name} target ${box.width}x${box.height}`);
  }
  await context.close();
});

test("with localStorage and cookies both blocked the choice lives in memory and nothing optional leaks", async () => {
  const { context, page, google, consoleLines } = await visitor(env);
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("blocked", "SecurityError"); } });
    Object.defineProperty(Document.prototype, "cookie", { get() { return ""; }, set() {} });
  });
  await page.goto(env.base + "/");
  await ready(page);
  await banner(page).click();
  assert.equal(await page.evaluate(() => Biscoito.storageBackend()), "memory");
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all");
  await page.reload();
  await ready(page);
  await banner(page).waitFor();
  await page.waitForTimeout(200);
  assert.deepEqual(google, [], "asked again, and still nothing sent");
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

test("the wasm memory stays flat while the interface is redrawn a thousand times", async () => {
  const { context, page, consoleLines } = await visitor(env);
  await page.addInitScript(() => {
    const memories = (window.__wasmMemories = []);
    const keep = (result) => {
      for (const value of Object.values((result.instance || result).exports)) {
        if (value instanceof WebAssembly.Memory) memories.push(value);
      }
      return result;
    };
    for (const name of ["instantiateStreaming", "instantiate"]) {
      const original = WebAssembly[name];
      WebAssembly[name] = function (...args) { return original.apply(this, args).then(keep); };
    }
  });
  await page.goto(env.base + "/tribunal/");
  await ready(page);
  const churn = () => page.evaluate(() => {
    for (let i = 0; i < 500; i++) {
      Biscoito.setLanguage(["en", "es", "pt-BR"][i % 3]);
      Biscoito.showPreferences();
      Biscoito.hidePreferences();
      Biscoito.consent();
    }
    return window.__wasmMemories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
  });
  const warm = await churn();
  assert.ok(warm > 0, "the module's memory was found");
  assert.equal(await churn(), warm, "a second round of the same work needs no new memory");
  assert.ok(!consoleLines.some((l) => l.startsWith("pageerror")), consoleLines.join("\n"));
  await context.close();
});

// The loader boots in steps with a yield between them and publishes
// window.Biscoito as soon as the consent state exists, before the interface
// is drawn. Each test acts at that moment, through a setter on window.
async function atPublish(page, act) {
  await page.addInitScript((source) => {
    let api;
    Object.defineProperty(window, "Biscoito", {
      configurable: true,
      get: () => api,
      set(value) {
        api = value;
        window.__drawnAtPublish = document.getElementById("biscoito") !== null;
        new Function("Biscoito", source)(value);
      },
    });
  }, act);
}

test("a choice made through the API before the interface is drawn: no banner, the reopen button, nothing optional refused runs", async () => {
  const { context, page, google } = await visitor(env);
  await atPublish(page, "window.__events = []; document.addEventListener('biscoito:consent', () => __events.push('consent')); Biscoito.rejectAll();");
  await page.goto(env.base + "/");
  await ready(page);
  await page.getByRole("button", { name: "Preferências de cookies" }).first().waitFor();
  assert.equal(await page.evaluate(() => window.__drawnAtPublish), false, "the API came before the interface");
  assert.equal(await page.getByRole("button", { name: "Aceitar todos" }).count(), 0, "no banner after a choice");
  assert.equal(await page.evaluate(() => Biscoito.consent().method), "reject-all");
  assert.deepEqual(await page.evaluate(() => window.__events), ["consent"]);
  assert.deepEqual(google, []);
  await context.close();
});

test("preferences asked for through the API before the interface is drawn open once it is", async () => {
  const { context, page, google } = await visitor(env);
  await atPublish(page, "Biscoito.showPreferences();");
  await page.goto(env.base + "/");
  await ready(page);
  const dialog = page.getByRole("dialog", { name: "Preferências de cookies" });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => window.__drawnAtPublish), false);
  assert.equal(await dialog.getByRole("switch", { name: /Estatísticas/ }).isChecked(), false);
  assert.deepEqual(google, []);
  await context.close();
});

test("init() before the interface is drawn replaces the boot still in progress", async () => {
  const { context, page } = await visitor(env);
  await atPublish(page, "window.__initProblems = Biscoito.init({ language: 'en' });");
  await page.goto(env.base + "/");
  await ready(page);
  await page.getByRole("button", { name: "Accept all", exact: true }).waitFor();
  // The rest of the first boot would draw again from the inline config, in Portuguese.
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.__initProblems), []);
  assert.equal(await page.getByRole("button", { name: "Aceitar todos" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: "Accept all", exact: true }).count(), 1);
  await context.close();
});

test("a search engine's crawler gets the same banner as a person, marked as no snippet, and nothing optional runs", async () => {
  // Googlebot's smartphone user agent; crawlers render pages in a headless
  // Chromium, as this test does.
  const crawler = "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) " +
    "Chrome/156.0.0.0 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
  const seen = [];
  for (const options of [{}, { userAgent: crawler }]) {
    const { context, page, google } = await visitor(env, options);
    await page.goto(env.base + "/");
    await banner(page).waitFor();
    assert.equal(await page.evaluate(() => navigator.userAgent.includes("Googlebot")), options.userAgent !== undefined);
    seen.push(await page.evaluate(() => {
      const host = document.getElementById("biscoito");
      return { text: host.shadowRoot.querySelector(".banner").innerText, nosnippet: host.hasAttribute("data-nosnippet") };
    }));
    await page.waitForTimeout(300);
    assert.deepEqual(google, [], "nothing reaches Google before a choice, for a crawler too");
    await context.close();
  }
  const [person, bot] = seen;
  assert.match(person.text, /Rejeitar todos/);
  assert.deepEqual(bot, person, "the crawler's banner is the person's, word for word");
  assert.equal(bot.nosnippet, true, "its text is never a search snippet");
});
