//! Gated content: scripts and embeds the site marked with `data-category`
//! or `data-service`, run or loaded only once every category and service
//! they name is accepted, and the cookies of what is refused.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlScriptElement};

use super::storage::{cookie_names, write_cookie};
use crate::engine::config::Config;
use crate::engine::policy::gate_needs;

const STATE: &str = "data-biscoito-state";
const GATED: &str = "script[type=\"text/plain\"]:is([data-category],[data-service]):not([data-biscoito-state]), :is(iframe,img):is([data-category],[data-service])[data-src]:not([data-biscoito-state])";
/// Attributes that belong to the gate, not to the script it releases.
const GATE_ATTRIBUTES: [&str; 7] = [
    "data-biscoito-guard",
    "type",
    "data-category",
    "data-service",
    "data-src",
    "data-type",
    STATE,
];

/// What a gated element needs, as one list: its services when it names
/// any, else its categories (`engine::policy::gate_needs`). A service put
/// beside a category it does not belong to is a console error, once.
pub fn needs(config: &Config, element: &Element) -> String {
    let category = element.get_attribute("data-category").unwrap_or_default();
    let service = element.get_attribute("data-service").unwrap_or_default();
    let (needs, misplaced) = gate_needs(config, &category, &service);
    if let Some(misplaced) = misplaced {
        if element.get_attribute(MISPLACED_TOLD).is_none() {
            let _ = element.set_attribute(MISPLACED_TOLD, "");
            let mut line = String::from("biscoito: data-service=\"");
            line.push_str(misplaced);
            line.push_str("\" is not in data-category=\"");
            line.push_str(&category);
            line.push_str("\": the service decides");
            web_sys::console::error_1(&line.into());
        }
    }
    needs.to_owned()
}

/// Marks an element whose misplaced service the console already named.
const MISPLACED_TOLD: &str = "data-biscoito-misplaced";

/// Finds gated scripts and embeds still waiting, in document order, whose
/// categories pass `allowed`, and releases them. Scripts run one after the
/// other: an external one must finish loading before the next starts, so that
/// inline code can rely on the libraries above it, as in a normal page.
/// Returns the categories of everything released, and the embeds that stay
/// blocked and have no placeholder yet.
/// `judge` gives what an element needs (`needs`) and whether it is allowed.
pub fn release(
    document: &Document,
    judge: &dyn Fn(&Element) -> (String, bool),
) -> (Vec<String>, Vec<Element>) {
    let mut released_categories = Vec::new();
    let mut waiting_embeds = Vec::new();
    let mut queue = VecDeque::new();
    if let Ok(list) = document.query_selector_all(GATED) {
        for i in 0..list.length() {
            let Some(element) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let (categories, allowed) = judge(&element);
            let is_script = element.tag_name().eq_ignore_ascii_case("script");
            if !allowed {
                // An embed for visitors who refused ("!videos") has nothing
                // to offer from a placeholder.
                let for_refusal = categories.as_bytes().contains(&b'!');
                // An image nobody marked is a tracking pixel: nothing to show.
                let pixel = element.tag_name().eq_ignore_ascii_case("img")
                    && element.has_attribute("data-biscoito-guard");
                if !is_script && !for_refusal && !pixel && placeholder_of(&element).is_none() {
                    waiting_embeds.push(element);
                }
                continue;
            }
            let _ = element.set_attribute(STATE, "released");
            released_categories.push(categories);
            if is_script {
                queue.push_back(element);
            } else if let Some(src) = element.get_attribute("data-src") {
                remove_placeholder(&element);
                load_embed(&element, &src);
            }
        }
    }
    run_in_order(Rc::new(RefCell::new(queue)));
    (released_categories, waiting_embeds)
}

/// Gives a released embed its address. An iframe is loaded as a copy made
/// by script rather than in place: a browser loading the page again from
/// its history (Back when the page was not kept in the back/forward cache,
/// and in Firefox a reload) sends each frame written in the markup to the
/// address that frame last showed, whatever its src says, and so would load
/// the embed again after a refusal. Frames made by script are not restored.
fn load_embed(embed: &Element, src: &str) {
    let copy = embed
        .tag_name()
        .eq_ignore_ascii_case("iframe")
        .then(|| embed.clone_node().ok()?.dyn_into::<Element>().ok())
        .flatten();
    match copy {
        Some(copy) => {
            let _ = copy.set_attribute("src", src);
            let _ = embed.replace_with_with_node_1(&copy);
        }
        None => {
            let _ = embed.set_attribute("src", src);
        }
    }
}

/// Class of the element that stands in for a blocked embed, just before it.
pub const PLACEHOLDER_CLASS: &str = "biscoito-placeholder";
/// Marks an embed hidden by Biscoito (not by the site) while its placeholder shows.
const HIDDEN_BY_US: &str = "data-biscoito-hidden";

fn placeholder_of(embed: &Element) -> Option<Element> {
    embed
        .previous_element_sibling()
        .filter(|e| e.class_list().contains(PLACEHOLDER_CLASS))
}

/// Shows `markup` in place of `embed`, in a shadow root styled like the
/// banner. The site's classes are copied so its own sizing applies; width
/// and height attributes, when plain numbers, give the size and shape.
pub fn insert_placeholder(
    embed: &Element,
    lang: &str,
    scheme: &str,
    sheets: &js_sys::Array,
    markup: &str,
    on_click: &js_sys::Function,
) -> Option<()> {
    let document = embed.owner_document()?;
    let host = document.create_element("div").ok()?;
    host.set_class_name(&embed.class_name());
    host.class_list().add_1(PLACEHOLDER_CLASS).ok()?;
    host.set_attribute(super::ui::NO_SNIPPET, "").ok()?;
    let root = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .ok()?;
    let own = sheets.slice(0, sheets.length());
    let mut css =
        String::from(":host{display:block;max-width:100%}.root,.placeholder{height:100%}");
    let number = |name: &str| {
        embed
            .get_attribute(name)
            .filter(|v| !v.is_empty() && v.len() < 6 && v.bytes().all(|b| b.is_ascii_digit()))
    };
    if let (Some(width), Some(height)) = (number("width"), number("height")) {
        for part in [
            ":host{width:",
            &width,
            "px;aspect-ratio:",
            &width,
            "/",
            &height,
            "}",
        ] {
            css.push_str(part);
        }
    }
    if let Ok(sheet) = web_sys::CssStyleSheet::new() {
        if sheet.replace_sync(&css).is_ok() {
            own.push(&sheet);
        }
    }
    let _ = js_sys::Reflect::set(&root, &"adoptedStyleSheets".into(), &own);
    let container = document.create_element("div").ok()?;
    container.set_class_name("root");
    container.set_attribute("lang", lang).ok()?;
    container.set_attribute("data-scheme", scheme).ok()?;
    container.set_inner_html(markup);
    root.append_child(&container).ok()?;
    root.add_event_listener_with_callback("click", on_click)
        .ok()?;
    if !embed.has_attribute("hidden") {
        embed.set_attribute("hidden", "").ok()?;
        embed.set_attribute(HIDDEN_BY_US, "").ok()?;
    }
    embed
        .parent_node()?
        .insert_before(&host, Some(embed))
        .ok()?;
    Some(())
}

fn remove_placeholder(embed: &Element) {
    if let Some(placeholder) = placeholder_of(embed) {
        placeholder.remove();
    }
    if embed.has_attribute(HIDDEN_BY_US) {
        let _ = embed.remove_attribute("hidden");
        let _ = embed.remove_attribute(HIDDEN_BY_US);
    }
}

/// Takes every placeholder away (to draw them again in another language).
pub fn remove_placeholders(document: &Document) {
    let mut selector = String::from(".");
    selector.push_str(PLACEHOLDER_CLASS);
    if let Ok(list) = document.query_selector_all(&selector) {
        for i in 0..list.length() {
            let embed = list
                .item(i)
                .and_then(|n| n.dyn_into::<Element>().ok())
                .and_then(|placeholder| placeholder.next_element_sibling());
            if let Some(embed) = embed {
                remove_placeholder(&embed);
            }
        }
    }
}

fn run_in_order(queue: Rc<RefCell<VecDeque<Element>>>) {
    loop {
        let Some(original) = queue.borrow_mut().pop_front() else {
            return;
        };
        let Some(script) = clone_as_runnable(&original) else {
            continue;
        };
        let external = script.has_attribute("src");
        if external {
            let rest = queue.clone();
            let next = Closure::once_into_js(move || run_in_order(rest));
            let _ = script.add_event_listener_with_callback("load", next.unchecked_ref());
            let _ = script.add_event_listener_with_callback("error", next.unchecked_ref());
        }
        if let Some(parent) = original.parent_node() {
            let _ = parent.insert_before(&script, original.next_sibling().as_ref());
        }
        if external {
            return;
        }
    }
}

/// A fresh `<script>` with the original's attributes (nonce included), its
/// real type and its source: browsers run a script only when it is inserted.
fn clone_as_runnable(original: &Element) -> Option<HtmlScriptElement> {
    let document = original.owner_document()?;
    let script: HtmlScriptElement = document.create_element("script").ok()?.dyn_into().ok()?;
    let names = original.get_attribute_names();
    for i in 0..names.length() {
        let Some(name) = names.get(i).as_string() else {
            continue;
        };
        if GATE_ATTRIBUTES.contains(&name.as_str()) {
            continue;
        }
        if let Some(value) = original.get_attribute(&name) {
            let _ = script.set_attribute(&name, &value);
        }
    }
    // Browsers hide a parsed nonce from getAttribute; only the property keeps it.
    if let Some(original_script) = original.dyn_ref::<HtmlScriptElement>() {
        let nonce = js_sys::Reflect::get(original_script, &"nonce".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        if !nonce.is_empty() {
            let _ = js_sys::Reflect::set(&script, &"nonce".into(), &nonce.into());
        }
    }
    if let Some(kind) = original.get_attribute("data-type") {
        script.set_type(&kind);
    }
    // Released by Biscoito: the guard lets it pass.
    let _ = script.set_attribute(STATE, "released");
    match original.get_attribute("data-src") {
        Some(src) => {
            script.set_src(&src);
            if !original.has_attribute("async") {
                script.set_async(false);
            }
        }
        None => script
            .set_text(&original.text_content().unwrap_or_default())
            .ok()?,
    }
    Some(script)
}

/// The domains a cookie set by this page could be stored under: none (host
/// only), then the host and each parent domain down to two labels. A public
/// suffix among them is refused by the browser, which is harmless.
fn domain_variants(host: &str) -> Vec<Option<String>> {
    let mut out = vec![None];
    // IPv4 hosts are all digits and dots; IPv6 hosts contain colons.
    // Bytes, not char patterns: those keep str's substring searcher in the bundle.
    let has = |text: &str, byte: u8| text.as_bytes().contains(&byte);
    let is_ip = has(host, b':')
        || host.starts_with('[')
        || host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if host.is_empty() || is_ip {
        return out;
    }
    let mut rest = host;
    while has(rest, b'.') {
        out.push(Some(rest.to_owned()));
        out.push(Some({
            let mut dotted = String::from(".");
            dotted.push_str(rest);
            dotted
        }));
        match rest.split_once('.') {
            Some((_, parent)) if has(parent, b'.') => rest = parent,
            _ => break,
        }
    }
    out
}

/// "/a/b/c" gives "/", "/a", "/a/b", "/a/b/c": every path a cookie of this page could sit on.
fn path_variants(path: &str) -> Vec<String> {
    let mut out = vec!["/".to_owned()];
    let mut at = 0;
    while let Some(i) = path[at + 1..].find('/').map(|i| i + at + 1) {
        out.push(path[..i].to_owned());
        at = i;
    }
    if path.len() > 1 && !path.ends_with('/') {
        out.push(path.to_owned());
    }
    out
}

/// Deletes every cookie readable by this page whose name `doomed` picks, under
/// every domain and path variant the browser could hold it. HttpOnly cookies
/// cannot be seen from here: removing those is the site server's duty.
pub fn delete_cookies(doomed: &dyn Fn(&str) -> bool) -> Vec<String> {
    let location = web_sys::window().map(|w| w.location());
    let host = location
        .as_ref()
        .and_then(|l| l.hostname().ok())
        .unwrap_or_default();
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let mut deleted = Vec::new();
    for name in cookie_names() {
        if !doomed(&name) || deleted.contains(&name) {
            continue;
        }
        for domain in domain_variants(&host) {
            for cookie_path in path_variants(&path) {
                let mut spec = name.clone();
                spec.push_str("=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=");
                spec.push_str(&cookie_path);
                if let Some(d) = &domain {
                    spec.push_str("; Domain=");
                    spec.push_str(d);
                }
                write_cookie(&spec);
            }
        }
        deleted.push(name);
    }
    deleted
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn domain_variants_walk_up_to_two_labels() {
        let d = domain_variants("www.tj.example.gov.br");
        assert_eq!(d[0], None);
        assert!(d.contains(&Some("www.tj.example.gov.br".into())));
        assert!(d.contains(&Some(".example.gov.br".into())));
        assert!(d.contains(&Some("gov.br".into())));
        assert!(!d.contains(&Some("br".into())));
        assert_eq!(domain_variants("localhost"), [None]);
        assert_eq!(domain_variants("127.0.0.1"), [None]);
    }

    #[wasm_bindgen_test]
    fn path_variants_cover_every_parent() {
        assert_eq!(
            path_variants("/a/b/c.html"),
            ["/", "/a", "/a/b", "/a/b/c.html"]
        );
        assert_eq!(path_variants("/"), ["/"]);
        assert_eq!(path_variants("/a/"), ["/", "/a"]);
    }
}
