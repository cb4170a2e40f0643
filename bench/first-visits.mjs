// What long-tasks.mjs and banner-frame.mjs share: the builds compared
// (dist/, BENCH_VARIANT's build, pages named in BENCH_PAGES), a headless
// Chromium, and first visits in fresh contexts at BENCH_RATE× CPU, the
// builds interleaved and their order reversed every other run.
import { chromium } from "playwright-core";
import { googleStandIn } from "./google-stand-in.mjs";

export const RATE = Number(process.env.BENCH_RATE || 4);
// A mistyped figure would otherwise measure unthrottled, or nothing at all.
if (!(RATE >= 1)) throw new Error(`BENCH_RATE must be a CPU slowdown of 1 or more, not ${process.env.BENCH_RATE}`);

export const builds = [
  { page: "biscoito", label: "dist/" },
  ...(process.env.BENCH_VARIANT ? [{ page: "biscoito-variant", label: process.env.BENCH_VARIANT }] : []),
  ...(process.env.BENCH_PAGES || "").split(",").filter(Boolean).map((page) => ({ page, label: page })),
];

/** Chromium with every other host answered by an empty script on loopback
 * (google-stand-in.mjs: Playwright's route() would hold every request). */
export async function launch() {
  const google = await googleStandIn("");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync", ...google.args],
  });
  browser.on("disconnected", () => google.close());
  return browser;
}

/** Calls `visit(tab, build, index)` for `runs` first visits of every build. */
export async function eachFirstVisit(browser, runs, { initScript, visit }) {
  if (!(Number.isInteger(runs) && runs > 0)) throw new Error(`BENCH_RUNS must be a whole number above 0, not ${process.env.BENCH_RUNS}`);
  for (let run = 0; run < runs; run++) {
    const order = builds.map((_, i) => i);
    if (run % 2) order.reverse();
    for (const i of order) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        if (initScript) await context.addInitScript(initScript);
        const tab = await context.newPage();
        const cdp = await context.newCDPSession(tab);
        if (RATE > 1) await cdp.send("Emulation.setCPUThrottlingRate", { rate: RATE });
        await visit(tab, builds[i], i);
      } finally {
        await context.close();
      }
    }
    process.stdout.write(`load ${run + 1}/${runs}\r`);
  }
  process.stdout.write("\n");
}
