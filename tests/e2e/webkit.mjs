// WebKit, Safari's engine, on Linux: WebKitGTK's WebKitWebDriver driving
// MiniBrowser under a private Xvfb display (MiniBrowser has no headless mode).
//
// As a module: startWebKit() for the end-to-end tests (webkit.test.mjs).
// As a command: `node tests/e2e/webkit.mjs CMD ARGS...` starts the same, plus
// a WebDriver endpoint that fills in MiniBrowser's capabilities on session
// creation, runs CMD with WEBKIT_DRIVER_URL pointing at it, and stops it all.
// wasm-bindgen's test runner drives WebKit that way (as "Safari": it sends
// empty capabilities, which WebKitWebDriver cannot launch a browser from).
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startDriver } from "./webdriver.mjs";

/** MiniBrowser ships in libwebkit2gtk-4.1-0, off PATH. */
export function miniBrowserPath() {
  if (process.env.WEBKIT_MINIBROWSER) return process.env.WEBKIT_MINIBROWSER;
  try {
    const files = execFileSync("dpkg", ["-L", "libwebkit2gtk-4.1-0"], { encoding: "utf8" }).split("\n");
    const found = files.find((f) => f.endsWith("/MiniBrowser") && existsSync(f));
    if (found) return found;
  } catch { /* not installed */ }
  throw new Error("MiniBrowser not found: install libwebkit2gtk-4.1-0 (.ci/setup.sh webkit) or set WEBKIT_MINIBROWSER");
}

/** An Xvfb server on a display number it picks itself. */
export async function startXvfb() {
  const child = spawn("Xvfb", ["-displayfd", "3", "-nolisten", "tcp", "-screen", "0", "1280x1024x24"], {
    stdio: ["ignore", "ignore", "ignore", "pipe"],
  });
  const exited = new Promise((r) => child.once("exit", r));
  const display = await new Promise((resolve, reject) => {
    let text = "";
    child.stdio[3].on("data", (chunk) => {
      text += chunk;
      if (text.includes("\n")) resolve(`:${text.trim()}`);
    });
    child.once("error", (e) => reject(new Error(`Xvfb could not start (${e.message}): install xvfb (.ci/setup.sh webkit)`)));
    child.once("exit", (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return { display, stop: async () => { child.kill(); await exited; } };
}

/** Session capabilities for MiniBrowser; `proxyPort` sends outside requests to a recording proxy. */
export function capabilities(proxyPort) {
  const args = ["--automation"];
  // MiniBrowser's own proxy options: it does not take WebDriver's proxy capability.
  if (proxyPort) args.push(`--proxy=http://127.0.0.1:${proxyPort}`, "--ignore-host=localhost", "--ignore-host=127.0.0.1");
  return { browserName: "MiniBrowser", "webkitgtk:browserOptions": { binary: miniBrowserPath(), args } };
}

/** Xvfb and WebKitWebDriver; stop() ends both. */
export async function startWebKit() {
  const xvfb = await startXvfb();
  const driverBinary = process.env.WEBKIT_WEBDRIVER || "WebKitWebDriver";
  let driver;
  try {
    driver = await startDriver(driverBinary, [], { ...process.env, DISPLAY: xvfb.display });
  } catch (e) {
    await xvfb.stop();
    throw new Error(`${e.message}: install webkit2gtk-driver (.ci/setup.sh webkit) or set WEBKIT_WEBDRIVER`);
  }
  return {
    url: driver.url,
    async stop() { await driver.stop(); await xvfb.stop(); },
  };
}

/** Forwards WebDriver calls to `driverUrl`, giving every new session MiniBrowser's capabilities. */
async function capabilityFiller(driverUrl) {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    if (req.method === "POST" && req.url === "/session") {
      body = JSON.stringify({ capabilities: { alwaysMatch: capabilities() } });
    }
    try {
      const answer = await fetch(driverUrl + req.url, {
        method: req.method, headers: { "content-type": "application/json" },
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
      });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(await answer.text());
    } catch (e) {
      res.writeHead(502, { "content-type": "application/json" })
        .end(JSON.stringify({ value: { error: "unknown error", message: `WebKitWebDriver: ${e.message}` } }));
    }
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error("usage: node tests/e2e/webkit.mjs COMMAND [ARGS...]");
    process.exit(2);
  }
  const webkit = await startWebKit();
  const filler = await capabilityFiller(webkit.url);
  const child = spawn(command, args, { stdio: "inherit", env: { ...process.env, WEBKIT_DRIVER_URL: filler.url } });
  const code = await new Promise((r) => child.once("exit", (c, signal) => r(c ?? (signal ? 1 : 0))));
  await filler.close();
  await webkit.stop();
  process.exit(code);
}
