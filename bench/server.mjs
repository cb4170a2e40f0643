// The bench's static server: the portal pages generated from managers.mjs,
// Biscoito from dist/ at /biscoito/, the other managers from node_modules/
// at /vendor/. Run alone (`node server.mjs`) to look at the pages by hand.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize, resolve, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVABLE, BASELINE, page as portal, PORTAL_CSS } from "./managers.mjs";

const here = resolve(fileURLToPath(import.meta.url), "..");
const root = resolve(here, "..");
const TYPES = { ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8" };
const EVERYONE = [...SERVABLE, BASELINE];
// BENCH_VARIANT: another build's dist/ folder, served at /biscoito-variant/ (see managers.mjs).
const VARIANT = process.env.BENCH_VARIANT ? resolve(process.env.BENCH_VARIANT) : null;

export function fileFor(path) {
  if (path.startsWith("/biscoito/")) return join(root, "dist", normalize(path.slice("/biscoito/".length)));
  if (VARIANT && path.startsWith("/biscoito-variant/")) return join(VARIANT, normalize(path.slice("/biscoito-variant/".length)));
  if (path.startsWith("/vendor/")) return join(here, "node_modules", normalize(path.slice("/vendor/".length)));
  return null;
}

/** `cacheable`: the managers' files may be kept a year, as a portal's
 * versioned static files are (the returning visitor's warm cache); pages
 * are always asked for again. Otherwise nothing is stored (a cold cache). */
export function serve(port = 0, { cacheable = false } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    const send = (type, body) => res.writeHead(200, { "content-type": type, "cache-control": cacheable && type !== TYPES[".html"] ? "public, max-age=31536000" : cacheable ? "no-cache" : "no-store" }).end(body);
    const manager = EVERYONE.find((m) => path === `/${m.name}.html`);
    if (manager) return send(TYPES[".html"], portal(manager));
    const light = EVERYONE.find((m) => path === `/leve/${m.name}.html`);
    if (light) return send(TYPES[".html"], portal(light, { light: true }));
    if (path === "/portal.css") return send(TYPES[".css"], PORTAL_CSS);
    if (path === "/privacidade.html") return send(TYPES[".html"], "<!doctype html><html lang=pt-BR><title>Privacidade</title><h1>Privacidade</h1>");
    const file = fileFor(path);
    const allowed = [join(root, "dist"), join(here, "node_modules"), ...(VARIANT ? [VARIANT] : [])];
    if (!file || !allowed.some((folder) => file.startsWith(folder + "/"))) return res.writeHead(404).end();
    try {
      send(TYPES[extname(file)] || "application/octet-stream", await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(port, "127.0.0.1", () => ok({ server, port: server.address().port })));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port } = await serve(Number(process.env.PORT || 8081));
  console.log(`bench pages: ${EVERYONE.map((m) => `http://127.0.0.1:${port}/${m.name}.html`).join("  ")}`);
}
