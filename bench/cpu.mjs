// An A/B of what builds of Biscoito cost the page's main thread, steadier
// than the bench's timings on a shared machine: CPU time (not wall time) from
// Chromium's trace, so a busy neighbour does not move the figures.
//
//   BENCH_VARIANT=<another build's dist folder> node bench/cpu.mjs
//   BENCH_RUNS=12 (loads per build, interleaved)   BENCH_RATE=1 (CPU throttling)
//   BENCH_FIRST=1 (first visits; returning visits by default)
//
// It loads the bench's Biscoito page for dist/ and, with BENCH_VARIANT, for
// the other build (served by server.mjs as biscoito-variant), and prints
// medians per load: the main thread's CPU time for the whole page (the
// page's own work is the same for both, so the differences are Biscoito's),
// and how many wasm functions V8 compiled on first call (Chromium compiles
// wasm lazily) with their CPU time.
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const RUNS = Number(process.env.BENCH_RUNS || 12);
const RATE = Number(process.env.BENCH_RATE || 1);
const FIRST = Boolean(process.env.BENCH_FIRST);
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const builds = [
  { page: "biscoito", label: "dist/" },
  ...(process.env.BENCH_VARIANT ? [{ page: "biscoito-variant", label: process.env.BENCH_VARIANT }] : []),
];

const { server, port } = await serve(0);
const base = `http://127.0.0.1:${port}`;
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
for (const build of builds) {
  const ctx = await context();
  const tab = await ctx.newPage();
  await tab.goto(`${base}/${build.page}.html`);
  await tab.waitForFunction(() => window.Biscoito);
  await tab.evaluate(() => Biscoito.acceptAll());
  stored.push(await ctx.storageState());
  await ctx.close();
}

const samples = builds.map(() => ({ cpu: [], lazyCount: [], lazyCpu: [] }));
for (let run = 0; run < RUNS; run++) {
  const order = builds.map((_, i) => i);
  if (run % 2) order.reverse();
  for (const i of order) {
    const ctx = await context(FIRST ? undefined : stored[i]);
    const tab = await ctx.newPage();
    const cdp = await ctx.newCDPSession(tab);
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: RATE });
    await browser.startTracing(tab, { categories: ["devtools.timeline", "toplevel", "v8.wasm", "blink.user_timing"] });
    await tab.goto(`${base}/${builds[i].page}.html`, { waitUntil: "load" });
    await tab.waitForFunction(() => window.Biscoito);
    await tab.waitForTimeout(500);
    const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    await ctx.close();
    const start = events.find((e) => e.name === "navigationStart" && e.args?.data?.documentLoaderURL?.endsWith(`/${builds[i].page}.html`));
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
builds.forEach((build, i) => {
  const s = samples[i];
  console.log(`${build.label}: main thread ${median(s.cpu).toFixed(1)} ms CPU; ${median(s.lazyCount)} wasm functions compiled on first call, ${median(s.lazyCpu).toFixed(1)} ms CPU`);
});
