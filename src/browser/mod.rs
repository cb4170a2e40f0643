//! The browser layer: reads the page, keeps the page's consent state,
//! renders through [`ui`], applies consent through [`gate`] and [`ga`], and
//! exports the `Biscoito` API. By role: [`boot`] starts Biscoito on a page,
//! [`page`] keeps the page in line with the visitor's decision (decide,
//! apply, listeners), and [`api`] is what the page calls.
//!
//! State lives in one `RefCell`, and every borrow of it is short: page code
//! runs synchronously inside many of our calls (released inline scripts,
//! event listeners), and it may call back into the API.

mod api;
mod boot;
#[cfg(feature = "checker")]
mod checker;
mod ga;
mod gate;
mod guard;
mod page;
mod storage;
mod ui;

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Window};

use crate::engine::config::Config;
use crate::engine::i18n::Lang;
use crate::engine::json::Value;
use crate::engine::policy::{evaluate, follow_mirror, Decision};
use crate::engine::record::Record;

#[cfg(test)]
use api::*;
use boot::*;
use ga::Analytics;
use page::*;
use storage::Store;
use ui::Ui;

pub(super) struct App {
    /// Shared so that calls running page code can hold it without a borrow.
    config: Rc<Config>,
    problems: Vec<String>,
    lang: Lang,
    record: Option<Record>,
    store: Store,
    ui: Option<Ui>,
    analytics: Option<Analytics>,
    shim: Option<Function>,
    /// `data-category` values of everything released on this page: what a
    /// revocation cannot take back without a reload.
    released: Vec<String>,
    /// The preferences were asked for before the interface was drawn.
    dialog_wanted: bool,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

/// Runs `f` on the state, if Biscoito has started. Never call page code inside `f`.
pub(super) fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

pub(super) fn window() -> Option<Window> {
    web_sys::window()
}

pub(super) fn document() -> Option<Document> {
    window()?.document()
}

pub(super) fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

pub(super) fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}

/// 128 random bits as hex. Math.random is a fallback only for browsers
/// without Web Crypto; the id identifies a consent, not a person.
pub(super) fn new_consent_id() -> String {
    let mut bytes = [0u8; 16];
    let filled = window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::with_capacity(32);
    for b in bytes {
        id.push(HEX[(b >> 4) as usize] as char);
        id.push(HEX[(b & 15) as usize] as char);
    }
    id
}

/// Reads what a page passed in as plain JSON data. The round trip through the
/// browser's own JSON drops getters, functions, prototypes and cycles (an
/// error), so nothing the page defines runs while it is walked below.
pub(super) fn js_to_value(js: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(js)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| String::from("not JSON data (a cycle, a BigInt or a function)"))?;
    parse_json(&text)
}

/// Walks data that came from `JSON.parse`. Reading it directly, rather than
/// through serde's deserializer, keeps serde's float-formatting error texts
/// out of the wasm (about 15 KB).
pub(super) fn plain_to_value(js: &JsValue, depth: usize) -> Option<Value> {
    if depth > crate::engine::json::MAX_DEPTH {
        return None;
    }
    if let Some(b) = js.as_bool() {
        return Some(Value::Bool(b));
    }
    if let Some(n) = js.as_f64() {
        return Some(Value::Number(n));
    }
    if let Some(s) = js.as_string() {
        return Some(Value::String(s));
    }
    if Array::is_array(js) {
        let mut items = Vec::new();
        for item in Array::from(js).iter() {
            items.push(plain_to_value(&item, depth + 1)?);
        }
        return Some(Value::Array(items));
    }
    if js.is_object() {
        let mut entries = Vec::new();
        for pair in js_sys::Object::entries(js.unchecked_ref()).iter() {
            let pair = Array::from(&pair);
            entries.push((
                pair.get(0).as_string()?,
                plain_to_value(&pair.get(1), depth + 1)?,
            ));
        }
        return Some(Value::Object(entries));
    }
    Some(Value::Null)
}

/// JSON text through the browser's parser; the error says what was wrong.
pub(super) fn parse_json(text: &str) -> Result<Value, String> {
    let js = js_sys::JSON::parse(text).map_err(|e| {
        Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default()
    })?;
    plain_to_value(&js, 0).ok_or_else(|| String::from("nested too deeply"))
}

/// What holds, from this host's stored record, the cookie mirror (which
/// the policy lets only narrow it, unless the maintainer trusts every host
/// under the domain) and the browser's GPC signal. Says on the console why
/// anything stored was set aside.
pub(super) fn decide_from_storage(
    config: &Config,
    store: &Store,
    gpc: bool,
    language: &str,
) -> Decision {
    let stored = store.read().map(|text| parse_json(&text).map_err(|_| ()));
    let decision = evaluate(config, stored, now_ms(), gpc, new_consent_id, language);
    let mirrors = store
        .read_mirrors()
        .into_iter()
        .map(|text| parse_json(&text).map_err(|_| ()));
    let decision = follow_mirror(
        config,
        decision,
        mirrors,
        store.trusts_every_host(),
        now_ms(),
        new_consent_id,
    );
    if let Some(why) = decision.mirror_set_aside {
        let mut line = String::from("biscoito: the consent cookie mirror was not read (");
        line.push_str(why.as_str());
        line.push_str("); this site's own record stands");
        web_sys::console::info_1(&line.into());
    }
    decision
}

/// Writes what the decision made, if anything: here only when it came from
/// the mirror, here and in the mirror when it was made on this page.
pub(super) fn store_decision(store: &mut Store, decision: &Decision) {
    let (true, Some(record)) = (decision.store, &decision.record) else {
        return;
    };
    let seconds = storage::seconds_until(now_ms(), record.expires_ms);
    if decision.store_here_only {
        store.write_here(&record.to_json(), seconds);
    } else {
        store.write(&record.to_json(), seconds);
    }
}

#[cfg(test)]
mod tests;
