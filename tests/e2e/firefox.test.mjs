// The core flows (engines.mjs) in Firefox ESR, with every non-local request
// sent to a recording proxy. Two drivers, each where the other falls short
// here: geckodriver's classic WebDriver session keeps Firefox from restoring
// pages from its back/forward cache, so those flows run over WebDriver BiDi
// alone (bidi.mjs); and there a key press never activates a button, so the
// others, the keyboard flow among them, run through geckodriver.
import { before, after } from "node:test";
import { homedir } from "node:os";
import { serve } from "./server.mjs";
import { recordingProxy, startDriver, session } from "./webdriver.mjs";
import { firefoxSession } from "./bidi.mjs";
import { coreFlows } from "./engines.mjs";
import { cspSite } from "./nginx.mjs";

const GECKODRIVER = process.env.GECKODRIVER || `${homedir()}/.cargo/bin/geckodriver`;
const FIREFOX = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr";
// Made at load, so the flows below can be given its list of hosts.
const proxy = await recordingProxy();
let site, driver, base, csp, cspBase, reportOnly;

before(async () => {
  const served = await serve(0);
  site = served.server;
  base = `http://localhost:${served.port}`;
  driver = await startDriver(GECKODRIVER, ["--log", "error"]);
  csp = cspSite();
  cspBase = (await csp.nginx("enforced", csp.writeConf("conf"))).url;
  reportOnly = await csp.reportOnly("report-only");
});

after(async () => {
  await driver?.stop();
  await new Promise((r) => site.close(r));
  await proxy.close();
  csp?.close();
});

function prefs() {
  return {
    "network.proxy.type": 1, "network.proxy.http": "127.0.0.1", "network.proxy.http_port": proxy.port,
    "network.proxy.ssl": "127.0.0.1", "network.proxy.ssl_port": proxy.port, "network.proxy.no_proxies_on": "localhost,127.0.0.1",
    "network.proxy.allow_hijacking_localhost": false, "intl.accept_languages": "pt-BR",
    "app.update.enabled": false, "browser.safebrowsing.malware.enabled": false, "browser.safebrowsing.phishing.enabled": false,
    "network.captive-portal-service.enabled": false, "network.connectivity-service.enabled": false,
    "extensions.getAddons.cache.enabled": false, "datareporting.policy.dataSubmissionEnabled": false,
    "toolkit.telemetry.enabled": false, "browser.newtabpage.enabled": false, "network.dns.disablePrefetch": true,
  };
}

/** A fresh Firefox profile, so a fresh visitor, on `at` (the test server by default). */
const overGeckodriver = (at) => session(driver.url, {
  browserName: "firefox", "moz:firefoxOptions": { binary: FIREFOX, args: ["-headless"], prefs: { ...prefs(), "remote.prefs.recommended": true } },
}, at ?? base);

coreFlows("Firefox", () => overGeckodriver(), proxy.contacted, {
  openForBackForward: () => firefoxSession(FIREFOX, prefs(), base),
  openCsp: () => overGeckodriver(cspBase),
  openReportOnly: async () => Object.assign(await overGeckodriver(reportOnly.url), { leaks: reportOnly.leaks }),
});
