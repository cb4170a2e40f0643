// Debian's nginx, run unprivileged from a temporary prefix, serving the
// consent-following CSP page (www/csp-consentimento/) with what `biscoito
// csp` wrote for its config: shared by csp-nginx.test.mjs (Chromium) and the
// Firefox and WebKit flows (engines.mjs).
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { createServer } from "node:http";
import { chmodSync, cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../../..");
export const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");
const NGINX = "/usr/sbin/nginx";

const freePort = () => new Promise((done) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => done(port));
  });
});

/**
 * A directory with the page, dist/ and the config `biscoito csp` was given;
 * `nginx(name, conf, extra)` starts one server on it, `writeConf(name, args)`
 * runs `biscoito csp` into dir/name; `close()` stops every server and
 * removes the directory.
 */
export function cspSite() {
  const dir = mkdtempSync(join(tmpdir(), "biscoito-csp-nginx-"));
  // nginx's workers drop to an unprivileged user when started as root: they
  // serve a copy in a directory anyone may read, not the checkout (a clean
  // clone under mktemp -d is 0700).
  chmodSync(dir, 0o755);
  cpSync(join(root, "www", "csp-consentimento"), join(dir, "site", "csp-consentimento"), { recursive: true });
  cpSync(join(root, "dist"), join(dir, "site", "biscoito"), { recursive: true });
  const page = readFileSync(join(root, "www", "csp-consentimento", "index.html"), "utf8");
  const config = /<script type="application\/json" id="biscoito-config">([\s\S]*?)<\/script>/.exec(page)[1];
  writeFileSync(join(dir, "biscoito.json"), config);
  const running = [];
  return {
    dir,
    writeConf(name, extraArgs = []) {
      const written = spawnSync(BIN, ["csp", "--config", join(dir, "biscoito.json"), "--server", "nginx", "--out", join(dir, name), ...extraArgs], { encoding: "utf8" });
      if (written.status !== 0) throw new Error(`biscoito csp: ${written.stderr}`);
      return join(dir, name);
    },
    async nginx(name, conf, extra = "") {
      const prefix = join(dir, name);
      for (const sub of ["logs", "tmp"]) mkdirSync(join(prefix, sub), { recursive: true });
      const port = await freePort();
      writeFileSync(join(prefix, "nginx.conf"), `daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log;
events { worker_connections 64; }
http {
  access_log off;
  types { text/html html; text/javascript js; application/wasm wasm; }
  client_body_temp_path ${prefix}/tmp/body; proxy_temp_path ${prefix}/tmp/proxy; fastcgi_temp_path ${prefix}/tmp/fcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi; scgi_temp_path ${prefix}/tmp/scgi;
  include ${conf}/http.conf;
  server {
    listen 127.0.0.1:${port};
    location /biscoito/ { alias ${dir}/site/biscoito/; }
    location / { root ${dir}/site; include ${conf}/server.conf; }
    ${extra}
  }
}
`);
      const process = spawn(NGINX, ["-p", prefix, "-c", join(prefix, "nginx.conf")], { stdio: "ignore" });
      running.push(process);
      const url = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 50; i++) {
        try { await fetch(url + "/csp-consentimento/"); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
      }
      return { url, process };
    },
    /**
     * nginx in report-only mode, its reports passed to a `biscoito receipts
     * serve` of its own: `{ url, leaks() }`, leaks() being what `receipts
     * leaks` prints.
     */
    async reportOnly(name) {
      const conf = this.writeConf(`conf-${name}`, ["--report-only", "/csp-reports"]);
      const db = `sqlite:${join(dir, `${name}.db`)}`;
      const service = spawn(BIN, ["receipts", "serve", "--listen", "127.0.0.1:0", "--db", db], { stdio: ["ignore", "ignore", "pipe"] });
      running.push(service);
      let address;
      for await (const line of createInterface({ input: service.stderr })) {
        const entry = JSON.parse(line);
        if (entry.fields.message === "listening") { address = entry.fields.address; break; }
      }
      service.stderr.resume();
      const { url } = await this.nginx(name, conf, `location = /csp-reports { proxy_pass http://${address}/csp-reports; }`);
      return { url, leaks: () => spawnSync(BIN, ["receipts", "leaks", "--db", db], { encoding: "utf8" }).stdout };
    },
    close() {
      for (const process of running) process.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
