// Static server for the demo portals and the end-to-end tests: www/ at /,
// (as `make demo` runs it, with `compress`: gzip for what a host compresses),
// dist/ at /biscoito/, the configurator's checker module at /checker/, the
// npm package (make pkg) at /pkg/. Pages under /csp/ are sent with a strict
// Content-Security-Policy that reports violations to /csp-report. An HTML
// file's `<!-- test-server: pause -->` holds back the rest of it for 500 ms,
// and `<!-- test-server: set-cookie NAME=VALUE -->` sends that cookie.
// sitemap.xml's absolute addresses name this server as the request did.
// Hosts under .terceiro.test (a browser maps them here with
// --host-resolver-rules) play other sites: they are served from
// www/terceiros/. /scan-hostil/ answers the scanner's hostile cases, and
// /scan-bench/pagina-N.html is a 40-page portal made up on the fly, to time
// a scan by (bench/scan.mjs). POST /recibos goes to the receipts service
// given as `receipts` (its base URL; BISCOITO_RECEIPTS when run as a
// program), as a portal's reverse proxy would send it (docs/receipts.md).
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
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

const BENCH_PAGES = 40;

/** /scan-bench/pagina-N.html: a portal page with Biscoito, a gated counter and links on. */
function benchPage(n) {
  const links = Array.from({ length: 8 }, (_, i) => n + 1 + i).filter((m) => m <= BENCH_PAGES)
    .map((m) => `<li><a href="/scan-bench/pagina-${m}.html">Serviço ${m}</a></li>`).join("");
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>Serviço ${n} — Portal de Vila Serena</title>
<script type="application/json" id="biscoito-config">{"policyUrl": "/scan-bench/pagina-1.html", "categories": [{"id": "necessary", "required": true},
{"id": "analytics", "hosts": ["estatistica.terceiro.test"]}], "storage": {"key": "bench-consent"}}</script>
<script src="/biscoito/biscoito.js" defer></script></head><body><main><h1>Serviço ${n}</h1>
<p>Página ${n} de ${BENCH_PAGES} de um portal de demonstração.</p><ul>${links}</ul>
<script type="text/plain" data-category="analytics" data-src="http://estatistica.terceiro.test/contador.js"></script></main></body></html>`;
}

/** The scanner's hostile and generated pages; true when it answered. */
function hostile(url, req, res) {
  const bench = /^\/scan-bench\/pagina-(\d+)\.html$/.exec(url.pathname);
  if (bench && Number(bench[1]) >= 1 && Number(bench[1]) <= BENCH_PAGES) {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }).end(benchPage(Number(bench[1])));
    return true;
  }
  switch (url.pathname) {
    case "/scan-hostil/ciclo": // a redirect loop
      res.writeHead(302, { location: "/scan-hostil/ciclo" }).end();
      return true;
    case "/scan-hostil/fora": // a redirect to another site
      res.writeHead(302, { location: "http://outro.terceiro.test/fora.html" }).end();
      return true;
    case "/scan-hostil/sem-fim": // headers, a little HTML, then nothing ever again
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).write("<!doctype html><title>Sem fim</title><p>Carregando");
      req.socket.setTimeout(0);
      return true;
    case "/scan-hostil/grande.html": { // 20 MB of paragraphs
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.write('<!doctype html><html lang="pt-BR"><title>Página grande</title><script src="/biscoito/biscoito.js" defer></script><main>');
      const chunk = "<p>Diário oficial: texto de exemplo repetido para ocupar espaço.</p>\n".repeat(1000);
      let sent = 0;
      const more = () => {
        while (sent < 20e6) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once("drain", more);
        }
        res.end("</main></html>");
      };
      more();
      return true;
    }
  }
  return false;
}

/** Relays a receipt to the receipts service, headers and answer as they are. */
async function relayReceipt(req, res, receipts) {
  if (!receipts) {
    res.writeHead(503, { "content-type": "application/json" })
      .end('{"error":"no-receipts-service","message":"this test server was started without one"}');
    return;
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = {};
  for (const name of ["content-type", "origin"]) if (req.headers[name]) headers[name] = req.headers[name];
  try {
    const answer = await fetch(new URL("/receipts", receipts), { method: req.method, headers, body: req.method === "POST" ? Buffer.concat(chunks) : undefined });
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") || "text/plain" }).end(Buffer.from(await answer.arrayBuffer()));
  } catch (e) {
    res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: "receipts-service-unreachable", message: String(e) }));
  }
}

/**
 * `options.receipts` is read at each request: a test may start the service
 * after the server. `options.cacheScripts` serves scripts and modules
 * cacheable for a year (else every file is `no-cache`).
 */
export function serve(port = 0, options = {}) {
  const cspReports = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/recibos") return relayReceipt(req, res, options.receipts);
    if (url.pathname === "/csp-report") {
      let body = "";
      for await (const chunk of req) body += chunk;
      cspReports.push(body);
      res.writeHead(204).end();
      return;
    }
    if (hostile(url, req, res)) return;
    const thirdParty = (req.headers.host || "").split(":")[0].endsWith(".terceiro.test");
    let path = decodeURIComponent(thirdParty ? "/terceiros" + url.pathname : url.pathname);
    if (path.endsWith("/")) path += "index.html";
    const mounts = [["/biscoito/", join(root, "dist")], ["/checker/", join(root, "target", "checker")], ["/pkg/", join(root, "pkg")], ["/", join(root, "www")]];
    const [prefix, dir] = mounts.find(([p]) => path.startsWith(p));
    const file = join(dir, normalize(path.slice(prefix.length)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      let body = await readFile(file);
      if (path === "/sitemap.xml") body = Buffer.from(body.toString().replaceAll("http://localhost:8080", `http://${req.headers.host}`));
      const headers = { "content-type": types[extname(file)] || "application/octet-stream", "cache-control": "no-cache" };
      if (path.startsWith("/csp/")) headers["content-security-policy"] = STRICT_CSP;
      const cookie = extname(file) === ".html" && /<!-- test-server: set-cookie (\S+) -->/.exec(body.toString());
      if (cookie) headers["set-cookie"] = `${cookie[1]}; Path=/; Max-Age=86400`;
      // Like a CDN: the module may be fetched from another origin (the
      // configurator's sandboxed preview has an opaque one).
      if (prefix === "/biscoito/") headers["access-control-allow-origin"] = "*";
      // As a portal serves its static files: the pages are checked again,
      // the scripts and the module come from the cache.
      if (options.cacheScripts && /\.(js|wasm)$/.test(path)) headers["cache-control"] = "max-age=31536000";
      // The README's host: Biscoito's files kept a day, revalidated after.
      if (options.compress && prefix === "/biscoito/") headers["cache-control"] = "public, max-age=86400";
      // A page that arrives in two parts, like a slow portal: the browser
      // parses (and runs async scripts) before the rest is sent. A second and
      // a half, so that a busy CI machine still parses the first part well
      // before the rest arrives (half a second was not always enough).
      const pause = extname(file) === ".html" ? body.indexOf("<!-- test-server: pause -->") : -1;
      // As a well-configured host (`make demo`, `compress`): JavaScript, the
      // module and styles gzipped, as the README's server lines set up.
      if (options.compress && pause < 0 && /\.(js|mjs|wasm|css|html)$/.test(file) && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        headers["content-encoding"] = "gzip";
        headers.vary = "Accept-Encoding";
        return res.writeHead(200, headers).end(gzipSync(body));
      }
      if (pause < 0) return res.writeHead(200, headers).end(body);
      res.writeHead(200, headers).write(body.subarray(0, pause));
      setTimeout(() => res.end(body.subarray(pause)), 1500);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((done) => {
    server.listen(port, "127.0.0.1", () => done({ server, port: server.address().port, cspReports }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port } = await serve(Number(process.argv[2] || 8080), { receipts: process.env.BISCOITO_RECEIPTS || null, compress: true });
  console.log(`http://localhost:${port}/`);
}
