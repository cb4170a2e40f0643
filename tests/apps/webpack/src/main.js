// The README's webpack recipe: start() once, from the app's entry.
import { start } from "biscoito";

start({
  revision: 1,
  policyUrl: "/privacidade.html",
  categories: [{ id: "necessary", required: true }, { id: "analytics" }, { id: "videos" }],
  googleAnalytics: { measurementId: "G-VITEAPP123" },
});

// A route change adds a gated embed later: Biscoito finds it without being told.
document.getElementById("rota").addEventListener("click", (event) => {
  event.preventDefault();
  document.getElementById("conteudo").innerHTML =
    '<iframe data-category="videos" data-src="https://www.youtube-nocookie.com/embed/abc123" title="Vídeo: como registrar uma manifestação" width="560" height="315"></iframe>';
});
