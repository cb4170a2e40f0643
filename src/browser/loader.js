// Biscoito's only hand-written JavaScript: start the module and publish the API.
// Appended to wasm-bindgen's no-modules glue; the Makefile wraps both in one
// function so nothing but window.Biscoito reaches the page's global scope.
// Google's snippet pushes the real `arguments` object; gtag.js ignores arrays.
function biscoitoGtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }
// Boots in steps with a yield to the page before each, so a slow phone's
// main thread is never blocked long (the first yield parts the boot from
// the task that finishes compiling the module); scheduler.yield() resumes
// ahead of other tasks where it exists.
function biscoitoLater(step) {
  if (window.scheduler && scheduler.yield) scheduler.yield().then(step);
  else setTimeout(step);
}
// An async or blocking tag starts compiling the module while the page is still
// parsed; the boot itself waits for the whole document (config, gated tags).
var biscoitoParsed = document.readyState != "loading" || new Promise(function (parsed) {
  document.addEventListener("DOMContentLoaded", parsed);
});
Promise.all([wasm_bindgen({ module_or_path: new URL("biscoito_bg.wasm", biscoitoScript.src) }), biscoitoParsed]).then(function () {
  if (biscoitoGuard) wasm_bindgen.guard(biscoitoGuard);
  // Each step says what follows (boot.rs): bit 2, publish the API; bit 4,
  // the next step at once (a returning visitor's boot is one task); bit 1,
  // the next step after a yield (a first visit's).
  biscoitoLater(function step() {
    var next = wasm_bindgen.boot(biscoitoGtag, true);
    if (next & 2) {
      var api = {};
      ["acceptAll", "rejectAll", "acceptOnly", "accepted", "consent", "showPreferences", "hidePreferences",
        "init", "setLanguage", "refresh", "on", "configErrors", "storageBackend", "held"].forEach(function (name) {
        api[name] = wasm_bindgen[name];
      });
      window.Biscoito = Object.freeze(api);
    }
    if (next & 4) step();
    else if (next) biscoitoLater(step);
  });
}, function (error) {
  console.error("biscoito: the WebAssembly module could not be loaded; no optional cookie will be used", error);
});
