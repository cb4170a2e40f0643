// `make demo` serves as a well-configured host would, the way the README's
// two server lines set one up: the module and the script travel gzipped,
// and the banner still comes up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./server.mjs";
import { launchChromium } from "./helpers.mjs";

test("the demo host sends the script and the module compressed, and the banner works", async () => {
  const { server, port } = await serve(0, { compress: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const encodings = {};
    page.on("response", (r) => { if (/\/biscoito\//.test(r.url())) encodings[r.url().split("/").pop()] = r.headers()["content-encoding"]; });
    await page.goto(`http://localhost:${port}/tribunal/`);
    await page.waitForFunction(() => window.Biscoito && document.getElementById("biscoito")?.shadowRoot?.querySelector(".banner"));
    assert.deepEqual(encodings, { "biscoito.js": "gzip", "biscoito_bg.wasm": "gzip" });
    const sizes = await page.evaluate(() => performance.getEntriesByType("resource")
      .filter((r) => r.name.endsWith("biscoito_bg.wasm")).map((r) => [r.encodedBodySize, r.decodedBodySize]));
    for (const [sent, module] of sizes) assert.ok(sent < module * 0.5, `the module travelled as ${sent} of ${module} bytes`);
    assert.ok(sizes.length > 0, "the module was fetched");
  } finally {
    await browser.close();
    server.close();
  }
});
