// An A/B of what builds of Biscoito cost the page's main thread, steadier
// than the bench's timings on a shared machine: CPU time (not wall time) from
// Chromium's trace, so a busy neighbour does not move the figures.
//
//   node bench/cpu.mjs <dist folder> <dist folder> ...
//   BENCH_RUNS=12 (loads per folder, interleaved)   BENCH_RATE=1 (CPU throttling)
//   BENCH_FIRST=1 (first visits; returning visits by default)
//
// For each folder it prints medians per load: the main thread's CPU time for
// the whole page (the page's own work is the same in every folder, so the
// differences are Biscoito's), and how many wasm functions V8 compiled on
// first call (Chromium compiles wasm lazily) with their CPU time.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, resolve, extname } from "node:path";
import { chromium } from "playwright-core";
import { page, PORTAL_CSS, SERVABLE } from "./managers.mjs";

const folders = process.argv.slice(2).map((f) => resolve(f));
if (folders.length < 1) throw new Error("usage: node bench/cpu.mjs <dist folder> [<dist folder> ...]");
const RUNS = Number(process.env.BENCH_RUNS || 12);
const RATE = Number(process.env.BENCH_RATE || 1);
const FIRST = Boolean(process.env.BENCH_FIRST);
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm" };

// The bench's recommended set-up, pointed at each folder in turn.
const biscoito = SERVABLE.find((m) => m.name === "biscoito");
const pages = folders.map((_, i) => page({ ...biscoito, head: biscoito.head.replaceAll("/biscoito/", `/v${i}/`) }));

const server = createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  const send = (type, body) => res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(body);
  const pageMatch = /^\/v(\d+)\.html$/.exec(path);
  if (pageMatch && pages[pageMatch[1]]) return send("text/html; charset=utf-8", pages[pageMatch[1]]);
  if (path === "/portal.css") return send("text/css", PORTAL_CSS);
  const fileMatch = /^\/v(\d+)\/(.+)$/.exec(path);
  const folder = fileMatch && folders[fileMatch[1]];
  if (!folder) return res.writeHead(404).end();
  const file = join(folder, normalize(fileMatch[2]));
  if (!file.startsWith(folder + "/")) return res.writeHead(404).end();
  try {
    send(TYPES[extname(file)] || "application/octet-stream", await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ready) => server.listen(0, "127.0.0.1", ready));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

async function context(storageState) {
  const ctx = await browser.newContext({ storageState });
  // Nothing leaves the machine; the Google tag is answered with an empty script.
  await ctx.route((url) => url.hostname !== "127.0.0.1", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
  return ctx;
}

// A returning visitor: accept once per folder and keep the storage.
const stored = [];
for (let i = 0; i < folders.length; i++) {
  const ctx = await context();
  const tab = await ctx.newPage();
  await tab.goto(`${base}/v${i}.html`);
  await tab.waitForFunction(() => window.Biscoito);
  await tab.evaluate(() => Biscoito.acceptAll());
  stored.push(await ctx.storageState());
  await ctx.close();
}

const samples = folders.map(() => ({ cpu: [], lazyCount: [], lazyCpu: [] }));
for (let run = 0; run < RUNS; run++) {
  const order = folders.map((_, i) => i);
  if (run % 2) order.reverse();
  for (const i of order) {
    const ctx = await context(FIRST ? undefined : stored[i]);
    const tab = await ctx.newPage();
    const cdp = await ctx.newCDPSession(tab);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: RATE });
    await browser.startTracing(tab, { categories: ["devtools.timeline", "toplevel", "v8.wasm", "blink.user_timing"] });
    await tab.goto(`${base}/v${i}.html`, { waitUntil: "load" });
    await tab.waitForFunction(() => window.Biscoito);
    await tab.waitForTimeout(500);
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    await ctx.close();
    const start = events.find((e) => e.name === "navigationStart" && e.args?.data?.documentLoaderURL?.includes(`/v${i}.html`));
    const main = events.filter((e) => e.pid === start.pid && e.tid === start.tid && e.ph === "X");
    const cpu = (list) => list.reduce((sum, e) => sum + (e.tdur ?? 0), 0) / 1000;
    const lazy = main.filter((e) => e.name === "wasm.CompileLazy");
    samples[i].cpu.push(cpu(main.filter((e) => e.name === "ThreadControllerImpl::RunTask")));
    samples[i].lazyCount.push(lazy.length);
    samples[i].lazyCpu.push(cpu(lazy));
  }
}
await browser.close();
server.close();

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
console.log(`${FIRST ? "first" : "returning"} visits, CPU throttling ${RATE}×, ${RUNS} loads each, medians`);
folders.forEach((folder, i) => {
  const s = samples[i];
  console.log(`${folder}: main thread ${median(s.cpu).toFixed(1)} ms CPU; ${median(s.lazyCount)} wasm functions compiled on first call, ${median(s.lazyCpu).toFixed(1)} ms CPU`);
});
