// Google's tag server, stood in for on loopback over HTTPS (bench.mjs, warm.mjs,
// first-visits.mjs). Playwright's route() cannot answer for Google: any route
// turns off the browser's HTTP cache for the whole context and holds every
// request (the managers' own files included) until Playwright's process lets
// it go, so a "warm" view fetched everything again and every load waited on
// Playwright. Instead Chromium resolves every host but the bench's own to this
// server, and accepts its throwaway certificate.
import { execFileSync } from "node:child_process";
import { createServer } from "node:https";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** What bench.mjs and warm.mjs serve for gtag.js: it records when it ran and
 * sets _ga like the real one. It says so on the console too: waiting for that
 * costs the page nothing, while Playwright's waitForFunction would first
 * inject its own script into the new document (about 13 ms of main thread at
 * 1×, 50 at 4×), in the middle of the very work being timed. */
export const GTAG_STUB = "window.__bench&&(window.__bench.gtagRan=performance.now());console.debug('bench: gtag ran');" +
  "document.cookie='_ga=GA1.1.1234567890.1790000000; path=/; max-age=63072000';";

/** Serves `script` for every request; `requests` lists the URLs a page asked for. */
export async function googleStandIn(script) {
  const dir = await mkdtemp(join(tmpdir(), "biscoito-bench-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=www.googletagmanager.com",
    "-addext", "subjectAltName=DNS:www.googletagmanager.com"], { stdio: "ignore" });
  const requests = [];
  const server = createServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
    // The browser's own requests (its updater, its account check) come with
    // Sec-Fetch-Site "none": no page made them.
    if (req.headers["sec-fetch-site"] !== "none") requests.push(`https://${req.headers.host}${req.url}`);
    // gtag.js is not cacheable from a server whose certificate the browser
    // had to be told to accept, whatever it says: the same for every manager.
    res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" }).end(script);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  return {
    requests,
    args: [`--host-resolver-rules=MAP * 127.0.0.1:${port}, EXCLUDE 127.0.0.1, EXCLUDE localhost`, "--ignore-certificate-errors"],
    async close() {
      server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
