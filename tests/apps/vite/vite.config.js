// Three pages of one build: plain JavaScript, React and Vue, each starting
// Biscoito as the README's recipe for it says.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  plugins: [react(), vue()],
  build: {
    rollupOptions: {
      input: Object.fromEntries(["index.html", "react/index.html", "vue/index.html"]
        .map((page) => [page, fileURLToPath(new URL(page, import.meta.url))])),
    },
  },
});
