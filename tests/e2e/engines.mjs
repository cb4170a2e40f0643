// The core flows every engine must pass, driven through WebDriver: Firefox
// (firefox.test.mjs) and WebKit (webkit.test.mjs) register the same tests
// here. Every request that would leave the machine goes to a recording
// proxy that answers none, so a test sees exactly which hosts were tried.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pause, KEY } from "./webdriver.mjs";

/**
 * Registers the flows for `engine` (a name for the test titles).
 * `open()` gives a fresh session (webdriver.mjs's session() or bidi.mjs's);
 * `contacted` is the recording proxy's list of hosts. `openForBackForward`,
 * when given, opens the sessions of the back/forward-cache flows instead: for
 * an engine whose driver keeps it from restoring pages (see firefox.test.mjs).
 * `openCsp` opens a session on nginx serving www/csp-consentimento/ with
 * the policy `biscoito csp` wrote (nginx.mjs); `openReportOnly`, one on its
 * report-only twin, with `leaks()`, what `receipts leaks` lists.
 */
export function coreFlows(engine, open, contacted, { openForBackForward = open, openCsp, openReportOnly } = {}) {
  const googleContacted = () => contacted.filter((h) => /google/.test(h));
  const flow = (title, body, opener = open) => test(`${engine}: ${title}`, async () => {
    const browser = await opener();
    try {
      contacted.length = 0;
      await body(browser);
    } finally {
      await browser.close();
    }
  });
  const cacheFlow = (title, body) => flow(title, body, openForBackForward);
  const onPage = (name) => `return new URLSearchParams(location.search).get('pagina') === '${name}' && document.readyState === 'complete' && !!window.Biscoito`;
  /** Page A came back from the cache, per the page's own pageshow log (www/test/voltar.js). */
  const assertRestored = async (browser, name) => {
    const restored = await browser.run(`return JSON.parse(sessionStorage.getItem('pageshows') || '[]').some((s) => s.page === '${name}' && s.persisted)`);
    assert.equal(restored, true, `${engine} restored ${name.toUpperCase()} from the back/forward cache`);
  };

  flow("first visit asks in Portuguese and contacts nobody; reject holds across a reload", async (b) => {
    await b.go("/");
    await b.ready();
    assert.match(await b.banner(), /Sua privacidade neste portal.*Aceitar todos.*Rejeitar todos/s);
    assert.equal(await b.run("return Biscoito.consent()"), null);
    await b.click("[data-action=reject-all]");
    assert.equal(await b.run("return Biscoito.consent().method"), "reject-all");
    await b.go("/");
    await b.ready();
    await pause(300);
    assert.equal(await b.banner(), null, "not asked again");
    assert.equal(await b.run("return window.contadorDeVisitas"), null);
    assert.deepEqual(googleContacted(), []);
  });

  flow("the guard holds what nobody marked: nothing before the choice, each declared script once after it", async (b) => {
    const LIBRARY = "cdn.bibliotecas.example/calendario.js";
    const BY_SCRIPT = ["connect.facebook.net", "static.hotjar.com", "analytics.tiktok.com"];
    await b.go("/camara/");
    await b.ready();
    await pause(2000); // past the tracker the page injects 1.2 s after load
    assert.deepEqual(await b.run("return window.ran || []"), [LIBRARY], "only the library ran");
    assert.equal(await b.run("return document.documentElement.dataset.calendario"), "pronto", "in order with its inline user");
    assert.deepEqual(contacted.filter((h) => BY_SCRIPT.includes(h)), [], "a script-inserted tracker was requested");
    const held = await b.run("return Biscoito.held().map((h) => h.id + ' ' + h.reason).sort()");
    assert.deepEqual(held, ["google-analytics declared", "hotjar declared", "linkedin declared", "meta-pixel declared",
      "null undeclared", "youtube declared", "youtube declared"]);
    await b.click("[data-action=accept-all]");
    await b.until("return (window.ran || []).length >= 3", "the declared scripts ran");
    await pause(500);
    const META = "connect.facebook.net/en_US/fbevents.js";
    const ran = await b.run("return window.ran");
    assert.deepEqual(ran.filter((s) => s !== META).sort(), [LIBRARY,
      "static.hotjar.com/c/hotjar-1000001.js", "www.googletagmanager.com/gtag/js"].sort(), "each declared script once");
    // Meta's script is released once too; Firefox then refuses to run
    // facebook.net scripts by itself (their load fails there, in a plain
    // page alike), so it is counted in the page, and in what ran at most once.
    assert.ok(ran.filter((s) => s === META).length <= 1, JSON.stringify(ran));
    assert.equal(await b.run("return document.querySelectorAll('script[src=\"http://connect.facebook.net/en_US/fbevents.js\"]').length"), 1);
    assert.ok(!contacted.includes("analytics.tiktok.com"), "the undeclared tracker stays held");
  });

  flow("the Content-Security-Policy that follows consent: no tracker is reached before a choice, only analytics after accepting it, none after revoking", async (b) => {
    const trackers = () => contacted.filter((h) => h.endsWith(".terceiro.test"));
    await b.go("/csp-consentimento/");
    await b.ready();
    await pause(700);
    assert.deepEqual(trackers(), [], "nothing before any choice, the tags written in the HTML included");
    await b.run("Biscoito.acceptOnly(['analytics'])");
    // The choice widens the policy: the page reloads once, under the new header.
    await b.until("return (window.ran || []).includes('estatistica.terceiro.test/contador.js')", "the analytics script ran after the reload");
    await pause(700);
    assert.deepEqual([...new Set(trackers())], ["estatistica.terceiro.test"]);
    await b.run("Biscoito.rejectAll()");
    await pause(500);
    contacted.length = 0;
    await b.go("/csp-consentimento/");
    await b.ready();
    await pause(700);
    assert.deepEqual(trackers(), [], "after the revocation, strict again");
  }, openCsp);

  flow("the Content-Security-Policy: a forged consent cookie, or one of another revision, gets the strict policy", async (b) => {
    const trackers = () => contacted.filter((h) => h.endsWith(".terceiro.test"));
    await b.go("/csp-consentimento/");
    await b.ready();
    // (A visitor may write a real one for themselves: it widens only their
    // own pages, and csp-nginx.test.mjs shows it.)
    for (const forged of ["4.evil", "3.analytics.marketing.youtube", "4.", "x".repeat(5000)]) {
      await b.run(`document.cookie = "biscoito-csp=${forged}; path=/"`);
      contacted.length = 0;
      await b.go("/csp-consentimento/");
      await b.ready();
      await pause(700);
      assert.deepEqual(trackers(), [], forged);
    }
  }, openCsp);

  flow("the Content-Security-Policy in report-only mode: what it would block reaches the receipts service, and `leaks` lists it", async (b) => {
    await b.go("/csp-consentimento/");
    await b.ready();
    await pause(700);
    assert.ok(contacted.includes("anuncios.terceiro.test"), "report-only blocks nothing");
    let listed = "";
    for (let i = 0; i < 50 && !/videos\.terceiro\.test/.test(listed); i++) {
      await pause(200);
      listed = b.leaks();
    }
    for (const host of ["estatistica.terceiro.test", "anuncios.terceiro.test", "videos.terceiro.test"]) {
      assert.match(listed, new RegExp(host.replaceAll(".", "\\.") + ".*/csp-consentimento/"), listed);
    }
  }, openReportOnly);

  flow("accept loads Google Analytics; revoking deletes its cookies and stops it", async (b) => {
    await b.go("/");
    await b.ready();
    await pause(300);
    assert.deepEqual(googleContacted(), [], "nothing before the choice");
    await b.click("[data-action=accept-all]");
    await b.until("return window.contadorDeVisitas === 1", "the gated script ran");
    await pause(300);
    assert.deepEqual([...new Set(googleContacted())], ["www.googletagmanager.com"]);
    // gtag.js cannot load offline; set the cookies it would have set.
    await b.run("document.cookie = '_ga=GA1.1.1.1; path=/; max-age=9999'; document.cookie = '_ga_DEMO123456=GS1; path=/; max-age=9999';");
    await b.run("Biscoito.showPreferences()");
    await b.click(".dialog [data-action=reject-all]");
    // The revocation reloads the page: wait for the new one.
    await b.until("return document.readyState === 'complete' && !!window.Biscoito && Biscoito.consent()?.method === 'reject-all' && window.contadorDeVisitas === undefined", "the page reloaded without analytics");
    contacted.length = 0;
    assert.equal(await b.run("return Biscoito.consent().decisions.analytics"), false);
    assert.equal(await b.run("return document.cookie"), "", "analytics cookies deleted");
    await pause(300);
    assert.deepEqual(googleContacted(), [], "nothing after the revocation");
  });

  flow("with localStorage refused, the choice is kept in a first-party cookie", async (b) => {
    await b.go("/test/model.html?blocked=1");
    await b.ready();
    await b.click("[data-action=reject-all]");
    assert.equal(await b.run("return Biscoito.storageBackend()"), "cookie");
    assert.match(await b.run("return document.cookie"), /biscoito-consent=/);
    await b.go("/test/model.html?blocked=1");
    await b.ready();
    await pause(200);
    assert.equal(await b.banner(), null, "the cookie carried the refusal");
    assert.equal(await b.run("return Biscoito.consent().method"), "reject-all");
    assert.equal(await b.run("return window.measured"), null);
    assert.deepEqual(googleContacted(), []);
  });

  flow("the preferences by keyboard alone: open, switch one category on, save", async (b) => {
    await b.go("/");
    await b.ready();
    const focused = "const el = document.getElementById('biscoito').shadowRoot.activeElement; return el && (el.getAttribute('role') === 'switch' ? 'switch:' + el.id : el.textContent.trim());";
    const tabTo = async (wanted) => {
      for (let i = 0; i < 12; i++) {
        await b.keys(KEY.tab);
        const now = await b.run(focused);
        if (now && now.startsWith(wanted)) return;
      }
      throw new Error(`Tab never reached ${wanted}`);
    };
    await tabTo("Preferências");
    await b.keys(KEY.enter);
    await b.until("return !!document.getElementById('biscoito').shadowRoot.querySelector('[role=dialog]')", "the dialog opened");
    assert.equal(await b.run("return Biscoito.consent()"), null, "opening it decides nothing");
    await tabTo("switch:bsc-switch-analytics");
    assert.equal(await b.run("return document.getElementById('biscoito').shadowRoot.activeElement.checked"), false, "not pre-ticked");
    await b.keys(KEY.space);
    await tabTo("Salvar minhas escolhas");
    await b.keys(KEY.enter);
    await b.until("return window.contadorDeVisitas === 1", "statistics released");
    const record = await b.run("return Biscoito.consent()");
    assert.equal(record.method, "custom");
    assert.deepEqual(record.decisions, { necessary: true, analytics: true, videos: false });
  });

  // A browser loading a page again from its history (Back without the
  // cache, or a reload) gives each frame the address it last showed, not its
  // src: an embed released before a refusal must not come back that way.
  const videoContacted = () => contacted.filter((h) => /youtube/.test(h));
  /** Page A of www/test/historico.html, its video accepted and loaded. */
  const videoShownOnA = async (b) => {
    await b.go("/test/historico.html?pagina=a");
    await b.ready();
    await b.click("[data-action=accept-all]");
    await b.until("return !!document.querySelector('iframe[src]')", "the video released on A");
    await pause(300);
  };
  /** Reject all from the preferences dialog. */
  const rejectInDialog = async (b) => {
    await b.run("Biscoito.showPreferences()");
    await b.click(".dialog [data-action=reject-all]");
  };
  flow("Back to a page loads no embed refused meanwhile, from the cache or not", async (b) => {
    await videoShownOnA(b);
    assert.deepEqual([...new Set(videoContacted())], ["www.youtube-nocookie.com"], "the video was requested after the choice");
    await b.clickPage("#pagina-b");
    await b.until(onPage("b"), "on B");
    await b.ready();
    await rejectInDialog(b);
    await b.until(`${onPage("b")} && Biscoito.consent()?.method === 'reject-all'`, "refused on B");
    await pause(300);
    contacted.length = 0;
    await b.back();
    await b.until(`${onPage("a")} && Biscoito.accepted('videos') === false`, "A follows the refusal");
    await pause(500);
    assert.deepEqual(videoContacted(), [], "the video was not requested again");
    assert.equal(await b.run("return !!document.querySelector('iframe[src]')"), false);
  });

  flow("revoking reloads the page without the embeds it had released", async (b) => {
    await videoShownOnA(b);
    await b.run("window.samePageAsBefore = true");
    contacted.length = 0;
    await rejectInDialog(b);
    await b.until(`${onPage("a")} && !window.samePageAsBefore && Biscoito.accepted('videos') === false`, "reloaded without the video");
    await pause(500);
    assert.deepEqual(videoContacted(), [], "the video was not requested again");
  });

  cacheFlow("back/forward cache: accept on A, revoke on B, Back to A: A follows the refusal", async (b) => {
    await b.go("/test/voltar.html?pagina=a");
    await b.ready();
    await b.click("[data-action=accept-all]");
    await b.until("return window.contadorDeVisitas === 1", "the gated script ran on A");
    await b.run("document.cookie = '_ga=GA1.1.1.1; path=/; max-age=9999'");
    await b.clickPage("#pagina-b");
    await b.until(onPage("b"), "on B");
    await b.ready();
    await b.run("Biscoito.showPreferences()");
    await b.click(".dialog [data-action=reject-all]");
    await b.until(`${onPage("b")} && Biscoito.consent()?.method === 'reject-all' && !window.contadorDeVisitas`, "B reloaded without analytics");
    contacted.length = 0;
    await b.back();
    await b.until(`${onPage("a")} && Biscoito.accepted('analytics') === false && !window.contadorDeVisitas`, "A follows the refusal and no longer runs the script");
    await assertRestored(b, "a");
    assert.equal(await b.run("return window['ga-disable-G-VOLTAR0001']"), true);
    assert.equal(await b.run("return document.cookie.includes('_ga')"), false, "no Google Analytics cookie");
    await pause(300);
    assert.deepEqual(googleContacted(), [], "nothing reached Google after the Back");
  });

  cacheFlow("back/forward cache: reject on A, accept on B, Back to A: A releases its script once", async (b) => {
    await b.go("/test/voltar.html?pagina=a");
    await b.ready();
    await b.click("[data-action=reject-all]");
    await b.run("window.samePageAsBefore = true");
    await b.clickPage("#pagina-b");
    await b.until(onPage("b"), "on B");
    await b.ready();
    await b.run("Biscoito.showPreferences()");
    await b.click(".dialog [data-action=accept-all]");
    await b.until("return window.contadorDeVisitas === 1", "B released its script");
    await b.back();
    await b.until(`${onPage("a")} && window.contadorDeVisitas === 1`, "A released its script");
    await assertRestored(b, "a");
    assert.equal(await b.run("return window.samePageAsBefore"), true, "not reloaded for a wider choice");
    assert.equal(await b.run("return Biscoito.accepted('analytics')"), true);
    await pause(300);
    assert.equal(await b.run("return window.contadorDeVisitas"), 1, "released once");
  });

  cacheFlow("back/forward cache: a revision published while A was cached makes A ask again", async (b) => {
    await b.go("/test/voltar.html?pagina=a");
    await b.ready();
    await b.click("[data-action=accept-all]");
    await b.until("return window.contadorDeVisitas === 1", "the gated script ran on A");
    await b.go("/test/voltar.html?pagina=b&rev=2");
    await b.ready();
    assert.match(await b.banner(), /Aceitar todos/, "B, on revision 2, asks");
    await b.back();
    await b.until(`${onPage("a")} && Biscoito.consent() === null && !!document.getElementById('biscoito').shadowRoot.querySelector('.banner') && !window.contadorDeVisitas`, "A asks again and runs nothing optional");
    await assertRestored(b, "a");
    assert.equal(await b.run("return Biscoito.accepted('analytics')"), false);
  });
}
