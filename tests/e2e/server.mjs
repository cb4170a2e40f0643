// Static server for the demo portals and the end-to-end tests: www/ at /,
// dist/ at /biscoito/, the configurator's checker module at /checker/, the
// npm package (make pkg) at /pkg/. Pages under /csp/ are sent with a strict
// Content-Security-Policy that reports violations to /csp-report. An HTML
// file's `<!-- test-server: pause -->` holds back the rest of it for 500 ms.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
  ".png": "image/png", ".txt": "text/plain; charset=utf-8",
};
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; frame-src 'self'; connect-src 'self'; report-uri /csp-report";

export function serve(port = 0) {
  const cspReports = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/csp-report") {
      let body = "";
      for await (const chunk of req) body += chunk;
      cspReports.push(body);
      res.writeHead(204).end();
      return;
    }
    let path = decodeURIComponent(url.pathname);
    if (path.endsWith("/")) path += "index.html";
    const mounts = [["/biscoito/", join(root, "dist")], ["/checker/", join(root, "target", "checker")], ["/pkg/", join(root, "pkg")], ["/", join(root, "www")]];
    const [prefix, dir] = mounts.find(([p]) => path.startsWith(p));
    const file = join(dir, normalize(path.slice(prefix.length)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      const headers = { "content-type": types[extname(file)] || "application/octet-stream", "cache-control": "no-cache" };
      if (path.startsWith("/csp/")) headers["content-security-policy"] = STRICT_CSP;
      // Like a CDN: the module may be fetched from another origin (the
      // configurator's sandboxed preview has an opaque one).
      if (prefix === "/biscoito/") headers["access-control-allow-origin"] = "*";
      // A page that arrives in two parts, like a slow portal: the browser
      // parses (and runs async scripts) before the rest is sent.
      const pause = extname(file) === ".html" ? body.indexOf("<!-- test-server: pause -->") : -1;
      if (pause < 0) return res.writeHead(200, headers).end(body);
      res.writeHead(200, headers).write(body.subarray(0, pause));
      setTimeout(() => res.end(body.subarray(pause)), 500);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((done) => {
    server.listen(port, "127.0.0.1", () => done({ server, port: server.address().port, cspReports }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port } = await serve(Number(process.argv[2] || 8080));
  console.log(`http://localhost:${port}/`);
}
