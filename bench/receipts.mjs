// make bench-receipts: the consent log under load, on SQLite and (when
// scripts/with-postgres.sh set BISCOITO_TEST_POSTGRES) on PostgreSQL.
//
// 1. Sustained receipts a second and p50/p99 latency: CONCURRENCY clients
//    (default 64) send receipts as beacons do, each waiting for its answer,
//    for SECONDS (default 15), after a 2-second warm-up.
// 2. A crash run: clients send 10 000 receipts; the service is killed with
//    SIGKILL part-way, started again, and the clients carry on (retrying what
//    failed) until every receipt got its 204. Then every acknowledged
//    receipt must be stored and `verify` must pass.
// 3. Both again with three `serve` processes on one database, started
//    together, as an institution scales out behind a load balancer: the
//    clients spread over them, and in the crash run one of the three is
//    killed with SIGKILL part-way and its clients move to the other two.
//
// The load generator shares the machine's two cores with the service and
// the database: the figures are a floor, not a ceiling.
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BIN = process.env.BISCOITO_BIN || resolve(fileURLToPath(import.meta.url), "../../target/native-release/biscoito");
const CONCURRENCY = Number(process.env.CONCURRENCY || 64);
const SECONDS = Number(process.env.SECONDS || 15);
const CRASH_RECEIPTS = Number(process.env.CRASH_RECEIPTS || 10000);

function receipt(id) {
  const now = Date.now();
  return JSON.stringify({
    record: {
      schema: 1, id, revision: 4,
      decisions: { necessary: true, analytics: false, videos: false },
      services: { "google-analytics": false, youtube: true, vimeo: false },
      legalBasis: { necessary: "public-service", analytics: "consent", videos: "consent" },
      method: "custom", createdAt: now, updatedAt: now, expiresAt: now + 180 * 864e5, language: "pt-BR",
    },
    page: "https://www.tjvs.jus.br/servicos",
  });
}

let counter = 0;
const nextId = (prefix) => prefix + (counter++).toString(16).padStart(32 - prefix.length, "0");

async function startService(db) {
  const child = spawn(BIN, ["receipts", "serve", "--listen", "127.0.0.1:0", "--db", db, "--no-rate-limit"], {
    stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, BISCOITO_LOG: "warn,biscoito::receipts::server=info" },
  });
  const lines = createInterface({ input: child.stderr });
  for await (const line of lines) {
    const entry = JSON.parse(line);
    if (entry.fields?.message === "listening") {
      child.stderr.resume();
      return { child, url: `http://${entry.fields.address}/receipts` };
    }
  }
  throw new Error("the service did not start");
}

const stop = (child) => new Promise((done) => { child.once("exit", done); child.kill("SIGTERM"); });

async function post(url, body) {
  const answer = await fetch(url, { method: "POST", headers: { "content-type": "text/plain;charset=UTF-8" }, body });
  await answer.arrayBuffer();
  return answer.status;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** `processes` services on one database, started together. */
const startServices = (db, processes) => Promise.all(Array.from({ length: processes }, () => startService(db)));

async function sustained(name, db, processes = 1) {
  const services = await startServices(db, processes);
  const latencies = [];
  let failures = 0;
  let measuring = false;
  let running = true;
  const client = async (_, n) => {
    const { url } = services[n % services.length];
    while (running) {
      const started = performance.now();
      const status = await post(url, receipt(nextId("a"))).catch(() => 0);
      if (!measuring) continue;
      if (status === 204) latencies.push(performance.now() - started);
      else failures++;
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  await new Promise((r) => setTimeout(r, 2000));
  measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  running = false;
  await Promise.all(clients);
  await Promise.all(services.map((s) => stop(s.child)));
  latencies.sort((a, b) => a - b);
  const label = processes > 1 ? `${name} ×${processes}` : name;
  console.log(`${label.padEnd(14)} ${(latencies.length / elapsed).toFixed(0).padStart(6)} receipts/s   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   (${latencies.length} in ${elapsed.toFixed(1)} s, ${CONCURRENCY} clients, ${failures} not 204)`);
  if (failures) process.exitCode = 1;
}

function receiptsCommand(db, ...args) {
  const run = spawnSync(BIN, ["receipts", ...args, "--db", db], { encoding: "utf8", maxBuffer: 1 << 30 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

async function crash(name, db, processes = 1) {
  const label = processes > 1 ? `${name} ×${processes}` : name;
  // With one process it is killed and started again; with several, the
  // first is killed for good and its clients carry on with the others.
  let services = await startServices(db, processes);
  const ids = Array.from({ length: CRASH_RECEIPTS }, () => nextId("c"));
  const acknowledged = new Set();
  const acknowledgedBeforeKill = new Set();
  let next = 0;
  let killed = false;
  let failedAttempts = 0;
  const killAt = Math.floor(CRASH_RECEIPTS * 0.4);
  const client = async (_, n) => {
    while (next < ids.length) {
      const id = ids[next++];
      // Sent again word for word, as the banner does until it gets a 2xx.
      const body = receipt(id);
      for (let attempt = 0; ; attempt++) {
        const service = services[(n + attempt) % services.length];
        const status = await post(service.url, body).catch(() => 0);
        if (status === 204) {
          acknowledged.add(id);
          if (!killed) acknowledgedBeforeKill.add(id);
          break;
        }
        failedAttempts++;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!killed && acknowledged.size >= killAt) {
        killed = true;
        const dead = services[0].child;
        dead.kill("SIGKILL");
        await new Promise((r) => dead.once("exit", r));
        const url = services[0].url;
        if (processes > 1) {
          services = services.slice(1);
          console.log(`${label.padEnd(14)} one of ${processes} killed with SIGKILL after ${acknowledgedBeforeKill.size} acknowledged (${url}); the others carry on`);
        } else {
          services = [{ url: "http://127.0.0.1:1/receipts" }]; // refused until restarted
          setTimeout(async () => {
            services = [await startService(db)];
            console.log(`${label.padEnd(14)} killed with SIGKILL after ${acknowledgedBeforeKill.size} acknowledged; restarted on ${services[0].url} (was ${url})`);
          }, 500);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, client));
  await Promise.all(services.map((s) => stop(s.child)));
  const exported = receiptsCommand(db, "export", "--format", "jsonl");
  const stored = new Map();
  const mine = new Set(ids);
  for (const line of exported.out.split("\n")) {
    if (!line) continue;
    const id = JSON.parse(line).consentId;
    if (!mine.has(id)) continue; // the other runs' on the same database
    stored.set(id, (stored.get(id) || 0) + 1);
  }
  const lost = [...acknowledged].filter((id) => !stored.has(id));
  const lostBeforeKill = [...acknowledgedBeforeKill].filter((id) => !stored.has(id));
  const duplicates = [...stored.values()].filter((n) => n > 1).length;
  const verify = receiptsCommand(db, "verify");
  console.log(`${label.padEnd(14)} ${acknowledged.size} of ${CRASH_RECEIPTS} acknowledged (${acknowledgedBeforeKill.size} before the kill), ${[...stored.values()].reduce((a, b) => a + b, 0)} rows stored, lost ${lost.length} (${lostBeforeKill.length} of those acknowledged before the kill), ${duplicates} stored twice (a receipt sent again after an answer was lost is stored once) (${failedAttempts} failed attempts), verify: ${verify.code === 0 ? "passes" : "FAILS"}`);
  if (lost.length || verify.code !== 0 || acknowledged.size !== CRASH_RECEIPTS) {
    console.error(verify.out, verify.err);
    process.exitCode = 1;
  }
}

const dir = mkdtempSync(join(tmpdir(), "biscoito-bench-receipts-"));
const backends = [["SQLite", () => `sqlite:${join(dir, `bench-${counter}.db`)}`]];
if (process.env.BISCOITO_TEST_POSTGRES && process.env.BISCOITO_TEST_POSTGRES !== "skip") {
  backends.push(["PostgreSQL", () => process.env.BISCOITO_TEST_POSTGRES]);
} else {
  console.log("PostgreSQL: not measured (run under scripts/with-postgres.sh, as make bench-receipts does)");
}
console.log(`# ${new Date().toISOString()}, ${BIN}`);
try {
  for (const [name, db] of backends) await sustained(name, db());
  for (const [name, db] of backends) await sustained(name, db(), 3);
  for (const [name, db] of backends) await crash(name, db());
  for (const [name, db] of backends) await crash(name, db(), 3);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
