// Firefox through WebDriver BiDi (puppeteer-core, no Marionette), with the
// same interface as webdriver.mjs's session(), so engines.mjs runs on it.
// Why not geckodriver: under its classic WebDriver session Firefox ESR never
// restored a page from the back/forward cache here (pageshow's `persisted`
// stayed false on a bare two-page test, with every pref tried), while the
// same Firefox driven over BiDi alone restores it as it does for a visitor.
import puppeteer from "puppeteer-core";
import { withWaits } from "./webdriver.mjs";

/** A fresh Firefox (a fresh profile, so a fresh visitor) opening pages of `base`. */
export async function firefoxSession(binary, prefs, base) {
  const browser = await puppeteer.launch({
    browser: "firefox", executablePath: binary, headless: true, extraPrefsFirefox: prefs, protocolTimeout: 60000,
  });
  const [page] = await browser.pages();
  page.setDefaultTimeout(30000);
  const session = {
    go: (path) => page.goto(base + path),
    // As a visitor's Back: no wait for a load event, which a restore never fires.
    back: () => page.evaluate(() => history.back()),
    // A WebDriver-style script body (`return …`); undefined comes back as null, as there.
    run: async (script) => (await page.evaluate(new Function(script))) ?? null,
    clickPage: (selector) => page.click(selector),
    /** A real click (BiDi input actions) on an element inside Biscoito's shadow root. */
    async click(selector) {
      const handle = await page.evaluateHandle((s) => document.getElementById("biscoito").shadowRoot.querySelector(s), selector);
      const element = handle.asElement();
      if (!element) throw new Error(`no ${selector} in Biscoito's shadow root`);
      await element.click();
    },
    // WebDriver's key codes (webdriver.mjs KEY) pass through puppeteer as
    // they are. (Firefox ESR 153 over BiDi: Enter on a button fires the key
    // events but no click, so firefox.test.mjs keeps keyboard flows off BiDi.)
    async keys(...keys) {
      for (const key of keys) await page.keyboard.press(key);
    },
    close: () => browser.close(),
  };
  return withWaits(session);
}
