//! The configurator's entry point (`www/configurador/`), compiled only with
//! the `checker` feature into a separate module: the validator's messages
//! are in every visitor's bundle, the compliance lint is not.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::parse_json;
use crate::engine::{config, govbr, html, json, lint};

fn set(target: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &key.into(), value);
}

/// Checks a config the way `biscoito check` does. Returns `{ errors,
/// findings }`: `errors` are the validator's lines (the banner would refuse
/// the config), `findings` the compliance lint's `{ path, ptBR, en }`.
#[wasm_bindgen(unchecked_return_type = "CheckResult")]
pub fn check(text: &str) -> JsValue {
    let out = Object::new();
    let errors = Array::new();
    let findings = match parse_json(text) {
        Err(message) => {
            let mut line = String::from("biscoito config: not valid JSON: ");
            line.push_str(&message);
            errors.push(&line.into());
            Array::new()
        }
        Ok(value) => {
            if let Err(problems) = config::from_value(&value) {
                for problem in problems {
                    errors.push(&problem.line().into());
                }
            }
            findings_array(&lint::lint(&value))
        }
    };
    set(&out, "errors", &errors);
    set(&out, "findings", &findings);
    out.into()
}

fn findings_array(findings: &[lint::Finding]) -> Array {
    let out = Array::new();
    for finding in findings {
        let item = Object::new();
        set(&item, "path", &finding.path.as_str().into());
        set(&item, "ptBR", &finding.pt_br.into());
        set(&item, "en", &finding.en.into());
        out.push(&item);
    }
    out
}

/// Reads a gov.br Design System cookie bar configuration (br-cookiebar JSON)
/// the way `biscoito import-govbr` does. Returns `{ config, notImported,
/// oldSetup }` (the config as indented JSON text), or `{ error }`.
#[wasm_bindgen(js_name = importGovbr, unchecked_return_type = "ImportResult")]
pub fn import_govbr(text: &str) -> JsValue {
    let out = Object::new();
    match parse_json(text).and_then(|value| govbr::import(&value)) {
        Ok(imported) => {
            set(&out, "config", &json::to_pretty(&imported.config).into());
            set(&out, "notImported", &findings_array(&imported.unmapped));
            set(&out, "oldSetup", &findings_array(&imported.old_setup));
        }
        Err(message) => set(&out, "error", &message.into()),
    }
    out.into()
}

/// The tags for the site's <head>, loading Biscoito from `script_url`;
/// undefined unless `text` is JSON. The JSON is re-indented by the browser and
/// every `</` is written `<\/` (the same string in JSON), so a text
/// containing `</script>` cannot end the config's script element early. The
/// preload starts the module's download beside the script's instead of after
/// the page has been parsed (docs/bench/README.md has the figures).
#[wasm_bindgen]
pub fn snippet(text: &str, script_url: &str) -> Option<String> {
    let value = js_sys::JSON::parse(text).ok()?;
    let pretty = js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &2.into())
        .ok()?
        .as_string()?;
    let mut out = String::from("<link rel=\"preload\" href=\"");
    html::escape(&mut out, &html::module_url_beside(script_url));
    out.push_str("\" as=\"fetch\" crossorigin>\n");
    out.push_str("<script type=\"application/json\" id=\"biscoito-config\">\n");
    out.push_str(&pretty.replace("</", "<\\/"));
    out.push_str("\n</script>\n<script src=\"");
    html::escape(&mut out, script_url);
    out.push_str("\" defer></script>\n");
    Some(out)
}

#[wasm_bindgen(typescript_custom_section)]
const CHECK_RESULT: &str = r#"
export interface Finding { path: string; ptBR: string; en: string }
export interface CheckResult {
  errors: string[];
  findings: Finding[];
}
export type ImportResult =
  | { config: string; notImported: Finding[]; oldSetup: Finding[] }
  | { error: string };
"#;
