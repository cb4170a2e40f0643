// make bench: loads the same portal with Biscoito and with the consent
// managers a maintainer would otherwise pick, in alternating order, with and
// without 4x CPU throttling: cold cache (a first visit, and a returning
// visitor's first page view), warm cache (a returning visitor's later page
// views, warm.mjs), and a light home page on a phone-sized screen (is the
// banner the Largest Contentful Paint?). Writes what every visitor pays
// into docs/bench/ (results.json, results.txt, chart.svg). Not part of
// `make test`: the figures describe this machine, they are not pass/fail.
//
//   BENCH_RUNS=15 (per manager, per throttle, per scenario)   CHROMIUM_PATH=/usr/bin/chromium
//   BENCH_MANAGERS=biscoito,cookieconsent (an experiment: only these, and
//   the figures go to target/bench/ instead of docs/bench/)
//   BENCH_VARIANT=/tmp/other-dist adds "biscoito-variant", another build of
//   Biscoito served beside this one (an A/B; name it in BENCH_MANAGERS)
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { join, normalize, resolve, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync, brotliCompressSync, constants as zlib } from "node:zlib";
import { execSync } from "node:child_process";
import os from "node:os";
import { chromium } from "playwright-core";
import { MANAGERS, BASELINE } from "./managers.mjs";
import { serve, fileFor } from "./server.mjs";
import { chart } from "./chart.mjs";
import { warmSamples, VIEWS as WARM_VIEWS, ROUNDS as WARM_ROUNDS } from "./warm.mjs";
import { googleStandIn, GTAG_STUB } from "./google-stand-in.mjs";

const here = resolve(fileURLToPath(import.meta.url), "..");
const root = resolve(here, "..");
const RUNS = Number(process.env.BENCH_RUNS || 15);
const THROTTLES = [1, 4];
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync", "--enable-precise-memory-info"];
const EVERYONE = [...MANAGERS, BASELINE];

// --- what runs in the page before anything else: observers for the banner,
// long tasks and layout shifts. The banner counts once it has a box; the
// first animation frame that finds it is the frame that paints it.
function probe(bannerSource) {
  const bench = (window.__bench = { longTasks: [], blockingMs: [], cls: 0, wasmMemories: [] });
  // WebAssembly memory is outside the JS heap figures: keep a handle on it.
  const keep = (result) => {
    for (const value of Object.values((result.instance || result).exports)) {
      if (value instanceof WebAssembly.Memory) bench.wasmMemories.push(value);
    }
    return result;
  };
  for (const name of ["instantiateStreaming", "instantiate"]) {
    const original = WebAssembly[name];
    WebAssembly[name] = function (...args) { return original.apply(this, args).then(keep); };
  }
  new PerformanceObserver((list) => list.getEntries().forEach((e) => bench.longTasks.push(e.duration)))
    .observe({ type: "longtask", buffered: true });
  // A `longtask` entry leaves out the rendering of a frame in which no
  // script ran; a long animation frame's blockingDuration counts a task
  // with the rendering after it (the part beyond 50 ms), whatever ran.
  new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (e.blockingDuration > 0) bench.blockingMs.push(e.blockingDuration); }))
    .observe({ type: "long-animation-frame", buffered: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => { if (!e.hadRecentInput) bench.cls += e.value; }))
    .observe({ type: "layout-shift", buffered: true });
  if (!bannerSource) return;
  const find = new Function(`return (${bannerSource})`)();
  const shown = () => {
    const el = find();
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  // Said on the console too: the bench waits for that line, since waiting
  // with waitForFunction would inject Playwright's script into the page, a
  // task of about 50 ms at 4× that the long-task figures would count against
  // every manager with a banner and never against the page alone.
  const frame = () => {
    if (shown()) {
      bench.banner = performance.now();
      console.debug("bench: banner shown");
    } else requestAnimationFrame(frame);
  };
  // Frames are polled only once the banner's element exists: a pending
  // animation frame during the whole load made Chromium render the page
  // frame after frame while it was parsed (in bench/long-tasks.mjs, 12 of 20
  // loads with a task over 50 ms against 3 and 5 without), on first visits
  // and returning ones alike, and never to the page alone. A mutation's callback runs before the frame that would paint it;
  // the timer only catches an element a mutation did not reveal.
  let polling = false;
  const start = () => {
    if (polling || !find()) return;
    polling = true;
    watcher.disconnect();
    clearInterval(timer);
    requestAnimationFrame(frame);
  };
  const watcher = new MutationObserver(start);
  watcher.observe(document, { childList: true, subtree: true });
  const timer = setInterval(start, 100);
}

// Answers for Google (google-stand-in.mjs) rather than context.route(),
// which would hold every request of the page until Playwright let it go.
const google = await googleStandIn(GTAG_STUB);

/** A new visitor; `googleAsked()` counts what reached Google since (loads run one at a time). */
async function newVisitor(browser, storageState) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, storageState });
  const before = google.requests.length;
  return { context, googleAsked: () => google.requests.length - before };
}

async function measure(browser, base, manager, { throttle, returning, state }) {
  const { context, googleAsked } = await newVisitor(browser, returning ? state : undefined);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  if (throttle > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
  await page.addInitScript(probe, manager.banner ? manager.banner.toString() : null);
  const files = new Set();
  page.on("requestfinished", (request) => {
    const path = new URL(request.url()).pathname;
    if (manager.files && path.startsWith(manager.files)) files.add(path);
  });
  const awaited = manager.banner && (returning ? "bench: gtag ran" : "bench: banner shown");
  const seen = awaited && page.waitForEvent("console", { predicate: (m) => m.text() === awaited, timeout: 30000 });
  await page.goto(`${base}/${manager.name}.html`, { waitUntil: "load" });
  if (seen) await seen;
  // Let late long tasks, layout shifts and timers land before reading them.
  await page.waitForTimeout(500);
  const inPage = await page.evaluate(() => {
    const b = window.__bench;
    const tag = performance.getEntriesByType("resource").find((e) => e.name.includes("googletagmanager.com/gtag/js"));
    const wasmBytes = b.wasmMemories.reduce((sum, m) => sum + m.buffer.byteLength, 0);
    return { banner: b.banner, gtagRequested: tag ? tag.startTime : undefined, gtagRan: b.gtagRan, longTasks: b.longTasks, blockingMs: b.blockingMs, cls: b.cls, wasmBytes };
  });
  const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  await cdp.send("HeapProfiler.collectGarbage");
  const heap = await cdp.send("Runtime.getHeapUsage");
  await context.close();
  return {
    manager: manager.name,
    throttle,
    returning,
    bannerMs: returning ? undefined : inPage.banner,
    returningMs: returning ? (inPage.gtagRequested ?? inPage.gtagRan) : undefined,
    scriptMs: metrics.ScriptDuration * 1000,
    taskMs: metrics.TaskDuration * 1000,
    longTasks: inPage.longTasks.length,
    longestTaskMs: Math.max(0, ...inPage.longTasks),
    // 0 when no task, rendering included, went over 50 ms.
    longestBlockingMs: Math.max(0, ...inPage.blockingMs),
    cls: inPage.cls,
    memoryBytes: heap.usedSize + inPage.wasmBytes,
    googleRequests: googleAsked(),
    files: [...files],
  };
}

// A first visit to the light home page on a phone-sized screen at 4× CPU:
// the page's Largest Contentful Paint, and whether it was the banner.
const PHONE = { width: 360, height: 640 };
async function measureLcp(browser, base, manager) {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(() => {
    window.__lcp = [];
    new PerformanceObserver((list) => window.__lcp.push(...list.getEntries())).observe({ type: "largest-contentful-paint", buffered: true });
  });
  await page.goto(`${base}/leve/${manager.name}.html`, { waitUntil: "load" });
  if (manager.banner) await page.waitForFunction(`!!(${manager.banner.toString()})()`, null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  const result = await page.evaluate((bannerSource) => {
    const last = window.__lcp[window.__lcp.length - 1];
    const banner = bannerSource ? new Function(`return (${bannerSource})`)()() : null;
    const element = last?.element;
    // A banner in a shadow root is reported as its host.
    const inBanner = !!(element && banner && (element === banner || banner.contains(element) || element.contains(banner) ||
      banner.getRootNode().host === element));
    return { lcp: last?.startTime, inBanner, element: element ? element.tagName.toLowerCase() + (element.id ? `#${element.id}` : "") : null };
  }, manager.banner ? manager.banner.toString() : null);
  await context.close();
  return { manager: manager.name, lcpMs: result.lcp, bannerWasLcp: result.inBanner, lcpElement: result.element };
}

// The stored consent a returning visitor brings: accept all once, keep the storage.
async function acceptedState(browser, base, manager) {
  const { context, googleAsked } = await newVisitor(browser);
  const page = await context.newPage();
  await page.addInitScript(probe, manager.banner.toString());
  await page.goto(`${base}/${manager.name}.html`);
  await page.waitForFunction(() => window.__bench.banner !== undefined, null, { timeout: 30000 });
  if (googleAsked()) throw new Error(`${manager.name}: Google was contacted before consent (${google.requests.join(", ")}); the bench page is wrong`);
  // tarteaucitron draws its banner before its service list has loaded; a
  // click that early is stored without the service. Not measured: set-up.
  await page.waitForTimeout(1000);
  await page.evaluate(`(${manager.acceptAll.toString()})()`);
  await page.waitForFunction(() => window.__bench.gtagRan !== undefined, null, { timeout: 30000 });
  await page.waitForTimeout(300);
  const state = await context.storageState();
  await context.close();
  return state;
}

// --- statistics
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const spread = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length });

function seededShuffle(items, seed) {
  const out = [...items];
  let x = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function bytesOf(paths) {
  let raw = 0, gzip = 0, brotli = 0;
  for (const path of paths) {
    const body = await readFile(fileFor(path));
    raw += body.length;
    gzip += gzipSync(body, { level: 9 }).length;
    brotli += brotliCompressSync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gzip, brotli, files: [...paths].sort() };
}

function versions() {
  const pkg = (name) => JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8")).version;
  const cargo = readFileSync(join(root, "Cargo.toml"), "utf8").match(/^version = "([^"]+)"/m)[1];
  let commit = "";
  try { commit = execSync("git rev-parse --short HEAD", { cwd: root }).toString().trim(); } catch { /* not a checkout */ }
  return {
    biscoito: `${cargo}${commit ? ` (${commit})` : ""}`,
    "vanilla-cookieconsent": pkg("vanilla-cookieconsent"),
    klaro: pkg("klaro"),
    tarteaucitronjs: pkg("tarteaucitronjs"),
    "playwright-core": pkg("playwright-core"),
  };
}

// --- the run
const { server, port } = await serve();
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...google.args] });
const states = {};
for (const manager of MANAGERS) {
  states[manager.name] = await acceptedState(browser, base, manager).catch((error) => {
    throw new Error(`${manager.name}: could not store an accepted consent: ${error.message}`);
  });
}

const samples = [];
const scenarios = [];
for (const throttle of THROTTLES) for (const returning of [false, true]) scenarios.push({ throttle, returning });
for (let run = 0; run < RUNS; run++) {
  for (const [index, scenario] of scenarios.entries()) {
    const order = seededShuffle(scenario.returning ? MANAGERS : EVERYONE, 1 + run * 31 + index);
    for (const manager of order) {
      const sample = await measure(browser, base, manager, { ...scenario, state: states[manager.name] });
      if (!scenario.returning && sample.googleRequests) throw new Error(`${manager.name}: Google contacted before consent`);
      samples.push(sample);
    }
  }
  process.stdout.write(`run ${run + 1}/${RUNS}\r`);
}
const lcpSamples = [];
for (let run = 0; run < RUNS; run++) {
  for (const manager of seededShuffle(EVERYONE, 5 + run * 17)) lcpSamples.push(await measureLcp(browser, base, manager));
  process.stdout.write(`light page run ${run + 1}/${RUNS}\r`);
}
const chromiumVersion = browser.version();
await browser.close();
server.close();
await google.close();

// The returning visitor's warm page views (warm.mjs): files cacheable, one
// browser profile per manager, several views after the choice.
const warmServer = await serve(0, { cacheable: true });
const warm = await warmSamples(`http://127.0.0.1:${warmServer.port}`, MANAGERS, THROTTLES,
  { executablePath: CHROMIUM, args: ARGS }, seededShuffle);
warmServer.server.close();

const pick = (m, f, key) => samples.filter((s) => s.manager === m && f(s)).map((s) => s[key]).filter((v) => v !== undefined);
const baselineMemory = median(pick("none", () => true, "memoryBytes"));
const baselineScript = Object.fromEntries(THROTTLES.map((t) => [t, median(pick("none", (s) => s.throttle === t, "scriptMs"))]));
// Of a load's longest blocking frames (0: none): the loads with a task over
// 50 ms once its rendering is counted, and that task's length (median, max).
const withRendering = (blocking) => {
  const blocked = blocking.filter((v) => v > 0);
  return { loads: blocking.length, blocked: blocked.length,
    longestMs: blocked.length ? 50 + median(blocked) : 0, maxMs: blocked.length ? 50 + Math.max(...blocked) : 0 };
};
const summary = {};
for (const manager of MANAGERS) {
  const firstVisit = samples.find((s) => s.manager === manager.name && !s.returning);
  const row = { label: manager.label, bytes: await bytesOf(firstVisit.files) };
  for (const t of THROTTLES) {
    const first = (s) => s.throttle === t && !s.returning;
    const again = (s) => s.throttle === t && s.returning;
    row[`cpu${t}x`] = {
      bannerMs: spread(pick(manager.name, first, "bannerMs")),
      returningMs: spread(pick(manager.name, again, "returningMs")),
      scriptMs: spread(pick(manager.name, first, "scriptMs").map((v) => v - baselineScript[t])),
      longTasks: spread(pick(manager.name, first, "longTasks")),
      longestTaskMs: spread(pick(manager.name, first, "longestTaskMs")),
      withRendering: withRendering(pick(manager.name, first, "longestBlockingMs")),
      cls: spread(pick(manager.name, first, "cls")),
      memoryBytes: spread(pick(manager.name, first, "memoryBytes").map((v) => v - baselineMemory)),
      // Every view after the one that chose, in every profile.
      warmMs: spread(warm.filter((w) => w.manager === manager.name && w.throttle === t).map((w) => w.ms)),
    };
  }
  const lcp = lcpSamples.filter((l) => l.manager === manager.name);
  row.lightPage = { lcpMs: spread(lcp.map((l) => l.lcpMs)), bannerWasLcp: lcp.filter((l) => l.bannerWasLcp).length, runs: lcp.length,
    elements: [...new Set(lcp.map((l) => l.lcpElement))] };
  summary[manager.name] = row;
}
const lightAlone = spread(lcpSamples.filter((l) => l.manager === "none").map((l) => l.lcpMs));
// Long tasks of the page with no manager (its own parse and first paint, on
// a busy machine) are the floor under every manager's long-task figures;
// printed so that a reader can tell the manager's from the page's.
const alone = (s) => s.throttle === 4 && !s.returning;
const pageAlone = {
  longTasks: spread(pick("none", alone, "longTasks")),
  longestTaskMs: spread(pick("none", alone, "longestTaskMs")),
  withRendering: withRendering(pick("none", alone, "longestBlockingMs")),
};

const environment = {
  date: new Date().toISOString().slice(0, 10),
  machine: `${os.cpus()[0]?.model?.trim() || "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}`,
  chromium: chromiumVersion,
  node: process.version,
  versions: versions(),
  runs: RUNS,
  warm: { views: WARM_VIEWS, profiles: WARM_ROUNDS },
};

// --- the table
const ratio = (v, b) => (b > 0 ? `${(v / b).toFixed(1)}×` : "–");
const kb = (n) => `${(n / 1000).toFixed(1)} kB`;
const ms = (n) => `${n.toFixed(0)} ms`;
const b = summary.biscoito;
const rendering = (w) => `${w.blocked} of ${w.loads} loads${w.blocked ? ` (longest ${ms(w.longestMs)}, max ${ms(w.maxMs)})` : ""}`;
const lines = [];
lines.push(`Biscoito bench, ${environment.date}, ${environment.machine}, Chromium ${environment.chromium}, ${RUNS} runs each`);
lines.push("medians (min–max); ratio = manager / Biscoito\n");
const columns = ["manager", "gzip", "brotli", "banner 1×", "banner 4×", "returning 1×", "returning 4×", "warm 1×", "warm 4×", "script 4×", "long tasks 4×", "with rendering 4×", "CLS", "memory"];
const rows = [columns];
for (const [name, row] of Object.entries(summary)) {
  const c1 = row.cpu1x, c4 = row.cpu4x;
  const cell = (s, base, fmt) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})${name === "biscoito" ? "" : ` ${ratio(s.median, base.median)}`}`;
  rows.push([
    row.label,
    `${kb(row.bytes.gzip)}${name === "biscoito" ? "" : ` ${ratio(row.bytes.gzip, b.bytes.gzip)}`}`,
    `${kb(row.bytes.brotli)}${name === "biscoito" ? "" : ` ${ratio(row.bytes.brotli, b.bytes.brotli)}`}`,
    cell(c1.bannerMs, b.cpu1x.bannerMs, ms),
    cell(c4.bannerMs, b.cpu4x.bannerMs, ms),
    cell(c1.returningMs, b.cpu1x.returningMs, ms),
    cell(c4.returningMs, b.cpu4x.returningMs, ms),
    cell(c1.warmMs, b.cpu1x.warmMs, ms),
    cell(c4.warmMs, b.cpu4x.warmMs, ms),
    cell(c4.scriptMs, b.cpu4x.scriptMs, ms),
    `${c4.longTasks.median} (longest ${ms(c4.longestTaskMs.median)}, max ${ms(c4.longestTaskMs.max)})`,
    rendering(c4.withRendering),
    `${c1.cls.max.toFixed(3)}`,
    `${kb(c1.memoryBytes.median)}`,
  ]);
}
const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) lines.push(r.map((c, i) => c.padEnd(widths[i])).join("  "));
lines.push(`\nthe page alone (no manager), 4×: ${pageAlone.longTasks.median} long tasks, longest ${ms(pageAlone.longestTaskMs.median)} (max ${ms(pageAlone.longestTaskMs.max)}); with rendering: ${rendering(pageAlone.withRendering)}`);
lines.push(`warm: ${WARM_ROUNDS} browser profiles per manager, ${WARM_VIEWS} page views each after accepting, files cacheable; navigation start to the tag running`);
lines.push(`\nlight home page, ${PHONE.width}×${PHONE.height}, 4× CPU, first visit: Largest Contentful Paint (the page alone: ${ms(lightAlone.median)})`);
for (const row of Object.values(summary)) {
  const l = row.lightPage;
  lines.push(`  ${row.label.padEnd(22)} ${ms(l.lcpMs.median)} (${ratio(l.lcpMs.median, lightAlone.median)} the page alone); the banner was the LCP element in ${l.bannerWasLcp} of ${l.runs} runs (${l.elements.join(", ")})`);
}
const table = lines.join("\n");
console.log(`\n${table}`);

const out = process.env.BENCH_MANAGERS || process.env.BENCH_VARIANT ? join(root, "target", "bench") : join(root, "docs", "bench");
await mkdir(out, { recursive: true });
await writeFile(join(out, "results.json"), `${JSON.stringify({ environment, summary, pageAlone, lightAlone, samples, warm, lcpSamples }, null, 1)}\n`);
await writeFile(join(out, "results.txt"), `${table}\n`);
await writeFile(join(out, "chart.svg"), chart(environment, summary));
console.log(`\nwrote ${out}/results.json, results.txt, chart.svg`);
