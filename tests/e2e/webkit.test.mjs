// The core flows (engines.mjs) in WebKit, Safari's engine: WebKitGTK's
// MiniBrowser under a private Xvfb display, driven through WebKitWebDriver,
// with every non-local request sent to a recording proxy. A missing driver,
// browser or Xvfb fails the run: .ci/setup.sh installs them.
import { before, after } from "node:test";
import { serve } from "./server.mjs";
import { recordingProxy, session } from "./webdriver.mjs";
import { startWebKit, capabilities } from "./webkit.mjs";
import { coreFlows } from "./engines.mjs";
import { cspSite } from "./nginx.mjs";

// Made at load, so the flows below can be given its list of hosts.
const proxy = await recordingProxy();
let site, webkit, base, csp, cspBase, reportOnly;

before(async () => {
  const served = await serve(0);
  site = served.server;
  base = `http://localhost:${served.port}`;
  webkit = await startWebKit();
  csp = cspSite();
  cspBase = (await csp.nginx("enforced", csp.writeConf("conf"))).url;
  reportOnly = await csp.reportOnly("report-only");
});

after(async () => {
  await webkit?.stop();
  await new Promise((r) => site.close(r));
  await proxy.close();
  csp?.close();
});

/** MiniBrowser starts with a fresh ephemeral profile per session: a fresh visitor. */
const open = () => session(webkit.url, capabilities(proxy.port), base);

coreFlows("WebKit", open, proxy.contacted, {
  openCsp: () => session(webkit.url, capabilities(proxy.port), cspBase),
  openReportOnly: async () => Object.assign(await session(webkit.url, capabilities(proxy.port), reportOnly.url), { leaks: reportOnly.leaks }),
});
