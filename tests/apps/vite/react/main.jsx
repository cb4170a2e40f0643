// The README's React recipe: start() from an effect of the root component.
import { useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { start } from "biscoito";

const config = {
  revision: 1,
  policyUrl: "/privacidade.html",
  categories: [{ id: "necessary", required: true }, { id: "analytics" }, { id: "videos" }],
  googleAnalytics: { measurementId: "G-VITEAPP123" },
};

function App() {
  const [route, setRoute] = useState("inicio");
  useEffect(() => { start(config); }, []);
  return (
    <>
      <nav><a href="#protocolo" onClick={(e) => { e.preventDefault(); setRoute("protocolo"); }}>Consultar protocolo</a></nav>
      {route === "protocolo" && (
        <iframe data-category="videos" data-src="https://www.youtube-nocookie.com/embed/abc123"
          title="Vídeo: como registrar uma manifestação" width="560" height="315" />
      )}
    </>
  );
}

createRoot(document.getElementById("app")).render(<App />);
