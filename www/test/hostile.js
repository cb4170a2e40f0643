// A page that fights back, chosen by the query string: ?json=1 replaces
// JSON.parse and JSON.stringify, ?storage=1 makes Storage.prototype lie,
// ?cookie=1 makes document.cookie return garbage, ?flood=1 fills the cookie
// jar near the browser's 4 KB header limit with non-UTF-8 escapes.
(function () {
  var q = new URLSearchParams(location.search);
  if (q.get("json") === "1") {
    JSON.parse = function () { return { schema: 1, decisions: { analytics: true } }; };
    JSON.stringify = function () { return "{}"; };
  }
  if (q.get("storage") === "1") {
    Storage.prototype.getItem = function () { return '{"schema":1,"id":"x","revision":1,"decisions":{"necessary":true,"analytics":true},"method":"accept-all"}'; };
    Storage.prototype.setItem = function () {};
  }
  if (q.get("cookie") === "1") {
    Object.defineProperty(Document.prototype, "cookie", { configurable: true, get: function () { return "=;;;%E0%A4%A=\uFFFD; biscoito-consent=%7B%22schema%22%3A1"; }, set: function () {} });
  }
  if (q.get("flood") === "1") {
    for (var i = 0; i < 12; i++) document.cookie = "lixo" + i + "=%C3%28%FF%FE" + "x".repeat(300) + "; path=/";
  }
})();
