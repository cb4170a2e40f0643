// What the banner's first rendering costs on a first visit: loads the bench's
// Biscoito page at 4× CPU with a trace, finds the rendering task that follows
// the last boot step (the drawing), and prints its length and what in it was
// font lookups, layout and style. A trace lengthens script more than style
// and layout, so this is for comparing builds' rendering, not for the
// long-task figure itself (long-tasks.mjs takes no trace for that reason).
//
//   node bench/banner-frame.mjs     BENCH_RUNS=16   BENCH_RATE=4
//   BENCH_VARIANT=<another build's dist folder> (an A/B, loads interleaved)
import { serve } from "./server.mjs";
import { RATE, builds, launch, eachFirstVisit } from "./first-visits.mjs";

const RUNS = Number(process.env.BENCH_RUNS || 16);
const CATEGORIES = ["devtools.timeline", "toplevel", "disabled-by-default-devtools.timeline", "blink", "fonts"];

/** The renderer's main thread: the one that parsed the page (not another
 * document a trace may hold, such as the tab's first blank one). */
function mainThread(events, page) {
  const parse = events.find((e) => e.name === "ParseHTML" && e.args?.beginData?.url?.endsWith(`/${page}.html`));
  if (!parse) return [];
  return events.filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === "X" && e.dur);
}

/** The first task with style or layout after the last boot step began, and its parts in ms. */
function bannerFrame(events, page) {
  const main = mainThread(events, page);
  const tasks = main.filter((e) => e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask");
  const lastStep = main.filter((e) => e.name === "RunYieldContinuation").at(-1);
  if (!lastStep) return null;
  const within = (task) => main.filter((e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
  const total = (inside, name) => inside.filter((e) => e.name === name).reduce((ms, e) => ms + e.dur / 1000, 0);
  for (const task of tasks.filter((t) => t.ts > lastStep.ts).sort((a, b) => a.ts - b.ts)) {
    const inside = within(task);
    if (!inside.some((e) => e.name === "UpdateLayoutTree" || e.name === "Layout")) continue;
    return {
      ms: task.dur / 1000,
      fonts: total(inside, "FontCache::GetFontPlatformData"),
      layout: total(inside, "Layout"),
      style: total(inside, "UpdateLayoutTree"),
    };
  }
  return null;
}

const { server, port } = await serve(0);
const browser = await launch();
const frames = builds.map(() => []);
await eachFirstVisit(browser, RUNS, { visit: async (tab, build, i) => {
  await browser.startTracing(tab, { categories: CATEGORIES });
  await tab.goto(`http://127.0.0.1:${port}/${build.page}.html`, { waitUntil: "load" });
  await tab.waitForTimeout(1500);
  const trace = JSON.parse((await browser.stopTracing()).toString());
  const frame = bannerFrame(trace.traceEvents, build.page);
  if (frame) frames[i].push(frame);
} });
await browser.close();
server.close();

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
console.log(`the banner's first rendering, first visits at ${RATE}× CPU, traced (medians, ms)`);
builds.forEach((build, i) => {
  const f = frames[i];
  const at = (key) => median(f.map((x) => x[key])).toFixed(0);
  console.log(`${build.label}: ${at("ms")} ms, over 50 ms in ${f.filter((x) => x.ms > 50).length} of ${f.length} loads; font lookups ${at("fonts")}, layout ${at("layout")} (fonts included), style ${at("style")}`);
  if (f.length < RUNS) console.log(`  ${RUNS - f.length} of ${RUNS} loads left out: no rendering after the drawing was found in their trace`);
});
