// The returning visitor's page views, warm: each manager in its own browser
// profile (a persistent one, as a person's: its HTTP cache and compiled-code
// caches are kept), consent accepted once, then VIEWS page views timed from
// navigation start to the accepted Google Analytics tag running. The files
// are served cacheable, as a portal's static files are. Used by bench.mjs;
// run alone for a quick look:
//
//   node warm.mjs        WARM_VIEWS=15 WARM_ROUNDS=3 BENCH_MANAGERS=biscoito,cookieconsent
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { googleStandIn, GTAG_STUB } from "./google-stand-in.mjs";

export const VIEWS = Number(process.env.WARM_VIEWS || 15);
export const ROUNDS = Number(process.env.WARM_ROUNDS || 3);

// In every document before its own scripts: when the stand-in for gtag.js
// ran, and the compile and instantiation of any WebAssembly module.
function probe() {
  const bench = (window.__bench = { wasm: [] });
  // Where the time goes: the tag inserted, and (Biscoito) the API published.
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.tagName === "SCRIPT" && n.src.includes("googletagmanager") && !/plain/.test(n.type) && bench.tagInserted === undefined) bench.tagInserted = performance.now();
    }
  }).observe(document, { childList: true, subtree: true });
  let api;
  Object.defineProperty(window, "Biscoito", { configurable: true, get: () => api, set: (v) => { api = v; bench.published ??= performance.now(); } });
  for (const name of ["instantiateStreaming", "instantiate", "compileStreaming"]) {
    const original = WebAssembly[name];
    if (!original) continue;
    WebAssembly[name] = function (...args) {
      const started = performance.now();
      return original.apply(this, args).then((result) => {
        bench.wasm.push({ name, started, ms: performance.now() - started });
        return result;
      });
    };
  }
}

/** One profile: accept, then `views` page views; returns one sample per view. */
async function profile(base, manager, throttle, { executablePath, args }) {
  const dir = await mkdtemp(join(tmpdir(), "biscoito-warm-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath, args, viewport: { width: 1280, height: 800 } });
  try {
    // No context.route() here: it would turn the HTTP cache off (google-stand-in.mjs).
    await context.addInitScript(probe);
    const page = context.pages()[0] ?? (await context.newPage());
    const url = `${base}/${manager.name}.html`;
    await page.goto(url);
    await page.waitForFunction(`!!(${manager.banner.toString()})()`, null, { timeout: 30000 });
    // tarteaucitron draws its banner before its service list has loaded (bench.mjs).
    await page.waitForTimeout(1000);
    await page.evaluate(`(${manager.acceptAll.toString()})()`);
    await page.waitForFunction(() => window.__bench.gtagRan !== undefined, null, { timeout: 30000 });
    await page.waitForTimeout(300);
    const cdp = await context.newCDPSession(page);
    if (throttle > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
    const samples = [];
    for (let view = 1; view <= VIEWS; view++) {
      const ran = page.waitForEvent("console", { predicate: (m) => m.text() === "bench: gtag ran", timeout: 30000 });
      await Promise.all([ran, page.goto(url, { waitUntil: "load" })]);
      // Late tasks land before the page is read.
      await page.waitForTimeout(200);
      const seen = await page.evaluate(() => {
        const b = window.__bench;
        const nav = performance.getEntriesByType("navigation")[0];
        const resources = performance.getEntriesByType("resource");
        const tag = resources.find((e) => e.name.includes("googletagmanager.com/gtag/js"));
        return { ms: b.gtagRan, wasm: b.wasm, dcl: nav.domContentLoadedEventStart, published: b.published, inserted: b.tagInserted,
          requested: tag?.startTime, responded: tag?.responseEnd,
          wasmEnd: b.wasm.length ? Math.max(...b.wasm.map((w) => w.started + w.ms)) : undefined,
          // A file served from the HTTP cache has transferred nothing.
          transferred: resources.filter((e) => e.transferSize > 0).map((e) => new URL(e.name).pathname) };
      });
      const fetchedAgain = seen.transferred.filter((path) => path.startsWith(manager.files));
      if (fetchedAgain.length) {
        throw new Error(`${manager.name}, view ${view}: ${fetchedAgain.join(", ")} came over the network again, so this was not a warm view`);
      }
      samples.push({ manager: manager.name, throttle, view, ms: seen.ms, wasmMs: seen.wasm.reduce((sum, w) => sum + w.ms, 0),
        dclMs: seen.dcl, wasmEndMs: seen.wasmEnd, publishedMs: seen.published, insertedMs: seen.inserted,
        requestedMs: seen.requested, respondedMs: seen.responded });
    }
    return samples;
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every manager at every throttle, ROUNDS profiles each, in an order that changes per round. */
export async function warmSamples(base, managers, throttles, launch, shuffle) {
  const google = await googleStandIn(GTAG_STUB);
  const withGoogle = { ...launch, args: [...launch.args, ...google.args] };
  const samples = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, throttle] of throttles.entries()) {
        for (const manager of shuffle(managers, 7 + round * 13 + index)) {
          samples.push(...(await profile(base, manager, throttle, withGoogle)));
        }
      }
      process.stdout.write(`warm round ${round + 1}/${ROUNDS}\r`);
    }
  } finally {
    await google.close();
  }
  return samples;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { MANAGERS } = await import("./managers.mjs");
  const { serve } = await import("./server.mjs");
  const { server, port } = await serve(0, { cacheable: true });
  const launch = { executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] };
  const samples = await warmSamples(`http://127.0.0.1:${port}`, MANAGERS, [1, 4], launch, (items) => items);
  server.close();
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  for (const throttle of [1, 4]) {
    for (const manager of MANAGERS) {
      const mine = samples.filter((s) => s.manager === manager.name && s.throttle === throttle);
      const firstViews = mine.filter((s) => s.view === 1).map((s) => s.ms);
      const later = mine.filter((s) => s.view > 1);
      const at = (key) => { const xs = later.map((s) => s[key]).filter((v) => v !== undefined); return xs.length ? median(xs).toFixed(0) : "–"; };
      console.log(`${throttle}x ${manager.name.padEnd(14)} view 1 ${median(firstViews).toFixed(0)} ms, views 2-${VIEWS} ${at("ms")} ms` +
        ` (DOMContentLoaded ${at("dclMs")}, module ready ${at("wasmEndMs")} after ${at("wasmMs")}, API ${at("publishedMs")}, tag inserted ${at("insertedMs")}, requested ${at("requestedMs")}, response ${at("respondedMs")})`);
    }
  }
}
