// make bench-back-forward: what a visitor's Back costs on a portal page
// with Biscoito, with Chromium's back/forward cache on (as browsers ship)
// and off (as it is for a page that is not eligible, for example one with
// an `unload` listener). Biscoito adds none of the things that make a page
// ineligible; this prints the figure that keeping it so is worth, and the
// reasons Chromium gives when it did not restore. Not part of `make test`.
//
//   BENCH_RUNS=15   CHROMIUM_PATH=/usr/bin/chromium
import { chromium } from "playwright-core";
import { serve } from "../tests/e2e/server.mjs";

const RUNS = Number(process.env.BENCH_RUNS || 15);
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync"];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { server, port } = await serve(0);
const base = `http://localhost:${port}`;
const rows = [];
for (const cache of [true, false]) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM, args: ARGS,
    ignoreDefaultArgs: cache ? ["--disable-back-forward-cache"] : [],
  });
  const times = [];
  let restored = 0;
  const reasons = new Set();
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    // Nothing leaves the machine: Google's tag is answered empty.
    await context.route((url) => url.hostname !== "localhost", (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
    const page = await context.newPage();
    await page.goto(base + "/");
    await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito"));
    await page.evaluate(() => Biscoito.acceptAll());
    await page.evaluate(() => addEventListener("pageshow", (e) => { window.__restored = e.persisted; }));
    await page.click("a[href='/defensoria/privacidade.html']");
    await page.waitForFunction(() => window.Biscoito && location.pathname.includes("privacidade"));
    const start = performance.now();
    await page.goBack({ waitUntil: "commit" });
    await page.waitForFunction(() => location.pathname === "/" && window.Biscoito && document.readyState === "complete" && Biscoito.accepted("analytics"));
    times.push(performance.now() - start);
    const shown = await page.evaluate(() => ({
      restored: window.__restored === true,
      reasons: performance.getEntriesByType("navigation")[0]?.notRestoredReasons?.reasons?.map((r) => r.reason) || [],
    }));
    if (shown.restored) restored++;
    shown.reasons.forEach((r) => reasons.add(r));
    await context.close();
  }
  await browser.close();
  rows.push({ cache, median: median(times), restored, reasons: [...reasons] });
}
server.close();
console.log(`Back to the demo portal's home page after accepting, Chromium, ${RUNS} runs each (median, from the Back to Biscoito answering on the page):`);
for (const r of rows) {
  console.log(`  back/forward cache ${r.cache ? "on " : "off"}: ${r.median.toFixed(0)} ms; restored from the cache ${r.restored}/${RUNS}` +
    (r.reasons.length ? `; Chromium's reasons for not restoring: ${r.reasons.join(", ")}` : ""));
}
