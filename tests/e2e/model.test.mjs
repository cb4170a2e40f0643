// Randomized sessions checked against a model. Each run draws sequences of
// visitor and site actions from a printed seed; after every step the page
// must show the banner exactly when the model has no valid consent, report
// the consent the model expects, and nothing optional (Google requests,
// analytics cookies, the gated script, either video service) may exist
// beyond it. Videos are a category of two services chosen one by one.
//
//   BISCOITO_SEED=1234      replay a seed
//   BISCOITO_SESSIONS=2000  long mode (default: 30, what make test runs)
//   BISCOITO_PARALLEL=3     sessions at once (default 2)
//   BISCOITO_VIEWPORT=360x640  every session in that viewport (default: drawn)
//   BISCOITO_PROGRESS=100   a progress line every 100 sessions (default 250)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { launchChromium, start } from "./helpers.mjs";

// make test's seed is the day's date (20261130): each day explores new
// sessions, and a red run reproduces all that day, or later from the
// printed seed. `make test-model` draws a new one each time.
const today = Number(new Date().toISOString().slice(0, 10).replaceAll("-", ""));
const SEED = Number(process.env.BISCOITO_SEED || (process.env.BISCOITO_RANDOM_SEED ? Date.now() % 2 ** 31 : today));
const SESSIONS = Number(process.env.BISCOITO_SESSIONS || 30);
const STEPS = Number(process.env.BISCOITO_STEPS || 10);
// Sessions run at once, each in its own context of the one browser.
const PARALLEL = Math.max(1, Number(process.env.BISCOITO_PARALLEL || 2));
const PROGRESS_EVERY = Number(process.env.BISCOITO_PROGRESS || 250);
const GOOGLE = /(^|\.)(googletagmanager|google-analytics|google)\.com$/;

let env;
// Two builds of Chromium 156, one engine. A session that presses Back (the
// "away" action) runs in the browser, whose back/forward cache Playwright
// turns off and this test turns back on. Every other session runs in the
// headless shell, the same Blink and V8 without the browser around them: it
// has no back/forward cache (its tabs do not allow one), and a session takes
// two thirds of the time in it (2026-12-04, seed 42: 0.57 s against 0.88).
const SHELL = process.env.CHROMIUM_SHELL_PATH || "/usr/bin/chromium-headless-shell";
let shell;
// On two cores a session is bound by the CPU Chromium spends on each page
// load; one renderer per site and the GPU in the browser process spare it
// the processes that site isolation would start for each page and frame
// (what is checked, consent and requests, does not depend on them).
const FLAGS = ["--disable-site-isolation-trials", "--disable-features=IsolateOrigins,site-per-process", "--process-per-site", "--in-process-gpu"];
// The scripts and the module come from the HTTP cache, as a returning
// visitor's do: downloading them again at every page load was a tenth of a session.
before(async () => {
  assert.ok(existsSync(SHELL), `${SHELL} is missing: install chromium-headless-shell (.ci/setup.sh e2e does) or set CHROMIUM_SHELL_PATH`);
  env = await start({ ignoreDefaultArgs: ["--disable-back-forward-cache"], extraArgs: FLAGS, server: { cacheScripts: true } });
  shell = await launchChromium({ executablePath: SHELL, extraArgs: FLAGS });
  console.log(`# Chromium ${env.browser.version()} for sessions that go back, its headless shell ${shell.version()} for the others`);
});
after(async () => { await shell?.close(); await env?.close(); });

/** Whether a session presses Back, and so needs the browser's back/forward cache. */
const goesBack = (steps) => steps.some((s) => s.action === "away");
// Backs pressed in the browser, and those of them that restored the page
// from its back/forward cache: a run in which none did tested reloads only.
const backs = { pressed: 0, restored: 0 };

function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTIONS = ["visit", "visit", "accept", "reject", "custom", "custom", "revoke", "language", "otherTab",
  "bumpRevision", "clearStorage", "corruptStorage", "toggleBlocked", "toggleGpc", "away", "allowEmbed"];
// The video services of www/test/model.html, and the host each loads from.
const SERVICES = { youtube: "www.youtube-nocookie.com", vimeo: "player.vimeo.com" };

// Each session runs in a viewport drawn for it: a desktop, the small window
// in which a press on a control half under the banner was once lost, a
// phone, and the 320 px of WCAG's reflow, where the banner covers the most.
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 640, height: 480 }, { width: 360, height: 640 }, { width: 320, height: 568 }];
/** BISCOITO_VIEWPORT as { width, height }, or null; a malformed one stops the run. */
function forcedViewport(text) {
  if (!text) return null;
  const size = /^(\d+)x(\d+)$/.exec(text);
  if (!size) throw new Error(`BISCOITO_VIEWPORT must be WIDTHxHEIGHT in CSS pixels (like 360x640), not "${text}"`);
  return { width: Number(size[1]), height: Number(size[2]) };
}
const FORCED_VIEWPORT = forcedViewport(process.env.BISCOITO_VIEWPORT);

function drawSession(rnd, rndViewport) {
  const pick = (list, from = rnd) => list[Math.floor(from() * list.length)];
  // From a stream of its own, so a seed draws the same steps as before viewports were drawn.
  const viewport = FORCED_VIEWPORT ?? pick(VIEWPORTS, rndViewport);
  const steps = [{ action: "visit", viewport }];
  for (let i = 1; i < STEPS; i++) {
    const action = pick(ACTIONS);
    const step = { action };
    if (action === "custom") step.on = { analytics: rnd() < 0.5, youtube: rnd() < 0.5, vimeo: rnd() < 0.5 };
    // Allow one video service from its placeholder.
    if (action === "allowEmbed") step.service = pick(Object.keys(SERVICES));
    if (action === "language") step.lang = pick(["en", "es", "pt-BR"]);
    if (action === "otherTab") step.accept = rnd() < 0.5;
    // Follow a link to another page, maybe choose there, then press Back.
    if (action === "away") step.there = pick(["nothing", "accept", "reject", "bumpRevision"]);
    steps.push(step);
  }
  return steps;
}

// In every document before its own scripts: see settle() in runSession.
const SIGNALS = `
  addEventListener("pageshow", (e) => { window.__shown = true; window.__leaving = false; window.__restored = e.persisted; });
  addEventListener("pagehide", () => { window.__shown = false; });
  if (window.navigation) navigation.addEventListener("navigate", () => { window.__leaving = true; });
`;

const ALL = { analytics: true, youtube: true, vimeo: true };
// Stored text that is not a record (corruptStorage): set aside when read.
const DAMAGED = "damaged";
const NONE = { analytics: false, youtube: false, vimeo: false };
/** A custom choice; sequences recorded before services chose "videos" whole. */
const choiceOf = (on) => ("videos" in on ? { analytics: on.analytics, youtube: on.videos, vimeo: on.videos } : on);

// A lane is one browser context and its tab, kept from session to session
// and wiped in between: a context per session cost a few renderer processes
// each time, which on two cores was most of a session. LANE_SESSIONS bounds
// what a context may pile up (its back/forward cache, its HTTP cache).
const LANE_SESSIONS = 40;

async function openLane(browser) {
  const context = await browser.newContext({ viewport: VIEWPORTS[0] });
  await context.addInitScript(SIGNALS);
  // `other` is the tab of the otherTab step, opened once and left on
  // about:blank in between: opening and closing a tab each time cost more
  // than what was done in it.
  const lane = { context, page: null, other: null, navigations: 0, requests: [], errors: [], sessions: 0 };
  await context.route((url) => url.hostname !== "127.0.0.1" && url.hostname !== "localhost", (route) => {
    const request = route.request();
    const url = new URL(request.url());
    lane.requests.push({ page: request.frame().page(), nav: lane.navigations, host: url.hostname });
    if (GOOGLE.test(url.hostname)) {
      return route.fulfill({ contentType: "text/javascript", body: "document.cookie='_ga=GA1.1.1.1; path=/; max-age=9999';document.cookie='_ga_MODEL00001=GS1; path=/; max-age=9999';" });
    }
    return route.fulfill({ contentType: "text/html", body: "<title>player</title>" });
  });
  // Generous: on a loaded two-core machine a page load has taken over 5 s.
  context.setDefaultTimeout(10000);
  lane.page = await context.newPage();
  lane.page.on("framenavigated", (frame) => { if (frame === lane.page.mainFrame()) lane.navigations++; });
  lane.page.on("pageerror", (e) => lane.errors.push(e.message));
  return lane;
}

/** A fresh visitor in `lane`: one tab, no cookie, nothing stored. */
async function wipe(lane) {
  for (const tab of lane.context.pages()) if (tab !== lane.page && tab !== lane.other) await tab.close();
  // Cleared from the page the last session ended on, as a page load costs
  // more than a step; else (its storage refused, or a session that broke
  // off elsewhere) from a page of the site that runs nothing.
  const clear = () => lane.page.evaluate(() => {
    try { localStorage.clear(); sessionStorage.clear(); return true; } catch { return false; }
  });
  if (!lane.page.url().startsWith(env.base) || !(await clear().catch(() => false))) {
    await lane.page.goto(`${env.base}/test/conditions.js`);
    assert.ok(await clear(), "the site's storage could not be cleared between sessions");
  }
  await lane.context.clearCookies();
  lane.requests = [];
  lane.errors = [];
}

/** Runs one session in `lane`; returns null when every check held, else what failed. */
async function runSession(steps, lane) {
  await wipe(lane);
  const { context, page } = lane;
  // Sequences recorded before viewports were drawn ran on a desktop.
  await page.setViewportSize(steps[0].viewport ?? VIEWPORTS[0]);
  const requests = lane.requests;
  const errors = lane.errors;

  // The model.
  // servedRev: the newest revision any page has loaded with. Publishing a
  // revision changes nothing in the browser until a page of it loads.
  // gaLicense: analytics cookies may still exist because the last Biscoito
  // that acted (this page's choice, another tab's, a page load) allowed them.
  // Storage damaged behind Biscoito's back changes nothing until one acts.
  const m = { rev: 1, pageRev: 1, servedRev: 1, gaLicense: false, gpc: false, blocked: false, pageBlocked: false, pageGpc: false, local: null, cookie: null, consent: null, visited: false };
  // Biscoito's storage chain (src/browser/storage.rs), for a page whose
  // localStorage was refused (`blocked`) or not: such a page keeps the record
  // in a cookie; any other reads localStorage, else the cookie a blocked page
  // left, and drops that cookie copy when it writes or clears.
  const readStored = (blocked) => (blocked ? m.cookie : (m.local ?? m.cookie));
  const writeStored = (blocked, record) => {
    if (blocked) m.cookie = record;
    else { m.local = record; m.cookie = null; }
  };
  const clearStored = (blocked) => {
    if (!blocked) m.local = null;
    m.cookie = null;
  };
  const url = (other = "") => `${env.base}/test/model.html?rev=${m.rev}&gpc=${m.gpc ? 1 : 0}&blocked=${m.blocked ? 1 : 0}${other}`;
  // A choice is recorded under the revision of the page it was made on.
  const choose = (decisions) => {
    m.consent = { ...decisions };
    m.gaLicense = decisions.analytics;
    writeStored(m.pageBlocked, { rev: m.pageRev, decisions: { ...decisions } });
  };
  // A revocation reloads the page from inside the action (or, from another
  // tab, from the storage event): the page's own signals say when it is
  // quiet, so no step waits a fixed time. SIGNALS (an init script) marks a
  // document that started to leave (the Navigation API's navigate event
  // fires for location.reload()) and one that has been shown (pageshow,
  // also on a restore from the back/forward cache, before which a restored
  // page has not yet caught up with storage).
  // (Polled on a timer: polling by animation frame makes every waiting
  // page draw frames, which cost more than the checks.)
  // Resolves to what check() judges, read in that same quiet task.
  const settle = () => quiet(page);
  const quiet = async (page) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await page.waitForFunction(() => window.__shown && !window.__leaving && window.Biscoito && document.getElementById("biscoito"), null, { polling: 10 });
        // One task later: a storage event queued meanwhile (another tab's
        // change, or those Chromium replays on a restore) has been handled.
        const view = await page.evaluate(() => new Promise((r) => setTimeout(() => r(window.__leaving ? null : {
          consent: Biscoito.consent(),
          banner: !!document.getElementById("biscoito").shadowRoot.querySelector(".banner"),
          measured: window.measured || 0,
          restored: !!window.__restored,
          videos: [...document.querySelectorAll("iframe[src]")].map((f) => f.dataset.service),
          // Every cookie here is the page's own (the stand-in for gtag.js
          // runs in it), none HttpOnly: the page sees them all.
          cookies: document.cookie.split(";").map((c) => c.split("=")[0].trim()).filter(Boolean),
        }), 0)));
        if (view) return view;
        // A navigation that started but never replaced this document (one
        // superseded by another) must not hold the flag up forever.
        await page.waitForFunction(() => !window.__leaving, null, { polling: 50, timeout: 2000 })
          .catch(() => page.evaluate(() => { window.__leaving = false; }));
      } catch (e) {
        if (attempt === 5 || !/destroyed|navigat/.test(e.message)) throw e;
      }
    }
  };
  // A page of revision `rev` (with the storage and GPC it had) loads, or is
  // shown again from the back/forward cache: it takes a stored record of
  // its revision, sets aside an older or damaged one (clearing it), keeps a
  // newer one for the pages that have it, and records GPC as a refusal.
  const pageLoaded = ({ rev, blocked, gpc }) => {
    m.pageRev = rev;
    m.pageBlocked = blocked;
    m.pageGpc = gpc;
    const stored = readStored(blocked);
    const valid = stored && stored !== DAMAGED;
    const newer = valid && stored.rev > rev;
    if (valid && stored.rev === rev) m.consent = { ...stored.decisions };
    else if (newer) m.consent = gpc ? { ...NONE } : null;
    else {
      if (stored) clearStored(blocked); // set aside and cleared
      if (gpc) choose(NONE); else m.consent = null;
    }
    // A page that asks again under a newer record leaves that record's
    // analytics cookies alone: they stay licensed by it, even if storage
    // is later damaged behind Biscoito's back.
    m.gaLicense = !!m.consent?.analytics || (newer && !gpc && stored.decisions.analytics);
  };
  const googleRequestedInThisView = async () => {
    const seen = () => requests.some((r) => r.page === page && r.nav === lane.navigations && GOOGLE.test(r.host));
    // Polled: the request may already be recorded, so there is no event to await.
    for (let waited = 0; !seen(); waited += 10) {
      if (waited >= 5000) throw new Error("analytics is allowed, yet no request reached Google in 5 s");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  // Buttons and switches are found by their data-action and id, not by role
  // and name: role queries cost more CPU than the rest of a step, and the
  // interface tests prove the roles and names.
  const dialogChoice = async (action) => {
    await page.evaluate(() => Biscoito.showPreferences());
    await page.locator(`#biscoito .dialog [data-action=${action}]`).click();
  };

  try {
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (!m.visited && s.action !== "visit") continue;
      switch (s.action) {
        case "visit": {
          m.visited = true;
          m.servedRev = m.rev;
          await page.goto(url());
          pageLoaded({ rev: m.rev, blocked: m.blocked, gpc: m.gpc });
          break;
        }
        case "away": {
          const here = { rev: m.pageRev, blocked: m.pageBlocked, gpc: m.pageGpc };
          // The site may publish a revision that the other page is served under.
          if (s.there === "bumpRevision") m.rev++;
          m.servedRev = m.rev;
          await page.goto(url("&pagina=outra"));
          pageLoaded({ rev: m.rev, blocked: m.blocked, gpc: m.gpc });
          await settle();
          if (s.there === "accept" || s.there === "reject") {
            await page.evaluate((yes) => (yes ? Biscoito.acceptAll() : Biscoito.rejectAll()), s.there === "accept");
            choose(s.there === "accept" ? ALL : NONE);
            await settle();
          }
          // A request is counted against the view that is current when its
          // route handler runs, which can be after Back's navigation: the
          // other page's tag, once allowed, is seen before Back, or it would
          // count against the page shown again (it did once in 3,390
          // sessions, seed 1185203852).
          if ((m.consent ?? NONE).analytics) await googleRequestedInThisView();
          // Back: the page is restored from the cache, or loaded again when
          // it was not kept; either way it must end as a load of it would.
          await page.goBack({ waitUntil: "commit" });
          pageLoaded(here);
          break;
        }
        case "accept":
          if (m.consent === null) await page.locator("#biscoito .banner [data-action=accept-all]").click();
          else await dialogChoice("accept-all");
          choose(ALL);
          break;
        case "reject":
          if (m.consent === null) await page.locator("#biscoito .banner [data-action=reject-all]").click();
          else await dialogChoice("reject-all");
          choose(NONE);
          break;
        case "custom": {
          const on = choiceOf(s.on);
          await page.evaluate(() => Biscoito.showPreferences());
          // The switches are clicked from inside the page, which runs the
          // same activation and change events as a press on them, in one
          // round trip instead of a dozen (pointer and keyboard operation of
          // the dialog are the interface tests' to prove); the choice is
          // saved with a real click, like every other choice here.
          await page.evaluate(({ on, services }) => {
            const dialog = document.getElementById("biscoito").shadowRoot.querySelector(".dialog");
            const flip = (input, checked) => { if (input.checked !== checked) input.click(); };
            flip(dialog.querySelector("#bsc-switch-analytics"), on.analytics);
            dialog.querySelector(".services").open = true;
            for (const id of services) flip(dialog.querySelector(`#bsc-service-${id}`), on[id]);
          }, { on, services: Object.keys(SERVICES) });
          await page.locator("#biscoito .dialog [data-action=save]").click();
          choose(on);
          break;
        }
        case "allowEmbed": {
          // The placeholder is there exactly while the service is not allowed.
          if ((m.consent ?? NONE)[s.service]) continue;
          await page.locator(`.biscoito-placeholder:has(+ iframe[data-service=${s.service}]) [data-action=allow]`).click();
          choose({ ...(m.consent ?? NONE), [s.service]: true });
          break;
        }
        case "revoke":
          if (m.consent === null) continue;
          await dialogChoice("reject-all");
          choose(NONE);
          break;
        case "language":
          await page.evaluate((l) => Biscoito.setLanguage(l), s.lang);
          break;
        case "otherTab": {
          if (m.blocked || m.pageBlocked) continue; // a blocked tab neither writes nor hears localStorage
          const other = (lane.other ??= await context.newPage());
          m.servedRev = m.rev;
          await other.goto(url());
          await quiet(other);
          await other.evaluate((yes) => (yes ? Biscoito.acceptAll() : Biscoito.rejectAll()), s.accept);
          // Chromium propagates localStorage between tabs asynchronously; a
          // person switches tabs slower than that, so wait until it arrived.
          // The other tab reloads itself if its own revocation hit a running tag.
          await quiet(other);
          const written = await other.evaluate(() => localStorage.getItem("biscoito-consent"));
          // (A revocation may reload this page meanwhile; settle() below waits for it.)
          await page.waitForFunction((v) => localStorage.getItem("biscoito-consent") === v, written, { polling: 10 }).catch(() => {});
          await other.goto("about:blank");
          await page.bringToFront(); // back to this tab: a hidden one draws no frames
          const decisions = s.accept ? ALL : NONE;
          writeStored(false, { rev: m.rev, decisions });
          // A page still on an older revision sets a newer record aside and
          // asks, or with GPC on refuses without asking (storing nothing).
          m.consent = m.pageRev === m.rev ? { ...decisions } : m.pageGpc ? { ...NONE } : null;
          m.gaLicense = s.accept;
          break;
        }
        case "bumpRevision":
          m.rev++;
          break;
        case "clearStorage":
          await page.evaluate(() => { try { localStorage.clear(); } catch {} });
          await context.clearCookies();
          if (!m.pageBlocked) m.local = null;
          m.cookie = null;
          break;
        case "corruptStorage":
          if (m.pageBlocked) continue;
          await page.evaluate(() => localStorage.setItem("biscoito-consent", '{"schema":1,"decisions":{"analytics":tru'));
          m.local = DAMAGED;
          break;
        case "toggleBlocked":
          m.blocked = !m.blocked;
          break;
        case "toggleGpc":
          m.gpc = !m.gpc;
          break;
      }
      const view = await settle();
      if (s.action === "away") {
        backs.pressed++;
        if (view.restored) backs.restored++;
      }
      const problem = check(view, page, m, requests, lane.navigations);
      if (problem) return `step ${i} (${JSON.stringify(s)}): ${problem}`;
    }
    if (errors.length) return `page errors: ${errors.join("; ")}`;
    return null;
  } catch (e) {
    lane.broken = true; // whatever it was doing may still be going on: use a new one
    return `threw: ${e.message.split("\n")[0]}`;
  }
}

/**
 * Runs sessions one after the other, each in a lane of the browser it needs
 * (see SHELL), renewed when worn.
 */
function laneRunner() {
  const lanes = new Map(); // browser -> lane
  return {
    async run(steps) {
      const browser = goesBack(steps) ? env.browser : shell;
      let lane = lanes.get(browser);
      if (lane && (lane.broken || lane.sessions >= LANE_SESSIONS)) {
        await lane.context.close();
        lane = null;
      }
      if (!lane) lanes.set(browser, (lane = await openLane(browser)));
      lane.sessions++;
      return runSession(steps, lane);
    },
    async close() {
      for (const lane of lanes.values()) await lane.context.close();
      lanes.clear();
    },
  };
}

/** What is wrong in `view` (what settle() read) against the model `m`, or null. */
function check(view, page, m, requests, navigations) {
  const cookies = view.cookies;
  const expected = m.consent;
  const got = view.consent && { analytics: view.consent.decisions.analytics, youtube: view.consent.services.youtube, vimeo: view.consent.services.vimeo };
  if (got && view.consent.decisions.videos !== (got.youtube && got.vimeo)) return `videos decided ${view.consent.decisions.videos} with services ${JSON.stringify(got)}`;
  if (JSON.stringify(got) !== JSON.stringify(expected)) return `consent ${JSON.stringify(got)}, model ${JSON.stringify(expected)}`;
  if (view.banner !== (expected === null)) return `banner ${view.banner ? "shown" : "hidden"} with consent ${JSON.stringify(expected)}`;
  const allowed = expected || NONE;
  const thisView = requests.filter((r) => r.page === page && r.nav === navigations);
  if (!allowed.analytics) {
    if (thisView.some((r) => GOOGLE.test(r.host))) return "a request reached Google without analytics consent";
    // Cookies are shared by every tab: another tab on the newest revision
    // served may hold consent this stale page cannot use.
    const current = [m.local, m.cookie].some((r) => r && r.rev === m.servedRev && r.decisions.analytics);
    if (!current && !m.gaLicense && cookies.some((c) => c.startsWith("_ga"))) return `analytics cookies without consent: ${cookies}`;
    if (view.measured) return "the gated statistics script ran without consent";
  }
  for (const [service, host] of Object.entries(SERVICES)) {
    if (allowed[service]) continue;
    if (thisView.some((r) => r.host === host)) return `${service} loaded without consent`;
    if (view.videos.includes(service)) return `the ${service} frame has a src without consent`;
    // A frame can show a video with no src: one restored from history.
    if (page.frames().some((f) => f.url().includes(host))) return `a frame shows ${service} without consent`;
  }
  if (view.measured > 1) return `the gated script ran ${view.measured} times in one page view`;
  return null;
}

async function shrink(steps, runner) {
  let best = steps;
  let shrunk = true;
  while (shrunk) {
    shrunk = false;
    for (let i = 1; i < best.length; i++) {
      const candidate = best.filter((_, j) => j !== i);
      if (await runner.run(candidate)) {
        best = candidate;
        shrunk = true;
        break;
      }
    }
  }
  return best;
}

// Shortest sequences that once failed, replayed on every run.
const REGRESSIONS = [
  // The model expected cookies to vanish when a revision was merely published.
  [{ action: "visit" }, { action: "bumpRevision" }, { action: "otherTab", accept: true }, { action: "bumpRevision" }],
  // A page of the older revision, reloading after the other tab's change,
  // deleted the record the other tab had just made under the newer one.
  [{ action: "visit" }, { action: "custom", on: { analytics: false, videos: true } }, { action: "bumpRevision" },
    { action: "otherTab", accept: true }, { action: "visit" }],
  // The model expected cookies to vanish when storage was damaged with no Biscoito running.
  [{ action: "visit" }, { action: "bumpRevision" }, { action: "otherTab", accept: true }, { action: "corruptStorage" }],
  // The model let a page with localStorage ignore the cookie that a page
  // without it had written; Biscoito reads that cookie (storage.rs).
  [{ action: "visit" }, { action: "toggleBlocked" }, { action: "away", there: "accept" }],
  // A page with GPC on, back from the cache while a newer revision's record
  // was stored: its pageshow refused as GPC asks, then the storage events
  // Chromium replays on restore were followed without GPC, and it asked.
  [{ action: "visit" }, { action: "toggleGpc" }, { action: "visit" }, { action: "away", there: "bumpRevision" }],
  // The test: the other page's Google request, handled after Back, was
  // counted against the page shown again (once, seed 1185203852).
  [{ action: "visit" }, { action: "bumpRevision" }, { action: "accept" }, { action: "clearStorage" },
    { action: "reject" }, { action: "away", there: "accept" }],
  // The model let a stale page's Back forget that the newer record it left
  // in place licensed the analytics cookies, once storage was then damaged.
  [{ action: "visit" }, { action: "away", there: "bumpRevision" }, { action: "away", there: "accept" }, { action: "corruptStorage" }],
  // Biscoito: a page restored from the cache that set aside its damaged
  // record (and so the record another page had just made) kept the
  // analytics cookies that page had set, because its own record, none,
  // had not changed.
  [{ action: "visit" }, { action: "corruptStorage" }, { action: "toggleBlocked" }, { action: "away", there: "accept" }],
  // Biscoito (before 84491b2): at 640x480 the press on the video's allow
  // button, half under the banner, focused it, the focus scroll moved it,
  // and the release missed it: the click was lost.
  [{ action: "visit", viewport: { width: 640, height: 480 } }, { action: "allowEmbed", service: "youtube" }],
];

test("sequences that once failed agree with the consent model", async () => {
  const runner = laneRunner();
  try {
    for (const [n, steps] of REGRESSIONS.entries()) {
      const failure = await runner.run(steps);
      assert.equal(failure, null, `regression ${n}: ${JSON.stringify(steps)}`);
    }
  } finally {
    await runner.close();
  }
});

test(`${SESSIONS} random sessions of ${STEPS} steps agree with the consent model (seed ${SEED})`, async () => {
  console.log(`# model seed ${SEED} (replay: BISCOITO_SEED=${SEED} BISCOITO_SESSIONS=${SESSIONS}), ${PARALLEL} at a time`);
  const rnd = random(SEED);
  const rndViewport = random(SEED ^ 0x9e3779b9);
  // Drawn up front, so a seed means the same sessions however many run at once.
  const sessions = Array.from({ length: SESSIONS }, () => drawSession(rnd, rndViewport));
  // This run's Backs alone, not the regressions'.
  backs.pressed = backs.restored = 0;
  const started = Date.now();
  let next = 0;
  let firstFailure = null;
  // A long run says how far it is and whether sessions are getting slower.
  let done = 0;
  let lastReport = { done: 0, at: started };
  const progress = () => {
    const now = Date.now();
    const rate = (now - lastReport.at) / 1000 / (done - lastReport.done);
    console.log(`# ${done} of ${SESSIONS} sessions after ${((now - started) / 60000).toFixed(1)} min, the last ${done - lastReport.done} at ${rate.toFixed(2)} s a session`);
    lastReport = { done, at: now };
  };
  // Each worker takes the next session in its own lane; the first failure
  // stops them all, and is shrunk alone.
  const worker = async () => {
    const runner = laneRunner();
    try {
      while (next < sessions.length && !firstFailure) {
        const n = next++;
        const failure = await runner.run(sessions[n]);
        if (failure && !firstFailure) firstFailure = { n, failure };
        if (++done % PROGRESS_EVERY === 0) progress();
      }
    } finally {
      await runner.close();
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  if (firstFailure) {
    const { n, failure } = firstFailure;
    const runner = laneRunner();
    const shortest = await shrink(sessions[n], runner);
    const again = await runner.run(shortest);
    await runner.close();
    assert.fail(`seed ${SEED}, session ${n}: ${failure}\nshortest failing sequence (${shortest.length} steps): ${JSON.stringify(shortest)}\n` +
      (again ? `which fails with: ${again}` : "which passed when run again: the failure did not reproduce (timing?)"));
  }
  const seconds = (Date.now() - started) / 1000;
  const back = sessions.filter(goesBack).length;
  console.log(`# ${SESSIONS} sessions in ${seconds.toFixed(0)} s: ${(seconds / SESSIONS).toFixed(2)} s a session, ${PARALLEL} at a time; ` +
    `${back} pressed Back in the browser, ${SESSIONS - back} ran in its headless shell`);
  console.log(`# back/forward cache: ${backs.restored} of ${backs.pressed} Backs restored the page from it`);
  if (backs.pressed > 0) assert.ok(backs.restored > 0, `none of ${backs.pressed} Backs restored a page from the back/forward cache: the "away" steps tested reloads only`);
});
