// The pages `make bench` compares: one portal, five ways. Each consent
// manager gets the same content, two categories (necessary, statistics),
// Portuguese texts and a Google Analytics tag it must hold until opt-in.
// Every manager is loaded the way its documentation recommends for a
// static site; `files` is the URL prefix of what the manager itself
// transfers, which is what the byte columns count.

export const MEASUREMENT_ID = "G-BENCH00001";
const GTAG = `https://www.googletagmanager.com/gtag/js?id=${MEASUREMENT_ID}`;

const TEXT = {
  title: "Cookies neste portal",
  description: "Usamos cookies necessários para o portal funcionar. Com a sua permissão, usamos também cookies de estatística (Google Analytics) para entender o uso do portal. Você pode mudar de ideia a qualquer momento.",
  acceptAll: "Aceitar todos",
  rejectAll: "Rejeitar todos",
  preferences: "Personalizar",
  save: "Salvar escolhas",
  necessary: "Necessários",
  necessaryDescription: "Mantêm o portal funcionando e guardam a sua escolha. Não podem ser desativados.",
  analytics: "Estatísticas",
  analyticsDescription: "Google Analytics: páginas visitadas, de forma agregada.",
};

// As its README recommends: the module preloaded beside the script.
const biscoito = {
  name: "biscoito",
  label: "Biscoito",
  files: "/biscoito/",
  head: `<link rel="preload" href="/biscoito/biscoito_bg.wasm" as="fetch" crossorigin>
<script type="application/json" id="biscoito-config">
{"revision":1,"policyUrl":"/privacidade.html","googleAnalytics":{"measurementId":"${MEASUREMENT_ID}"}}
</script>
<script src="/biscoito/biscoito.js" defer></script>`,
  body: "",
  banner: () => document.getElementById("biscoito")?.shadowRoot?.querySelector(".banner"),
  acceptAll: () => document.getElementById("biscoito").shadowRoot.querySelector("[data-action=accept-all]").click(),
};

const cookieconsent = {
  name: "cookieconsent",
  label: "vanilla-cookieconsent",
  files: "/vendor/vanilla-cookieconsent/",
  head: `<link rel="stylesheet" href="/vendor/vanilla-cookieconsent/dist/cookieconsent.css">
<script src="/vendor/vanilla-cookieconsent/dist/cookieconsent.umd.js" defer></script>
<script>
addEventListener("DOMContentLoaded", function () {
  CookieConsent.run({
    // Its default hides the banner from automated browsers, the bench's included.
    hideFromBots: false,
    categories: { necessary: { enabled: true, readOnly: true }, analytics: {} },
    language: { default: "pt", translations: { pt: {
      consentModal: { title: ${JSON.stringify(TEXT.title)}, description: ${JSON.stringify(TEXT.description)},
        acceptAllBtn: ${JSON.stringify(TEXT.acceptAll)}, acceptNecessaryBtn: ${JSON.stringify(TEXT.rejectAll)},
        showPreferencesBtn: ${JSON.stringify(TEXT.preferences)} },
      preferencesModal: { title: ${JSON.stringify(TEXT.title)}, acceptAllBtn: ${JSON.stringify(TEXT.acceptAll)},
        acceptNecessaryBtn: ${JSON.stringify(TEXT.rejectAll)}, savePreferencesBtn: ${JSON.stringify(TEXT.save)},
        closeIconLabel: "Fechar", sections: [
          { title: ${JSON.stringify(TEXT.necessary)}, description: ${JSON.stringify(TEXT.necessaryDescription)}, linkedCategory: "necessary" },
          { title: ${JSON.stringify(TEXT.analytics)}, description: ${JSON.stringify(TEXT.analyticsDescription)}, linkedCategory: "analytics" }
        ] }
    } } }
  });
});
</script>`,
  body: `<script type="text/plain" data-category="analytics" src="${GTAG}"></script>`,
  banner: () => document.querySelector("#cc-main .cm"),
  acceptAll: () => document.querySelector("#cc-main .cm [data-role=all]").click(),
};

const klaro = {
  name: "klaro",
  label: "Klaro",
  files: "/vendor/klaro/",
  head: `<script>
var klaroConfig = {
  version: 1, elementID: "klaro", storageMethod: "cookie", cookieName: "klaro", lang: "pt",
  mustConsent: false, acceptAll: true, hideDeclineAll: false, htmlTexts: false,
  translations: { pt: {
    consentNotice: { description: ${JSON.stringify(TEXT.description)} },
    purposes: { analytics: ${JSON.stringify(TEXT.analytics)} },
    "google-analytics": { description: ${JSON.stringify(TEXT.analyticsDescription)} }
  } },
  services: [{ name: "google-analytics", title: "Google Analytics", purposes: ["analytics"],
    cookies: [/^_ga/], required: false, default: false, optOut: false }]
};
</script>
<script src="/vendor/klaro/dist/klaro.js" defer></script>`,
  body: `<script type="text/plain" data-type="text/javascript" data-name="google-analytics" data-src="${GTAG}"></script>`,
  banner: () => document.querySelector(".klaro .cookie-notice"),
  acceptAll: () => document.querySelector(".klaro .cookie-notice .cm-btn-success").click(),
};

const tarteaucitron = {
  name: "tarteaucitron",
  label: "tarteaucitron",
  files: "/vendor/tarteaucitronjs/",
  head: `<script>var tarteaucitronForceLanguage = "pt";</script>
<script src="/vendor/tarteaucitronjs/tarteaucitron.min.js"></script>
<script>
tarteaucitron.init({ privacyUrl: "/privacidade.html", orientation: "bottom", showAlertSmall: false,
  cookieslist: false, DenyAllCta: true, AcceptAllCta: true, highPrivacy: true, handleBrowserDNTRequest: false,
  removeCredit: true, moreInfoLink: true, useExternalCss: false, useExternalJs: false, mandatory: true, showIcon: false,
  // Its default loads gtag.js before consent (Google consent mode, denied);
  // off, it holds the tag until opt-in like the others.
  googleConsentMode: false });
tarteaucitron.user.gtagUa = "${MEASUREMENT_ID}";
(tarteaucitron.job = tarteaucitron.job || []).push("gtag");
</script>`,
  body: "",
  banner: () => document.getElementById("tarteaucitronAlertBig"),
  acceptAll: () => document.getElementById("tarteaucitronPersonalize2").click(),
};

/** The same portal with no consent manager: the floor every row is compared against. */
const none = {
  name: "none",
  label: "(no manager)",
  files: null,
  head: "",
  body: "",
  banner: null,
  acceptAll: null,
};

/** Biscoito with its script tag alone (the preload is optional): what a
 * site that adds only the one tag gets. */
const biscoitoScriptOnly = {
  ...biscoito,
  name: "biscoito-script-only",
  label: "Biscoito, script tag only",
  head: biscoito.head.replace(/^<link rel="preload"[^\n]*\n/, ""),
};

/** An A/B experiment, never part of the published figures: another build of
 * Biscoito (BENCH_VARIANT=<that build's dist/ folder>) measured beside this
 * one, with the same page. */
const biscoitoVariant = {
  ...biscoito,
  name: "biscoito-variant",
  label: "Biscoito, variant build",
  files: "/biscoito-variant/",
  head: biscoito.head.replaceAll("/biscoito/", "/biscoito-variant/"),
};

const ALL = [biscoito, biscoitoScriptOnly, cookieconsent, klaro, tarteaucitron, ...(process.env.BENCH_VARIANT ? [biscoitoVariant] : [])];
const chosen = (process.env.BENCH_MANAGERS || "").split(",").filter(Boolean);
for (const name of chosen) {
  if (!ALL.some((m) => m.name === name)) throw new Error(`BENCH_MANAGERS: no manager called ${name}`);
}
if (chosen.length && !chosen.includes("biscoito")) throw new Error("BENCH_MANAGERS must name biscoito: every ratio is against it");
/** The managers measured: BENCH_MANAGERS (comma-separated names) or all. */
export const MANAGERS = chosen.length ? ALL.filter((m) => chosen.includes(m.name)) : ALL;
/** Every manager a page can be served for, measured or not. */
export const SERVABLE = ALL;
export const BASELINE = none;

/** The portal page for `manager`; `light`: a light home page (a heading, a
 * short paragraph, a few links), where a banner can be the largest paint. */
export function page(manager, { light = false } = {}) {
  if (light) return lightPage(manager);
  return `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portal de bancada</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/portal.css">
${manager.head}
</head>
<body>
<header><p>Defensoria Pública do Estado de Vila Serena</p>
<nav aria-label="Principal"><a href="/">Início</a> · <a href="/privacidade.html">Privacidade</a></nav></header>
<main>
<h1>Atendimento gratuito para quem precisa</h1>
<p>A Defensoria Pública presta orientação jurídica e defesa gratuitas a quem não pode pagar advogado. Este portal funciona por inteiro sem cookies opcionais.</p>
<ul>
<li><h2>Agende um atendimento</h2><p>Escolha a unidade mais próxima e o melhor horário.</p></li>
<li><h2>Consulte seu processo</h2><p>Acompanhe o andamento com o número do processo.</p></li>
<li><h2>Ouvidoria</h2><p>Elogios, sugestões e reclamações: ouvidoria@defensoria.vilaserena.example.</p></li>
</ul>
${manager.body}
</main>
<footer><p>Portal de demonstração. Instituição, nomes e contatos fictícios.</p></footer>
</body>
</html>
`;
}

function lightPage(manager) {
  return `<!doctype html>
<html lang="pt-BR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ouvidoria</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/portal.css">
${manager.head}
</head>
<body>
<main>
<h1>Ouvidoria</h1>
<p>Fale com a Defensoria.</p>
<p><a href="/">Início</a> · <a href="/privacidade.html">Privacidade</a> · <a href="/">Contato</a></p>
${manager.body}
</main>
</body>
</html>
`;
}

export const PORTAL_CSS = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b}
header,main,footer{max-width:60rem;margin:auto;padding:1rem}
header{border-bottom:1px solid #ccc}ul{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));padding:0;list-style:none}
li{border:1px solid #ccc;border-radius:.5rem;padding:0 1rem}`;
