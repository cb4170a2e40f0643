// Stands in for a site's own statistics script: it runs only with consent.
(function () {
  window.contadorDeVisitas = (window.contadorDeVisitas || 0) + 1;
  var line = document.getElementById("estatisticas");
  if (line) line.textContent = "Estatísticas ativas nesta página (você permitiu).";
})();
