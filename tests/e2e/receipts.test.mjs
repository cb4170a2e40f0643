// The consent log with the demo portal, as `make demo` runs them: the
// tribunal's pages send their receipts to /recibos, which the server relays
// to `biscoito receipts serve` like a portal's reverse proxy. A visitor's
// choices arrive, `lookup` finds them by the code the dialog shows, and
// `verify` passes until a row is edited or removed behind the service's back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { start, visitor, ready } from "./helpers.mjs";

const BIN = resolve(fileURLToPath(import.meta.url), "../../../target/debug/biscoito");
const serverOptions = {};
let env, service, dir, db;

/** `biscoito receipts …` on the test's database: exit code and output. */
function receipts(...args) {
  const run = spawnSync(BIN, ["receipts", ...args, "--db", db], { encoding: "utf8" });
  return { code: run.status, out: run.stdout + run.stderr };
}

/** Runs SQL on the SQLite file directly, as someone with access to the server could. */
function sqlite(statement) {
  const run = spawnSync("python3", ["-c", "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()", join(dir, "recibos.db"), statement], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
}

before(async () => {
  env = await start({ server: serverOptions });
  dir = mkdtempSync(join(tmpdir(), "biscoito-recibos-"));
  db = `sqlite:${join(dir, "recibos.db")}`;
  service = spawn(BIN, ["receipts", "serve", "--listen", "127.0.0.1:0", "--db", db, "--allow-origin", env.base], { stdio: ["ignore", "ignore", "pipe"] });
  for await (const line of createInterface({ input: service.stderr })) {
    const entry = JSON.parse(line);
    if (entry.fields.message === "listening") {
      serverOptions.receipts = `http://${entry.fields.address}`;
      break;
    }
  }
  service.stderr.resume();
});

after(async () => {
  service.kill("SIGTERM");
  await env.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits until `lookup` finds this many receipts of a consent (beacons are sent in the background). */
async function receiptsOf(id, count) {
  let found;
  for (let i = 0; i < 50; i++) {
    found = receipts("lookup", id, "--json");
    const lines = found.out.split("\n").filter((l) => l.startsWith("{"));
    if (lines.length >= count) return lines.map((l) => JSON.parse(l));
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${count} receipt(s) of ${id} never arrived: ${found.out}`);
}

test("a visitor's choices on the portal arrive, are found by the code the dialog shows, and verify", async () => {
  const { context, page } = await visitor(env);
  await page.goto(env.base + "/tribunal/?processo=0001234-56.2026#andamento");
  await ready(page);
  await page.getByRole("button", { name: "Aceitar todos" }).click();
  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  const code = page.locator("#bsc-consent-code");
  assert.match(await code.textContent(), /^[0-9a-f]{32}$/);
  const id = await code.textContent();
  assert.equal(id, await page.evaluate(() => Biscoito.consent().id), "the code is the consent's id");
  assert.ok(await code.isVisible());
  // One click selects the whole code, ready to copy.
  await code.click();
  assert.equal(await page.evaluate(() => String(document.getSelection())), id);

  // Change of mind: YouTube only, then everything refused.
  await page.getByText("Serviços desta categoria").last().click(); // the videos
  await page.getByRole("switch", { name: /^Estatísticas/ }).uncheck();
  await page.getByRole("switch", { name: /^Vimeo/ }).uncheck();
  assert.ok(await page.getByRole("switch", { name: /^YouTube/ }).isChecked());
  await page.getByRole("button", { name: "Salvar minhas escolhas" }).click();
  await page.getByRole("button", { name: "Preferências de cookies" }).first().click();
  await page.getByRole("button", { name: "Rejeitar todos" }).click();

  const history = await receiptsOf(id, 3);
  assert.deepEqual(history.map((r) => r.receipt.record.method), ["accept-all", "custom", "reject-all"]);
  assert.deepEqual(history[0].receipt.record.decisions, { necessary: true, analytics: true, videos: true });
  assert.deepEqual(history[1].receipt.record.services, { "google-analytics": false, youtube: true, vimeo: false });
  assert.equal(history[2].receipt.record.decisions.analytics, false);
  assert.equal(history[0].receipt.page, env.base + "/tribunal/", "no query string or fragment is kept");
  assert.deepEqual(history.map((r) => r.receipt.record.revision), [4, 4, 4]);
  const text = receipts("lookup", id);
  assert.equal(text.code, 0, text.out);
  assert.match(text.out, /3 receipt\(s\)/);
  const verdict = receipts("verify");
  assert.equal(verdict.code, 0, verdict.out);
  assert.match(verdict.out, /the chain holds: 3 receipt\(s\)/);
  await context.close();
});

test("a receipt the service did not take is kept, sent again on a later page view until it is, and stored once", async () => {
  const { context, page } = await visitor(env);
  const unsent = () => page.evaluate(() => localStorage.getItem("tribunal-consent-receipts"));
  // The service is down: the portal's proxy answers 503.
  const running = serverOptions.receipts;
  serverOptions.receipts = undefined;
  const refused = page.waitForResponse((r) => r.url().endsWith("/recibos") && r.status() === 503);
  await page.goto(env.base + "/tribunal/");
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await refused;
  const id = await page.evaluate(() => Biscoito.consent().id);
  assert.match(await unsent(), /"method":"reject-all"/, "kept in the visitor's browser");
  assert.equal(receipts("lookup", id).code, 1, "nothing arrived");
  // Back up: the next page view sends it, and forgets it once acknowledged.
  serverOptions.receipts = running;
  await page.goto(env.base + "/tribunal/privacidade.html");
  await ready(page);
  await page.waitForFunction(() => localStorage.getItem("tribunal-consent-receipts") === null);
  assert.equal((await receiptsOf(id, 1)).length, 1);
  // Two tabs that both send the same receipt again store it once.
  const copy = (await receipts("lookup", id, "--json")).out.split("\n").find((l) => l.startsWith("{"));
  const body = JSON.stringify(JSON.parse(copy).receipt);
  const statuses = await page.evaluate((body) => Promise.all([1, 2].map(() => fetch("/recibos", { method: "POST", body }).then((r) => r.status))), body);
  assert.deepEqual(statuses, [204, 204]);
  assert.equal((await receiptsOf(id, 1)).length, 1);
  assert.match(receipts("lookup", id).out, /1 receipt\(s\)/);
  await context.close();
});

test("a receipt the service refuses for good (403: an origin it does not serve) is not kept to be sent again", async () => {
  const { context, page } = await visitor(env);
  // The same server under another name: the service's --allow-origin is env.base.
  const elsewhere = env.base.replace("localhost", "127.0.0.1");
  const refused = page.waitForResponse((r) => r.url().endsWith("/recibos") && r.status() === 403);
  await page.goto(elsewhere + "/tribunal/");
  await ready(page);
  await page.getByRole("button", { name: "Rejeitar todos" }).click();
  await refused;
  await page.waitForFunction(() => localStorage.getItem("tribunal-consent-receipts") === null);
  await context.close();
});

test("the statistics page from real visitors' receipts: its charts are named images, its tables the same numbers, axe-clean at 1280 and 320 px", async () => {
  // Two visitors of its own, whatever ran before: one accepts, one refuses.
  for (const button of ["Aceitar todos", "Rejeitar todos"]) {
    const { context, page } = await visitor(env);
    await page.goto(env.base + "/tribunal/");
    await ready(page);
    await page.getByRole("button", { name: button }).click();
    const id = await page.evaluate(() => Biscoito.consent().id);
    await receiptsOf(id, 1);
    await context.close();
  }
  for (const lang of ["pt-BR", "en"]) {
    const file = join(dir, `estatisticas-${lang}.html`);
    const run = receipts("stats", "--by", "day", "--html", file, "--lang", lang, "--k", "1"); // a handful of test visitors
    assert.equal(run.code, 0, run.out);
    for (const width of [1280, 320]) {
      const context = await env.browser.newContext({ viewport: { width, height: 800 } });
      const page = await context.newPage();
      await page.goto(`file://${file}`);
      assert.equal(await page.locator("html").getAttribute("lang"), lang);
      const chart = page.getByRole("img", { name: lang === "en" ? "How visitors made their first choice, per period" : "Como os visitantes fizeram a primeira escolha, por período" });
      assert.match(await chart.evaluate((svg) => svg.querySelector("desc").textContent), /\d{4}-\d{2}-\d{2}: (Accept all|Aceitar todos) \d+%/);
      assert.ok(await page.getByRole("table").count() >= 3);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), `${lang} at ${width} px scrolls sideways`);
      await page.addScriptTag({ path: createRequire(import.meta.url).resolve("axe-core/axe.min.js") });
      const violations = await page.evaluate(async () => (await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } }))
        .violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`));
      assert.deepEqual(violations, [], `${lang} at ${width} px`);
      await context.close();
    }
  }
});

test("a row edited or removed behind the service's back makes verify fail and name it", async () => {
  const before = receipts("verify");
  assert.equal(before.code, 0, before.out);
  // The tables refuse it outright...
  const refused = spawnSync("python3", ["-c", "import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute(\"UPDATE receipts SET receipt = replace(receipt, 'reject-all', 'accept-all') WHERE seq = 3\")", join(dir, "recibos.db")], { encoding: "utf8" });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /append-only/);
  // ...and with the guard dropped, the chain still tells.
  sqlite("DROP TRIGGER receipts_never_change; UPDATE receipts SET receipt = replace(receipt, 'reject-all', 'accept-all') WHERE seq = 3;");
  let verdict = receipts("verify");
  assert.equal(verdict.code, 1, verdict.out);
  assert.match(verdict.out, /broken at receipt 3: receipt 3 was changed/);
  sqlite("DROP TRIGGER receipts_leave_only_by_purge; DELETE FROM receipts WHERE seq = 2;");
  verdict = receipts("verify");
  assert.equal(verdict.code, 1, verdict.out);
  assert.match(verdict.out, /broken at receipt 2: receipt 2 is missing/);
});
