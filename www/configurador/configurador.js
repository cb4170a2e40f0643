// The configurator's page glue: form ⇄ JSON, and on every change the
// preview, the findings and the snippet. Checking and writing the snippet
// are Rust (src/browser/checker.rs, the same validator and lint as
// `biscoito check`); this file only moves values between the page and it.
import init, { check, importGovbr, snippet } from "/checker/biscoito.js";

const $ = (id) => document.getElementById(id);
const form = $("comum");
const json = $("json");
// Categories the form offers beyond the built-in "analytics"; the built-in
// texts cover necessary and analytics only, so these carry their own.
const EXTRA = {
  videos: { id: "videos", title: { "pt-BR": "Vídeos", en: "Videos", es: "Vídeos" },
    description: { "pt-BR": "Vídeos de plataformas externas incorporados às páginas.", en: "Videos from other platforms embedded in the pages.", es: "Vídeos de otras plataformas incrustados en las páginas." } },
  marketing: { id: "marketing", title: { "pt-BR": "Publicidade", en: "Advertising", es: "Publicidad" },
    description: { "pt-BR": "Medem campanhas e mostram anúncios relacionados ao seu interesse.", en: "Measure campaigns and show ads related to your interests.", es: "Miden campañas y muestran anuncios relacionados con sus intereses." } },
};

// Video platforms the form offers as services of "videos", with what the
// visitor is shown about each.
const VIDEO_SERVICES = {
  youtube: { id: "youtube", title: "YouTube", provider: "Google LLC", policyUrl: "https://policies.google.com/privacy",
    hosts: ["www.youtube-nocookie.com", "*.ytimg.com"] },
  vimeo: { id: "vimeo", title: "Vimeo", provider: "Vimeo.com, Inc.", policyUrl: "https://vimeo.com/privacy",
    hosts: ["player.vimeo.com", "*.vimeocdn.com"] },
};

function startingConfig() {
  return { revision: 1, policyUrl: "/privacidade.html" };
}

function formToConfig(config) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) || "").trim();
  for (const key of ["language", "layout"]) {
    const value = text(key);
    if (value === "auto" || value === "bar") delete config[key];
    else config[key] = value;
  }
  if (text("policyUrl")) config.policyUrl = text("policyUrl");
  else delete config.policyUrl;
  if (text("revision") !== "") config.revision = Number(text("revision"));
  if (text("measurementId")) config.googleAnalytics = { ...config.googleAnalytics, measurementId: text("measurementId") };
  else delete config.googleAnalytics;
  const chosen = data.getAll("category");
  if (chosen.length === 1 && chosen[0] === "analytics" && !(config.categories || []).some((c) => c.cookies)) {
    delete config.categories; // the default: necessary + analytics
  } else {
    const kept = new Map((config.categories || []).map((c) => [c.id, c]));
    config.categories = [kept.get("necessary") || { id: "necessary", required: true },
      ...chosen.map((id) => kept.get(id) || EXTRA[id] || { id })];
  }
  const videos = config.categories?.find((c) => c?.id === "videos");
  if (videos) {
    const platforms = data.getAll("videoService");
    // Services the form does not offer, written in the JSON, are kept.
    const others = (videos.services || []).filter((s) => !VIDEO_SERVICES[s?.id]);
    const services = [...platforms.map((id) => VIDEO_SERVICES[id]), ...others];
    if (services.length) videos.services = services;
    else delete videos.services;
  }
  // public-service is the default basis of a required category: written only when another is chosen.
  const basis = text("necessaryBasis");
  if (basis !== "public-service") config.categories ??= [{ id: "necessary", required: true }, { id: "analytics" }];
  const necessary = config.categories?.find((c) => c?.id === "necessary");
  if (necessary && basis === "public-service") delete necessary.legalBasis;
  else if (necessary) necessary.legalBasis = basis;
  return config;
}

function configToForm(config) {
  form.language.value = config.language || "auto";
  form.layout.value = config.layout || "bar";
  form.policyUrl.value = config.policyUrl || "";
  form.revision.value = config.revision ?? "";
  form.measurementId.value = config.googleAnalytics?.measurementId || "";
  const ids = config.categories ? config.categories.map((c) => c?.id) : ["analytics"];
  for (const box of form.querySelectorAll("[name=category]")) box.checked = ids.includes(box.value);
  const videos = config.categories?.find((c) => c?.id === "videos");
  const platforms = (videos?.services || []).map((s) => s?.id);
  for (const box of form.querySelectorAll("[name=videoService]")) {
    box.checked = platforms.includes(box.value);
    box.disabled = !videos;
  }
  const necessary = config.categories?.find((c) => c?.id === "necessary");
  form.necessaryBasis.value = necessary?.legalBasis || "public-service";
}

function list(title, items, className) {
  const box = document.createElement("div");
  box.className = className;
  const heading = document.createElement("p");
  heading.textContent = title;
  const ul = document.createElement("ul");
  for (const item of items) {
    const li = document.createElement("li");
    li.textContent = item;
    ul.append(li);
  }
  box.append(heading, ul);
  return box;
}

function previewPage(headMarkup) {
  return `<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Página de exemplo</title>
<style>body{font:1rem/1.6 system-ui,sans-serif;margin:1rem;color:#1d2430}</style>
${headMarkup}</head><body><h1>Página de exemplo</h1>
<p>Conteúdo do portal. O banner aparece como aparecerá no seu site.</p>
<p><button type="button" data-biscoito="preferences">Preferências de cookies</button></p>
<hr><p><strong>Declaração de cookies</strong> para a sua página de privacidade: ponha
<code>&lt;div data-biscoito="declaration"&gt;&lt;/div&gt;</code> nela, ou gere o texto com
<code>biscoito declaration</code>.</p>
<div data-biscoito="declaration"></div></body></html>`;
}

let lastPreview = "";
function render() {
  const text = json.value;
  const result = check(text);
  const out = $("resultado");
  out.replaceChildren();
  if (result.errors.length) {
    out.append(list(`${result.errors.length} erro(s): o banner recusaria esta configuração e usaria a padrão.`, result.errors, "erro"));
  }
  if (result.findings.length) {
    out.append(list(`${result.findings.length} ponto(s) de atenção de conformidade (LGPD/ANPD):`,
      result.findings.map((f) => `${f.path || "(raiz)"}: ${f.ptBR}`), "achado"));
  }
  if (!result.errors.length && !result.findings.length) {
    const ok = document.createElement("p");
    ok.className = "ok";
    ok.textContent = "Configuração válida, sem pontos de atenção.";
    out.append(ok);
  }
  const forSite = snippet(text, $("scriptUrl").value.trim() || "/biscoito/biscoito.js");
  $("snippet").textContent = forSite || "(corrija o JSON para gerar o código)";
  $("copiar").disabled = !forSite;
  const forPreview = snippet(text, new URL("/biscoito/biscoito.js", location.href).href);
  if (forPreview && forPreview !== lastPreview) {
    lastPreview = forPreview;
    $("preview").srcdoc = previewPage(forPreview);
  }
}

let timer;
const later = () => { clearTimeout(timer); timer = setTimeout(render, 200); };

form.addEventListener("input", () => {
  let config;
  try { config = JSON.parse(json.value); } catch { config = startingConfig(); }
  if (!config || typeof config !== "object" || Array.isArray(config)) config = startingConfig();
  json.value = JSON.stringify(formToConfig(config), null, 2);
  for (const box of form.querySelectorAll("[name=videoService]")) box.disabled = !form.querySelector("[name=category][value=videos]").checked;
  later();
});
// A pasted gov.br Design System cookie bar configuration (an array of
// languages, or one object with cookieGroups) is imported as
// `biscoito import-govbr` would, and what it left out is listed.
function importIfCookiebar(parsed) {
  const cookiebar = Array.isArray(parsed) || (parsed && typeof parsed === "object" && "cookieGroups" in parsed);
  if (!cookiebar) return parsed;
  const result = importGovbr(json.value);
  const box = $("importacao");
  if (result.error) {
    box.replaceChildren(list("Parece uma configuração do br-cookiebar (gov.br), mas não foi possível importá-la:", [result.error], "erro"));
    return parsed;
  }
  json.value = result.config;
  box.replaceChildren(
    list(`Importado do br-cookiebar (gov.br). O que a configuração antiga fazia contra a LGPD ou o guia da ANPD (${result.oldSetup.length}):`,
      result.oldSetup.map((f) => `${f.path}: ${f.ptBR}`), "achado"),
    list(`Sem lugar no Biscoito, não importado (${result.notImported.length}):`,
      result.notImported.map((f) => `${f.path}: ${f.ptBR}`), "nota"));
  return JSON.parse(result.config);
}

json.addEventListener("input", () => {
  try {
    const config = importIfCookiebar(JSON.parse(json.value));
    if (config && typeof config === "object" && !Array.isArray(config)) configToForm(config);
  } catch { /* the findings say what is wrong */ }
  later();
});
$("scriptUrl").addEventListener("input", later);
$("copiar").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText($("snippet").textContent);
    $("copiado").textContent = "Código copiado.";
  } catch {
    $("copiado").textContent = "Não foi possível copiar: selecione o código e copie com Ctrl+C.";
  }
});

try {
  await init();
} catch (error) {
  const message = document.createElement("p");
  message.className = "erro";
  message.textContent = "O verificador não carregou (rode `make demo`, que gera target/checker/). Detalhe: " + error;
  $("resultado").replaceChildren(message);
  throw error;
}
const initial = startingConfig();
configToForm(initial);
json.value = JSON.stringify(initial, null, 2);
render();
