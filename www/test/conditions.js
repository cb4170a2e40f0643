// Test conditions a visitor's browser could have, chosen by the query string:
// ?rev=N (the site raised its policy revision), ?gpc=1 (Global Privacy
// Control on), ?blocked=1 (localStorage refused, as some privacy modes do).
// Deferred, just before biscoito.js, so the config is parsed and Biscoito not yet started.
(function () {
  var q = new URLSearchParams(location.search);
  var config = document.getElementById("biscoito-config");
  if (q.get("rev")) config.textContent = config.textContent.replace('"revision": 1', '"revision": ' + Number(q.get("rev")));
  if (q.get("gpc") === "1") Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: function () { return true; } });
  if (q.get("blocked") === "1") Object.defineProperty(window, "localStorage", { get: function () { throw new DOMException("blocked", "SecurityError"); } });
})();
