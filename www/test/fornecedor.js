// A sibling host under the portal's parent domain (a vendor's site, an old
// http host, a page injected into plain-http traffic) that wants the visitor
// measured on www: it rewrites the consent mirror, which any host under the
// domain may write. ?ataque=ampliar turns every decision of the mirror it
// finds (or of one it makes up) to true under a consent id of its choosing;
// ?ataque=malformado writes text that is not a record. ?cookie= names the
// mirror (vs-consent by default).
const params = new URLSearchParams(location.search);
const name = params.get("cookie") || "vs-consent";
const now = Date.now();
const seen = document.cookie.split("; ").find((pair) => pair.startsWith(name + "="));
let forged = "{isto não é um registro";
if (params.get("ataque") === "ampliar") {
  const record = seen
    ? JSON.parse(decodeURIComponent(seen.slice(name.length + 1)))
    : { schema: 1, revision: 1, decisions: { necessary: true, analytics: false }, services: { "google-analytics": false }, createdAt: now, language: "pt-BR" };
  for (const id of Object.keys(record.decisions)) record.decisions[id] = true;
  for (const id of Object.keys(record.services ?? {})) record.services[id] = true;
  Object.assign(record, { id: "escolhido-pelo-fornecedor", method: "accept-all", updatedAt: now, expiresAt: now + 30 * 86_400_000 });
  forged = JSON.stringify(record);
}
document.cookie = `${name}=${encodeURIComponent(forged)}; Domain=vilaserena.test; Path=/; Max-Age=86400; SameSite=Lax`;
document.body.dataset.feito = "sim";
