// Biscoito's only hand-written JavaScript: start the module and publish the API.
// Appended to wasm-bindgen's no-modules glue; the Makefile wraps both in one
// function so nothing but window.Biscoito reaches the page's global scope.
var biscoitoScript = document.currentScript;
// Google's snippet pushes the real `arguments` object; gtag.js ignores arrays.
function biscoitoGtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
wasm_bindgen({ module_or_path: new URL("biscoito_bg.wasm", biscoitoScript.src) }).then(function () {
  var api = {};
  ["acceptAll", "rejectAll", "acceptOnly", "accepted", "consent", "showPreferences", "hidePreferences",
    "init", "setLanguage", "refresh", "on", "configErrors", "storageBackend"].forEach(function (name) {
    api[name] = wasm_bindgen[name];
  });
  window.Biscoito = Object.freeze(api);
  wasm_bindgen.boot(biscoitoGtag);
}, function (error) {
  console.error("biscoito: the WebAssembly module could not be loaded; no optional cookie will be used", error);
});
