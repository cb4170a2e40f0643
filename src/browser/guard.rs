//! The browser edge of the guard. `guard.js` holds unmarked tags by host
//! before the module runs; here each held item gets what it waits for
//! (`engine::guard::verdict`), written as the marks a maintainer would have
//! written (`data-service` or `data-category`), so that [`super::gate`]
//! releases it like any marked tag: in document order, scripts once,
//! iframes behind the same placeholder.

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use crate::engine::config::Config;
use crate::engine::guard::{declared_optional_hosts, host_of_src, verdict, Verdict};

/// Set by guard.js on every item it holds: "" until judged here, then
/// "declared", "undeclared" or "passed".
const HELD: &str = "data-biscoito-guard";
const STATE: &str = "data-biscoito-state";

thread_local! {
    /// guard.js's handle: `{ held, hosts, notify }`. None when the tag was
    /// deferred or async (no guard).
    static HANDLE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    /// Hosts of undeclared trackers the console has named on this page.
    static NAMED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Given by the loader before boot, when the guard runs.
#[wasm_bindgen(skip_typescript)]
pub fn guard(handle: JsValue) {
    HANDLE.with(|h| *h.borrow_mut() = Some(handle));
}

fn handle() -> Option<JsValue> {
    HANDLE.with(|h| h.borrow().clone())
}

fn held_by_script(handle: &JsValue) -> Vec<Element> {
    Reflect::get(handle, &"held".into())
        .ok()
        .map(|list| Array::from(&list))
        .map(|list| {
            list.iter()
                .filter_map(|e| e.dyn_into::<Element>().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// With the config read: the guard holds its declared hosts from now on,
/// and calls `notify` (a look for what to release) when it holds something
/// outside the page. Nothing is made when the guard is off.
pub(super) fn start(config: &Config) {
    let Some(handle) = handle() else { return };
    if let Ok(hosts) = Reflect::get(&handle, &"hosts".into()) {
        let hosts = Array::from(&hosts);
        for host in declared_optional_hosts(config) {
            hosts.push(&host.into());
        }
    }
    let notify = Closure::<dyn Fn()>::new(super::release_pending);
    let _ = Reflect::set(&handle, &"notify".into(), notify.as_ref());
    notify.forget();
}

/// Writes on each newly held item what it waits for. Before `gate::release`.
pub(super) fn judge_new(config: &Config, document: &Document) {
    let Some(handle) = handle() else { return };
    let page_host = document
        .location()
        .and_then(|l| l.hostname().ok())
        .unwrap_or_default();
    let first_required = config.categories.iter().find(|c| c.required);
    let mut fresh = Vec::new();
    if let Ok(list) = document.query_selector_all("[data-biscoito-guard=\"\"]") {
        for i in 0..list.length() {
            if let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                fresh.push(element);
            }
        }
    }
    fresh.extend(
        held_by_script(&handle)
            .into_iter()
            .filter(|e| !e.is_connected() && e.get_attribute(HELD).as_deref() == Some("")),
    );
    for element in fresh {
        let url = element.get_attribute("data-src").unwrap_or_default();
        let host = host_of_src(&url, &page_host);
        // guard.js holds only the catalogue's hosts and the declared ones,
        // so what the config does not declare is a known tracker.
        let (mark, attribute, id) = match verdict(config, &host, &page_host, true) {
            Verdict::Declared { id, is_service } => (
                "declared",
                if is_service {
                    "data-service"
                } else {
                    "data-category"
                },
                Some(id),
            ),
            Verdict::Pass => (
                "passed",
                "data-category",
                first_required.map(|c| c.id.clone()),
            ),
            Verdict::Undeclared => {
                name_once(&host, &url);
                ("undeclared", "", None)
            }
        };
        if let Some(id) = id {
            let _ = element.set_attribute(attribute, &id);
        }
        let _ = element.set_attribute(HELD, mark);
    }
}

/// Releases what a script held outside the page (a pixel's `new Image()`,
/// a script not yet inserted) once `allowed` says so: its src comes back,
/// as if the guard had never been there.
pub(super) fn release_detached(allowed: &dyn Fn(&Element) -> bool) {
    let Some(handle) = handle() else { return };
    for element in held_by_script(&handle) {
        let waiting = !element.is_connected()
            && element.get_attribute(STATE).is_none()
            && element.get_attribute(HELD).as_deref() != Some("undeclared");
        if !waiting || !allowed(&element) {
            continue;
        }
        let _ = element.set_attribute(STATE, "released");
        if element.tag_name().eq_ignore_ascii_case("script") {
            match element.get_attribute("data-type") {
                Some(kind) => {
                    let _ = element.set_attribute("type", &kind);
                }
                None => {
                    let _ = element.remove_attribute("type");
                }
            }
        }
        if let Some(src) = element.get_attribute("data-src") {
            let _ = element.remove_attribute("data-src");
            let _ = element.set_attribute("src", &src);
        }
    }
}

/// The console names an undeclared tracker once per host: the visitor can
/// never release it, and the fix is the maintainer's.
fn name_once(host: &str, url: &str) {
    let first = NAMED.with(|named| {
        let mut named = named.borrow_mut();
        let first = !named.iter().any(|h| h == host);
        if first {
            named.push(host.to_owned());
        }
        first
    });
    if first {
        let mut line = String::from("biscoito: the guard holds ");
        line.push_str(without_query(url));
        line.push_str(", a known tracker that no category declares, so no choice can release it; `biscoito scan --write-config` places it in a category");
        web_sys::console::error_1(&line.into());
    }
}

fn without_query(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// What the guard holds, in document order, then what scripts hold outside
/// the page: each item's URL without its query, its kind, what it waits for
/// (null for an undeclared tracker) and why it is held.
#[wasm_bindgen(unchecked_return_type = "HeldItem[]")]
pub fn held() -> Array {
    let out = Array::new();
    let Some(document) = super::document() else {
        return out;
    };
    let mut items = Vec::new();
    if let Ok(list) =
        document.query_selector_all("[data-biscoito-guard]:not([data-biscoito-state])")
    {
        for i in 0..list.length() {
            if let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                items.push(element);
            }
        }
    }
    if let Some(handle) = handle() {
        items.extend(
            held_by_script(&handle)
                .into_iter()
                .filter(|e| !e.is_connected() && e.get_attribute(STATE).is_none()),
        );
    }
    for element in items {
        let mark = element.get_attribute(HELD).unwrap_or_default();
        if mark == "passed" {
            continue;
        }
        let item = Object::new();
        let url = element.get_attribute("data-src").unwrap_or_default();
        let id = element
            .get_attribute("data-service")
            .or_else(|| element.get_attribute("data-category"));
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&item, &key.into(), &value);
        };
        set("url", without_query(&url).into());
        set("kind", element.tag_name().to_ascii_lowercase().into());
        set("id", id.map_or(JsValue::NULL, |id| id.into()));
        set(
            "reason",
            if mark == "undeclared" {
                "undeclared"
            } else {
                "declared"
            }
            .into(),
        );
        out.push(&item);
    }
    out
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Something the guard holds (`Biscoito.held()`). */
export interface HeldItem {
  /** Its address, without the query string. */
  url: string;
  kind: "script" | "iframe" | "img";
  /** The service or category it waits for; null for a known tracker no category declares, which stays held. */
  id: string | null;
  reason: "declared" | "undeclared";
}
"#;
