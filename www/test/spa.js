// A single-page app's router: each "route" swaps in markup that carries its
// own gated script and embed, without a page load.
document.getElementById("rota-painel").addEventListener("click", function () {
  var view = document.getElementById("rota");
  view.innerHTML =
    '<h2>Painel</h2>' +
    '<script type="text/plain" data-category="analytics">window.painelMedido = (window.painelMedido || 0) + 1;<\/script>' +
    '<iframe data-category="videos" data-src="https://www.youtube-nocookie.com/embed/painel" width="320" height="180" title="Vídeo do painel"></iframe>';
  window.rotaAtual = "painel";
});
