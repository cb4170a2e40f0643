// Types of the npm package's entry (src/browser/start.js, shipped as index.js).
import * as biscoito from "./biscoito.js";

export * from "./biscoito.js";
export { default } from "./biscoito.js";

/** The object `start()` resolves with: the same as `window.Biscoito`. */
export type BiscoitoApi = Readonly<Pick<typeof biscoito,
  "acceptAll" | "rejectAll" | "acceptOnly" | "accepted" | "consent" | "showPreferences" | "hidePreferences" |
  "init" | "setLanguage" | "refresh" | "on" | "configErrors" | "storageBackend" | "held">>;

export interface StartOptions {
  /** Where biscoito_bg.wasm is served, when not beside the package's JavaScript. */
  wasmUrl?: string | URL;
}

/**
 * Loads the module, installs Biscoito's Consent Mode shim, boots the banner and
 * resolves with the API. Calling it again returns the same promise. Where there
 * is no DOM (server-side rendering, Node) it resolves to null and does nothing.
 * @param config the config, in the shape of the inline #biscoito-config; by default the page's, or the built-in one
 */
export function start(config?: object | null, options?: StartOptions): Promise<BiscoitoApi | null>;

declare global {
  interface Window {
    Biscoito?: BiscoitoApi;
  }
}
