// Keeps, for the tests, every pageshow of this tab in sessionStorage, which
// survives a reload: [{ page, persisted }]. A test uses it to prove that the
// browser really restored a page from the back/forward cache.
(function () {
  var page = new URLSearchParams(location.search).get("pagina") || "?";
  addEventListener("pageshow", function (event) {
    var shows = JSON.parse(sessionStorage.getItem("pageshows") || "[]");
    shows.push({ page: page, persisted: event.persisted });
    sessionStorage.setItem("pageshows", JSON.stringify(shows));
  });
})();
