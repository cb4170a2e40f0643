// The npm package's entry (pkg/index.js): `await start()` does what the
// script tag does, for apps built with a bundler. Hand-written glue like
// loader.js, around wasm-bindgen's ES module.
//
// Safe to import where there is no DOM (server-side rendering, Node test
// runners): nothing here touches `window` or `document` until start() is
// called, and there it resolves to null.
import load, * as biscoito from "./biscoito.js";

// Everything wasm-bindgen's module exports stays as it was: `init` is the
// API's restart with a config, the default export loads the module.
export * from "./biscoito.js";
export { default } from "./biscoito.js";

const API = ["acceptAll", "rejectAll", "acceptOnly", "accepted", "consent", "showPreferences", "hidePreferences",
  "init", "setLanguage", "refresh", "on", "configErrors", "storageBackend", "held"];

// Google's snippet pushes the real `arguments` object; gtag.js ignores arrays.
function gtag() { (window.dataLayer = window.dataLayer || []).push(arguments); }

function nextTurn() {
  return new Promise((resolve) => {
    if (globalThis.scheduler && scheduler.yield) scheduler.yield().then(resolve);
    else setTimeout(resolve);
  });
}

/** The config goes where the script tag's reader finds it, so it is read (and judged) the same way. */
function placeConfig(config) {
  let element = document.getElementById("biscoito-config");
  if (!element) {
    element = document.createElement("script");
    element.type = "application/json";
    element.id = "biscoito-config";
    document.head.append(element);
  } else {
    console.warn("biscoito: start(config) replaces the page's #biscoito-config");
  }
  element.textContent = JSON.stringify(config);
}

let started = null;

/**
 * Loads the module, boots the banner and resolves with the same API object
 * as `window.Biscoito`. Calling it again returns the same promise. Without a
 * DOM (server-side rendering) it resolves to null and does nothing.
 * @param {object} [config] the config; by default the page's #biscoito-config, or the built-in one
 * @param {{ wasmUrl?: string | URL }} [options] where the module is served, if not beside this file
 */
export function start(config, options = {}) {
  if (typeof window === "undefined" || typeof document === "undefined") return Promise.resolve(null);
  if (started) return started;
  started = (async () => {
    if (config !== undefined && config !== null) placeConfig(config);
    await load({ module_or_path: options.wasmUrl ?? new URL("biscoito_bg.wasm", import.meta.url) });
    if (document.readyState === "loading") {
      await new Promise((parsed) => document.addEventListener("DOMContentLoaded", parsed, { once: true }));
    }
    // Each step says what follows (boot.rs): bit 2, publish the API; bit 4,
    // the next step at once (a returning visitor's boot is one task); bit 1,
    // the next step after a yield (a first visit's).
    let next = 1;
    do {
      if (!(next & 4)) await nextTurn();
      next = biscoito.boot(gtag, true);
      if (next & 2 && !window.Biscoito) {
        const api = {};
        for (const name of API) api[name] = biscoito[name];
        window.Biscoito = Object.freeze(api);
      }
    } while (next);
    return window.Biscoito ?? null;
  })();
  // A failed load can be retried by calling start() again.
  started.catch(() => { started = null; });
  return started;
}
