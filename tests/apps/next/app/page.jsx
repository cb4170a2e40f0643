"use client";
import { useState } from "react";

export default function Home() {
  const [route, setRoute] = useState("inicio");
  return (
    <main>
      <h1>Ouvidoria de Vila Serena</h1>
      <p>Um aplicativo feito com Next.js.</p>
      <nav><a href="#protocolo" onClick={(e) => { e.preventDefault(); setRoute("protocolo"); }}>Consultar protocolo</a></nav>
      {route === "protocolo" && (
        <iframe data-category="videos" data-src="https://www.youtube-nocookie.com/embed/abc123"
          title="Vídeo: como registrar uma manifestação" width="560" height="315" />
      )}
    </main>
  );
}
