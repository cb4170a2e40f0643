// Whose are a first visit's long tasks? Loads the bench's Biscoito page at
// 4× CPU, each load in a fresh context, and for every task over 50 ms the
// page's own `longtask` observer sees, names what ran in it from the Long
// Animation Frames API (the script and how it was called), without a trace:
// tracing itself lengthens tasks (it collects source positions for stack
// traces), which is what the issue's figure must not include.
//
//   node bench/long-tasks.mjs      BENCH_RUNS=30 (loads per build)   BENCH_RATE=4
//   BENCH_VARIANT=<another build's dist folder> (an A/B, loads interleaved)
//   BENCH_PAGES=none (also the page without a manager: its own long tasks)
//
// A task is put down to:
//   the glue's evaluation   biscoito.js run as a classic script: the deferred
//                           tag runs in the task that ends the page's parsing,
//                           so the rest of that task is the page's own;
//   a boot step             a scheduler.yield continuation in biscoito.js;
//   rendering               no script of Biscoito's, the frame's style,
//                           layout and paint (the banner drawn, or the page);
//   other                   anything else.
// It also prints how long each boot step ran (between the loader's yields),
// and what the Long Animation Frames API itself counts as blocking: a
// task over 50 ms together with the rendering that followed it. Chromium's
// `longtask` entries leave a frame's rendering out unless a script ran in
// that frame (a pending requestAnimationFrame callback is enough to bring
// it in), so the page's observer alone can report fewer long tasks than the
// visitor's main thread had.
import { serve } from "./server.mjs";
import { RATE, builds, launch, eachFirstVisit } from "./first-visits.mjs";

const RUNS = Number(process.env.BENCH_RUNS || 30);

// In every document before its own scripts.
function probe() {
  const seen = (window.__longTasks = { tasks: [], frames: [], yields: [], resumes: [] });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.tasks.push({ start: e.startTime, ms: e.duration })))
    .observe({ type: "longtask", buffered: true });
  new PerformanceObserver((list) => list.getEntries().forEach((e) => seen.frames.push({
    start: e.startTime, ms: e.duration, blocking: e.blockingDuration, renderMs: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
    scripts: e.scripts.map((s) => ({ file: (s.sourceURL || "").split("/").pop(), invoker: s.invokerType, name: s.invoker, ms: s.duration })),
  }))).observe({ type: "long-animation-frame", buffered: true });
  // The loader yields before each boot step: a step runs from one resumption to the next yield.
  if (window.scheduler?.yield) {
    const original = scheduler.yield.bind(scheduler);
    scheduler.yield = () => {
      seen.yields.push(performance.now());
      return original().then((value) => { seen.resumes.push(performance.now()); return value; });
    };
  }
}

// What one of a frame's scripts was, if it was Biscoito's. Long Animation
// Frames give a scheduler.yield continuation no sourceURL, so a boot step is
// known by how it was invoked, not by its file.
function role(script) {
  if (script.file === "biscoito.js" && script.invoker === "classic-script") return "the glue's evaluation";
  if (script.invoker === "resolve-promise" && script.name.includes("yield")) return "a boot step";
  return null;
}

function blame(task, frames) {
  const frame = frames.find((f) => f.start <= task.start + 1 && task.start <= f.start + f.ms);
  const roles = (frame?.scripts ?? []).map(role);
  for (const why of ["the glue's evaluation", "a boot step"]) if (roles.includes(why)) return why;
  if (frame && !frame.scripts.length) return "rendering";
  return "other";
}

// A blocking frame is put down to its rendering when that alone is over 50 ms
// or longer than any script in it; otherwise to its longest script.
// Rendering is "the banner's" when the frame ends after the last boot step
// (the drawing) began.
function blameFrame(frame, drawn) {
  const longest = frame.scripts.reduce((a, b) => (b.ms > (a?.ms ?? 0) ? b : a), null);
  if (!longest || frame.renderMs > 50 || frame.renderMs >= longest.ms) {
    return drawn !== undefined && frame.start + frame.ms > drawn ? "rendering, the banner's" : "rendering, before the banner";
  }
  return role(longest) ?? "other";
}

const { server, port } = await serve(0);
const base = `http://127.0.0.1:${port}`;
const browser = await launch();
const results = builds.map(() => ({ longest: [], blamed: {}, steps: [], glue: [], blocking: [], blockingBlamed: {} }));
await eachFirstVisit(browser, RUNS, { initScript: probe, visit: async (tab, build, i) => {
  await tab.goto(`${base}/${build.page}.html`, { waitUntil: "load" });
  // The banner is drawn a few hundred ms after load at 4×; a fixed wait,
  // since waiting on a condition would inject Playwright's own script.
  await tab.waitForTimeout(1500);
  const seen = await tab.evaluate(() => window.__longTasks);
  const result = results[i];
  result.longest.push(Math.max(0, ...seen.tasks.map((t) => t.ms)));
  for (const task of seen.tasks) {
    const why = blame(task, seen.frames);
    result.blamed[why] = (result.blamed[why] ?? 0) + 1;
  }
  // A blocking frame: some task in it, with the frame's rendering, went over 50 ms.
  const blocking = seen.frames.filter((f) => f.blocking > 0);
  result.blocking.push(Math.max(0, ...blocking.map((f) => f.blocking)));
  for (const frame of blocking) {
    const why = blameFrame(frame, seen.resumes.at(-1));
    result.blockingBlamed[why] = (result.blockingBlamed[why] ?? 0) + 1;
  }
  // Long animation frames list the scripts over 5 ms in them: the glue's evaluation when it was one.
  const glue = seen.frames.flatMap((f) => f.scripts).find((s) => role(s) === "the glue's evaluation");
  if (glue) result.glue.push(glue.ms);
  result.steps.push(seen.resumes.map((resumed, n) => seen.yields[n + 1] - resumed).filter((ms) => !Number.isNaN(ms)));
} });
await browser.close();
server.close();

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
console.log(`first visits, CPU throttling ${RATE}×, ${RUNS} loads each (the page's longtask observer; medians)`);
builds.forEach((build, i) => {
  const r = results[i];
  const withOne = r.longest.filter((ms) => ms > 0).length;
  const blamed = Object.entries(r.blamed).sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} in ${why}`).join(", ") || "none";
  console.log(`${build.label}: ${withOne} of ${RUNS} loads had a task over 50 ms; the longest ${median(r.longest).toFixed(0)} ms (max ${Math.max(...r.longest).toFixed(0)}); tasks: ${blamed}`);
  const blockingLoads = r.blocking.filter((ms) => ms > 0).length;
  const blockingBlamed = Object.entries(r.blockingBlamed).sort((a, b) => b[1] - a[1]).map(([why, n]) => `${n} in ${why}`).join(", ") || "none";
  console.log(`  long animation frames: ${blockingLoads} of ${RUNS} loads had a task over 50 ms with its rendering; blocking ${median(r.blocking).toFixed(0)} ms (max ${Math.max(...r.blocking).toFixed(0)}) beyond 50; frames: ${blockingBlamed}`);
  if (r.glue.length) console.log(`  the glue's evaluation, where a long frame held it (${r.glue.length} loads): ${median(r.glue).toFixed(0)} ms (max ${Math.max(...r.glue).toFixed(0)})`);
  const stepCount = Math.max(0, ...r.steps.map((s) => s.length));
  if (stepCount) {
    const perStep = Array.from({ length: stepCount }, (_, n) => r.steps.map((s) => s[n]).filter((ms) => ms !== undefined));
    console.log(`  boot steps before the last (ms, median and max): ${perStep.map((ms) => `${median(ms).toFixed(0)}/${Math.max(...ms).toFixed(0)}`).join(", ")}`);
  }
});
