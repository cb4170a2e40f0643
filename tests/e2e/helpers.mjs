// Shared set-up for the end-to-end tests: the local server, headless
// Chromium from the system, and a stand-in for Google's hosts that records
// every request and sets `_ga` the way the real gtag.js does.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"];
const GOOGLE = /(^|\.)(google|googletagmanager|google-analytics|doubleclick|googleadservices|gstatic)\.[a-z.]+$/;

/**
 * The server and a browser; `launch` adds to Playwright's launch options,
 * and its `extraArgs` to Chromium's command line. `server` holds the
 * server's options (server.mjs), which may be set later.
 */
export async function start({ extraArgs = [], server: serverOptions = {}, ...launch } = {}) {
  const { server, port } = await serve(0, serverOptions);
  const browser = await launchChromium({ extraArgs, ...launch });
  return {
    base: `http://localhost:${port}`,
    browser,
    async close() {
      await browser.close();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Chromium (or, with `executablePath`, another build of it) with the arguments every test gives it. */
export function launchChromium({ extraArgs = [], ...launch } = {}) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs], ...launch });
}

const LOCAL = new Set(["localhost", "127.0.0.1"]);

/**
 * A fresh visitor: new context (no storage). Every request that would leave
 * the machine is recorded in `outside` and answered locally; those to
 * Google's hosts are also in `google`, answered by a stand-in for gtag.js
 * that sets `_ga` like the real one.
 */
export async function visitor(env, options = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const google = [];
  const outside = [];
  const consoleLines = [];
  await context.route((url) => !LOCAL.has(url.hostname), (route) => {
    const url = new URL(route.request().url());
    outside.push(url.href);
    if (!GOOGLE.test(url.hostname)) {
      const html = url.pathname.includes("/embed/");
      return route.fulfill({ status: 200, contentType: html ? "text/html" : "image/png", body: html ? "<title>player</title>" : "" });
    }
    google.push(url.href);
    const body = "document.cookie='_ga=GA1.1.1234567890.1790000000; path=/; max-age=63072000';" +
      "document.cookie='_ga_DEMO123456=GS1.1.1790000000; path=/; max-age=63072000';";
    return route.fulfill({ status: 200, contentType: "text/javascript", body });
  });
  const page = await context.newPage();
  page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`pageerror: ${e.message}`));
  return { context, page, google, outside, consoleLines };
}

export async function cookieNames(context) {
  return (await context.cookies()).map((c) => c.name).sort();
}

/** Who downloaded the wasm module on this page, per resource timing: ["link"]
 * is one download by the preload; a "fetch" means the loader had to fetch it
 * itself because the preload's URL or mode did not match. */
export async function moduleDownloads(page) {
  return page.evaluate(() => performance.getEntriesByType("resource")
    .filter((e) => e.name.endsWith("/biscoito_bg.wasm")).map((e) => e.initiatorType));
}

/** Waits until Biscoito has booted on the page. */
export async function ready(page) {
  await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
}

/** axe's WCAG 2.2 AA violations on the page (the banner's shadow root included), as "rule: nodes". */
export async function axeViolations(page) {
  const axe = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
  await page.addScriptTag({ content: readFileSync(axe, "utf8") });
  return page.evaluate(async () => {
    // Judge what stays on screen: the banner and dialog fade in for 0.2 s,
    // and a busy machine can run axe mid-fade, against colours not yet opaque.
    // document.getAnimations() does not reach into shadow trees (where the
    // banner is), so each open shadow root is asked too.
    const roots = [document, ...[...document.querySelectorAll("*")].map((e) => e.shadowRoot).filter(Boolean)];
    await Promise.all(roots.flatMap((root) => root.getAnimations()).map((a) => a.finished.catch(() => undefined)));
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
}
