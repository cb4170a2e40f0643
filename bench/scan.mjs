// How long `biscoito scan` takes on a 20-page portal: the demo server's
// generated /scan-bench/ pages (a gated third-party counter on each, links
// onwards), three passes, the command's defaults. Prints the figures; run
// with `make bench-scan` (a release build). SCAN_RUNS runs (default 3).
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "../tests/e2e/server.mjs";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "release", "biscoito");
const RUNS = Number(process.env.SCAN_RUNS || 3);
const { server, port } = await serve(0);
const dir = await mkdtemp(join(tmpdir(), "biscoito-bench-scan-"));

function scan(json) {
  const args = ["scan", `http://localhost:${port}/scan-bench/pagina-1.html`, "--pages", "20", "--progress", "none",
    `--browser-arg=--host-resolver-rules=MAP *.terceiro.test 127.0.0.1:${port}`, "--allow-private", "--json", json];
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(BIN, args, { stdio: ["ignore", "ignore", "inherit"] });
    child.on("close", (code) => done({ code, seconds: (performance.now() - started) / 1000 }));
  });
}

console.log(`biscoito scan, 20 pages × 3 passes, defaults (4 tabs, 3 s wait), ${RUNS} runs`);
const times = [];
for (let i = 0; i < RUNS; i++) {
  const json = join(dir, `run-${i}.json`);
  const { code, seconds } = await scan(json);
  const report = JSON.parse(await readFile(json, "utf8"));
  if (code !== 0 || report.summary.pages !== 20) {
    console.error(`run ${i + 1}: exit ${code}, ${report.summary.pages} pages: the bench site should scan clean with 20 pages`);
    process.exit(1);
  }
  times.push(seconds);
  const visits = report.pages.length;
  console.log(`run ${i + 1}: ${seconds.toFixed(1)} s, ${visits} visits, ${(visits / seconds * 60).toFixed(0)} visits/min, ${(20 / seconds * 60).toFixed(1)} pages/min (each in three passes)`);
}
times.sort((a, b) => a - b);
console.log(`median: ${times[Math.floor(times.length / 2)].toFixed(1)} s for 20 pages × 3 passes (target: under 120 s)`);
server.close();
