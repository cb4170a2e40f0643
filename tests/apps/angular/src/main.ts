// The README's Angular recipe: start() from afterNextRender in the root
// component, which runs only in the browser, never in a server render.
import { Component, afterNextRender, provideZonelessChangeDetection, signal } from "@angular/core";
import { bootstrapApplication } from "@angular/platform-browser";
import { start } from "biscoito";

@Component({
  selector: "ouvidoria-app",
  template: `<main>
    <h1>Ouvidoria de Vila Serena</h1>
    <p>Um aplicativo feito com Angular.</p>
    <nav><a href="#protocolo" (click)="$event.preventDefault(); route.set('protocolo')">Consultar protocolo</a></nav>
    @if (route() === "protocolo") {
      <iframe data-category="videos" data-src="https://www.youtube-nocookie.com/embed/abc123"
        title="Vídeo: como registrar uma manifestação" width="560" height="315"></iframe>
    }
  </main>`,
})
class App {
  route = signal("inicio");
  constructor() {
    afterNextRender(() => {
      start({
        revision: 1,
        policyUrl: "/privacidade.html",
        categories: [{ id: "necessary", required: true }, { id: "analytics" }, { id: "videos" }],
        googleAnalytics: { measurementId: "G-VITEAPP123" },
      });
    });
  }
}

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] });
