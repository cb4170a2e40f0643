//! The exported API: `window.Biscoito`, and the named exports of the ES
//! module. Each call goes through the page's state in [`super::page`].

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

use super::*;
use crate::engine::i18n;
use crate::engine::policy::allows;
use crate::engine::record::Method;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** The stored proof of a visitor's decision (LGPD art. 8 §2). Times are milliseconds since 1970. */
export interface ConsentRecord {
  schema: 1;
  id: string;
  revision: number;
  /** Per category; a category with services is true only when all of them are. */
  decisions: Record<string, boolean>;
  /** Per service (absent in records stored before services could be chosen). */
  services?: Record<string, boolean>;
  /** Each category's legal basis as shown, such as "consent" or "public-service". */
  legalBasis?: Record<string, string>;
  method: "accept-all" | "reject-all" | "custom" | "gpc";
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  language: "pt-BR" | "en" | "es";
}
export type BiscoitoEvent = "ready" | "consent" | "change" | "biscoito:ready" | "biscoito:consent" | "biscoito:change";
"#;

/// Restarts with `config` (an object in the shape of the inline config).
/// Returns the problems found, as strings; an empty array means it was used.
#[wasm_bindgen(unchecked_return_type = "string[]")]
pub fn init(config: JsValue) -> Array {
    let (config, problems) = checked_config(js_to_value(&config));
    let shim = with_app(|app| app.shim.clone()).flatten();
    let list = problems
        .iter()
        .map(|p| JsValue::from_str(p))
        .collect::<Array>();
    start(config, problems, shim);
    list
}

#[wasm_bindgen(js_name = acceptAll)]
pub fn accept_all() {
    decide(&all_optional(), Method::AcceptAll);
}

#[wasm_bindgen(js_name = rejectAll)]
pub fn reject_all() {
    decide(&[], Method::RejectAll);
}

/// Accepts exactly `categories` (an array of category and service ids; a
/// category brings all its services) and refuses every other optional one.
#[wasm_bindgen(js_name = acceptOnly)]
pub fn accept_only(#[wasm_bindgen(unchecked_param_type = "string[]")] categories: Array) {
    let ids: Vec<String> = categories.iter().filter_map(|v| v.as_string()).collect();
    decide(&ids, Method::Custom);
}

/// Whether content marked with `category` may run now: a category (whole),
/// a service, or either led by "!" for refused. Unknown ids never may.
#[wasm_bindgen]
pub fn accepted(category: &str) -> bool {
    with_app(|app| allows(&app.config, app.record.as_ref(), [category])).unwrap_or(false)
}

/// The consent record in force, as a plain object, or null.
#[wasm_bindgen(unchecked_return_type = "ConsentRecord | null")]
pub fn consent() -> JsValue {
    with_app(|app| record_object(app.record.as_ref())).unwrap_or(JsValue::NULL)
}

#[wasm_bindgen(js_name = showPreferences)]
pub fn show_preferences() {
    open_preferences();
}

#[wasm_bindgen(js_name = hidePreferences)]
pub fn hide_preferences() {
    close_preferences();
}

/// Re-renders in `code` ("pt-BR", "en", "es"). Returns false for other languages.
#[wasm_bindgen(js_name = setLanguage)]
pub fn set_language(code: &str) -> bool {
    let Some(lang) = i18n::LANGS
        .into_iter()
        .find(|l| l.code().eq_ignore_ascii_case(code))
    else {
        warn("biscoito: setLanguage accepts \"pt-BR\", \"en\" or \"es\"");
        return false;
    };
    let switched = with_app(|app| {
        app.lang = lang;
        let (config, record) = (&app.config, app.record.as_ref());
        if let Some(ui) = &mut app.ui {
            ui.set_language(lang);
            if ui.banner_visible() {
                ui.show_banner(config, lang);
            }
            ui.set_reopen(config, lang, !ui.banner_visible());
            if ui.dialog_open() {
                if let Some(document) = document() {
                    ui.open_dialog(&document, config, lang, record);
                }
            }
        }
    })
    .is_some();
    // Placeholders and the declaration are drawn again in the new language.
    if let (true, Some(document)) = (switched, document()) {
        gate::remove_placeholders(&document);
        release_pending();
        show_declarations();
    }
    switched
}

/// Looks again for gated scripts and embeds added since the last look.
#[wasm_bindgen]
pub fn refresh() {
    apply(None);
}

/// Listens to "ready", "consent" or "change" (with or without the "biscoito:" prefix).
#[wasm_bindgen]
pub fn on(
    #[wasm_bindgen(unchecked_param_type = "BiscoitoEvent")] name: &str,
    #[wasm_bindgen(unchecked_param_type = "(event: CustomEvent<ConsentRecord | null>) => void")]
    listener: Function,
) -> bool {
    let Some(document) = document() else {
        return false;
    };
    let event = name.strip_prefix("biscoito:").unwrap_or(name);
    if !matches!(event, "ready" | "consent" | "change") {
        warn("biscoito: on() knows the events \"ready\", \"consent\" and \"change\"");
        return false;
    }
    let mut full = String::from("biscoito:");
    full.push_str(event);
    document
        .add_event_listener_with_callback(&full, &listener)
        .is_ok()
}

/// The problems found in the config in use (empty when it was valid).
#[wasm_bindgen(js_name = configErrors, unchecked_return_type = "string[]")]
pub fn config_errors() -> Array {
    with_app(|app| app.problems.iter().map(|p| JsValue::from_str(p)).collect()).unwrap_or_default()
}

/// Where the record is kept: "localStorage", "cookie" or "memory". Before the
/// first choice, where it will be tried first: page views write nothing.
#[wasm_bindgen(js_name = storageBackend)]
pub fn storage_backend() -> String {
    with_app(|app| app.store.backend.as_str().to_owned()).unwrap_or_default()
}
