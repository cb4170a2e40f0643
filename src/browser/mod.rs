//! The browser layer: reads the page, keeps the page's consent state,
//! renders through [`ui`], applies consent through [`gate`] and [`ga`], and
//! exports the `Biscoito` API.
//!
//! State lives in one `RefCell`, and every borrow of it is short: page code
//! runs synchronously inside many of our calls (released inline scripts,
//! event listeners), and it may call back into the API.

#[cfg(feature = "checker")]
mod checker;
mod ga;
mod gate;
mod storage;
mod ui;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CustomEvent, CustomEventInit, Document, Element, Event, HtmlElement, KeyboardEvent, Window,
};

use crate::engine::config::{self, Config};
use crate::engine::html;
use crate::engine::i18n::{self, Lang, Text};
use crate::engine::json::Value;
use crate::engine::policy::{allows, category_list, cookie_doomed, evaluate, revoked};
use crate::engine::record::{Method, Record};

use ga::Analytics;
use storage::Store;
use ui::Ui;

struct App {
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

/// Where a boot in steps stands between two of them.
enum Boot {
    Decide(Box<Config>, Vec<String>, Option<Function>),
    Release(Decided),
    Draw(Decided),
    /// Booted, or replaced by `init`: later steps do nothing.
    Over,
}

/// What the decision step leaves for the drawing step.
struct Decided {
    /// A record made at load (from GPC): its receipt and event follow "ready".
    made_at_load: bool,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
    static PAGE_LISTENERS: RefCell<bool> = const { RefCell::new(false) };
    static BOOT: Cell<Option<Boot>> = const { Cell::new(None) };
}

/// Runs `f` on the state, if Biscoito has started. Never call page code inside `f`.
fn with_app<R>(f: impl FnOnce(&mut App) -> R) -> Option<R> {
    APP.with(|cell| cell.try_borrow_mut().ok()?.as_mut().map(f))
}

fn window() -> Option<Window> {
    web_sys::window()
}

fn document() -> Option<Document> {
    window()?.document()
}

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}

/// 128 random bits as hex. Math.random is a fallback only for browsers
/// without Web Crypto; the id identifies a consent, not a person.
fn new_consent_id() -> String {
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
fn js_to_value(js: &JsValue) -> Result<Value, String> {
    let text = js_sys::JSON::stringify(js)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| String::from("not JSON data (a cycle, a BigInt or a function)"))?;
    parse_json(&text)
}

/// Walks data that came from `JSON.parse`. Reading it directly, rather than
/// through serde's deserializer, keeps serde's float-formatting error texts
/// out of the wasm (about 15 KB).
fn plain_to_value(js: &JsValue, depth: usize) -> Option<Value> {
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
fn parse_json(text: &str) -> Result<Value, String> {
    let js = js_sys::JSON::parse(text).map_err(|e| {
        Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_default()
    })?;
    plain_to_value(&js, 0).ok_or_else(|| String::from("nested too deeply"))
}

/// The stored record as JSON data, if anything is stored (`Err` when the
/// text is not JSON: the policy treats it as malformed).
fn read_stored(store: &Store) -> Option<Result<Value, ()>> {
    store.read().map(|text| parse_json(&text).map_err(|_| ()))
}

/// Validates a config, reporting each problem on the console. Invalid
/// configs are replaced whole by the default: never a partial, never an opt-in.
fn checked_config(value: Result<Value, String>) -> (Config, Vec<String>) {
    let result = match value {
        Ok(v) => {
            config::from_value(&v).map_err(|problems| problems.iter().map(|p| p.line()).collect())
        }
        Err(message) => {
            let mut line = String::from("biscoito config: not valid JSON: ");
            line.push_str(&message);
            Err(vec![line])
        }
    };
    match result {
        Ok(config) => (config, Vec::new()),
        Err(lines) => {
            for line in &lines {
                web_sys::console::error_1(&line.into());
            }
            warn(
                "biscoito: using the built-in default configuration because of the problems above",
            );
            (Config::default(), lines)
        }
    }
}

fn inline_config(document: &Document) -> (Config, Vec<String>) {
    let Some(element) = document.get_element_by_id("biscoito-config") else {
        return (Config::default(), Vec::new());
    };
    checked_config(parse_json(&element.text_content().unwrap_or_default()))
}

fn page_language(document: &Document) -> Option<String> {
    document.document_element()?.get_attribute("lang")
}

fn browser_languages(window: &Window) -> Vec<String> {
    let navigator = window.navigator();
    let list = Reflect::get(&navigator, &"languages".into())
        .ok()
        .filter(Array::is_array)
        .map(|v| Array::from(&v));
    match list {
        Some(list) => list.iter().filter_map(|v| v.as_string()).collect(),
        None => navigator.language().into_iter().collect(),
    }
}

/// Global Privacy Control: `navigator.globalPrivacyControl === true`.
fn gpc_enabled(window: &Window) -> bool {
    Reflect::get(&window.navigator(), &"globalPrivacyControl".into()).ok() == Some(JsValue::TRUE)
}

fn record_object(record: Option<&Record>) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    record
        .and_then(|r| serde::Serialize::serialize(&r.view(), &serializer).ok())
        .unwrap_or(JsValue::NULL)
}

fn dispatch(name: &str, record: Option<&Record>) {
    let Some(document) = document() else { return };
    let init = CustomEventInit::new();
    init.set_detail(&record_object(record));
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = document.dispatch_event(&event);
    }
}

/// Starts at once with `config`, dropping any boot still in progress.
fn start(config: Config, problems: Vec<String>, shim: Option<Function>) {
    BOOT.set(Some(Boot::Decide(Box::new(config), problems, shim)));
    while boot_step(None) != 0 {}
}

/// Decides from the config and the stored record, and makes the state the
/// API works on. Nothing optional is released here.
fn settle(config: Config, problems: Vec<String>, shim: Option<Function>) -> Option<Decided> {
    let window = window()?;
    let document = window.document()?;
    let lang = i18n::negotiate(
        config.language,
        page_language(&document).as_deref(),
        &browser_languages(&window),
    );
    let mut store = Store::open(&config.storage);
    let stored = read_stored(&store);
    let decision = evaluate(
        &config,
        stored,
        now_ms(),
        gpc_enabled(&window),
        new_consent_id,
        lang.code(),
    );
    if let Some(why) = decision.discarded {
        let mut line = String::from("biscoito: stored consent set aside (");
        line.push_str(why.as_str());
        line.push_str("); nothing optional runs until the visitor chooses again");
        web_sys::console::info_1(&line.into());
    }
    if decision.clear_stored {
        store.clear();
    }
    if let (true, Some(record)) = (decision.store, &decision.record) {
        store.write(
            &record.to_json(),
            storage::seconds_until(now_ms(), record.expires_ms),
        );
    }
    let analytics = match (&config.google_analytics, &shim) {
        (Some(ga), Some(shim)) => {
            if Reflect::get(&window, &"gtag".into())
                .ok()
                .is_none_or(|g| g.is_undefined())
            {
                let _ = Reflect::set(&window, &"gtag".into(), shim);
            }
            Some(Analytics::prepare(&window, shim.clone(), ga, &config))
        }
        (Some(_), None) => {
            warn("biscoito: googleAnalytics is configured but no gtag shim was given to boot(); Google Analytics stays off");
            None
        }
        _ => None,
    };
    let made_at_load = decision.store;
    APP.with(|cell| {
        *cell.borrow_mut() = Some(App {
            config: Rc::new(config),
            problems,
            lang,
            record: decision.record,
            store,
            ui: None,
            analytics,
            shim,
            released: Vec::new(),
            dialog_wanted: false,
        });
    });
    wire_page_once(&window, &document);
    Some(Decided { made_at_load })
}

/// Draws the interface. It comes after the release of what the stored
/// consent allows: a returning visitor's analytics start sooner, and a first
/// visit has nothing optional to release. Everything is read from the state
/// again, since the page may have used the API since the decision (the
/// banner shows only if nobody has chosen yet).
fn draw(decided: Decided) {
    let Some(document) = document() else { return };
    let Some((config, lang, undecided)) =
        with_app(|app| (app.config.clone(), app.lang, app.record.is_none()))
    else {
        return;
    };
    // Mounted outside the state's borrow: focus and other events raised while
    // drawing run listeners that read the state.
    let ui = Ui::mount(&document, &config);
    if let Some(ui) = &ui {
        ui.set_language(lang);
        if undecided {
            ui.show_banner(&config, lang);
        } else {
            ui.set_reopen(&config, lang, true);
        }
        wire_shadow_root(&ui.root);
    }
    let (record, dialog_wanted) = with_app(|app| {
        app.ui = ui;
        (app.record.clone(), std::mem::take(&mut app.dialog_wanted))
    })
    .unwrap_or_default();
    if dialog_wanted {
        open_preferences();
    }
    dispatch("biscoito:ready", record.as_ref());
    if decided.made_at_load {
        send_receipt(record.as_ref());
        dispatch("biscoito:consent", record.as_ref());
    }
}

/// Brings the page in line with the current record: releases what is now
/// allowed, updates Google's consent mode, deletes the cookies of refused
/// categories, and reloads when something already running lost its consent.
fn apply(previous: Option<Record>) {
    release_pending();
    let Some((config, record)) = with_app(|app| (app.config.clone(), app.record.clone())) else {
        return;
    };
    let Some(window) = window() else { return };
    let withdrawn_from_ga =
        with_app(
            |app| match (&mut app.analytics, &app.config.google_analytics) {
                (Some(analytics), Some(ga)) => {
                    analytics.apply(&window, ga, &config, record.as_ref())
                }
                _ => false,
            },
        )
        .unwrap_or(false);
    let doomed = |name: &str| cookie_doomed(&config, record.as_ref(), name);
    gate::delete_cookies(&doomed);
    let lost = revoked(&config, previous.as_ref(), record.as_ref());
    if lost.is_empty() || !config.reload_on_revoke {
        return;
    }
    let scripts_lost = with_app(|app| {
        app.released
            .iter()
            .any(|cats| category_list(cats).any(|c| lost.contains(&c)))
    })
    .unwrap_or(false);
    if scripts_lost || withdrawn_from_ga {
        // A running script cannot be unloaded; a reload is the only way to
        // continue without it.
        let _ = window.location().reload();
    }
}

/// Marks, for a moment, the embed a placeholder's button was pressed for.
const FOCUS_MARK: &str = "data-biscoito-focus";
const FOCUS_MARKED: &str = "[data-biscoito-focus]";

thread_local! {
    /// One click handler for every embed placeholder.
    static ALLOW_EMBED: JsValue = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let Some(categories) = closest_attribute(&event, "[data-action=\"allow\"]", "data-category") else {
            return;
        };
        let embed = event
            .current_target()
            .and_then(|root| root.dyn_into::<web_sys::ShadowRoot>().ok())
            .and_then(|root| root.host().next_element_sibling());
        // Releasing an iframe puts a copy in its place (gate::release):
        // the mark, copied with it, finds whichever element holds it now.
        if let Some(embed) = &embed {
            let _ = embed.set_attribute(FOCUS_MARK, "");
        }
        allow_more(&categories);
        let loaded = embed
            .and_then(|e| e.owner_document())
            .and_then(|d| d.query_selector(FOCUS_MARKED).ok().flatten());
        if let Some(loaded) = loaded {
            let _ = loaded.remove_attribute(FOCUS_MARK);
            if let Ok(loaded) = loaded.dyn_into::<HtmlElement>() {
                let _ = loaded.focus();
            }
        }
    })
    .into_js_value();
}

/// The visitor allowed `categories` from an embed's placeholder: keep every
/// other choice as it was.
fn allow_more(categories: &str) {
    // Record::decide keeps only the config's optional categories and services of this list.
    let Some(accepted) = with_app(|app| {
        let mut ids: Vec<String> = match &app.record {
            Some(record) => record
                .accepted_ids()
                .into_iter()
                .map(String::from)
                .collect(),
            None => Vec::new(),
        };
        ids.extend(category_list(categories).map(String::from));
        ids
    }) else {
        return;
    };
    decide(&accepted, Method::Custom);
}

/// Puts a placeholder, in the visitor's language, before each of `embeds`.
fn show_placeholders(embeds: &[Element]) {
    if embeds.is_empty() {
        return;
    }
    ALLOW_EMBED.with(|on_click| {
        with_app(|app| {
            let Some(ui) = &app.ui else { return };
            for embed in embeds {
                let categories = gate::needs(embed);
                let title = embed
                    .get_attribute("title")
                    .or_else(|| embed.get_attribute("alt"));
                let markup = html::embed_placeholder_markup(
                    &app.config,
                    app.lang,
                    &categories,
                    title.as_deref(),
                );
                gate::insert_placeholder(
                    embed,
                    app.lang.code(),
                    ui.scheme,
                    &ui.sheets,
                    &markup,
                    on_click.unchecked_ref(),
                );
            }
        });
    });
}

/// Releases the gated scripts and embeds that the current consent allows and
/// that have not run yet. Page code runs inside, so no borrow is held.
fn release_pending() {
    let Some(document) = document() else { return };
    // Runs on every DOM mutation, so it borrows the state per element instead
    // of cloning the config; gate::release decides everything before running any script.
    let allowed = |categories: &str| {
        with_app(|app| allows(&app.config, app.record.as_ref(), category_list(categories)))
            .unwrap_or(false)
    };
    let (released, waiting_embeds) = gate::release(&document, &allowed);
    if !released.is_empty() {
        with_app(|app| app.released.extend(released));
    }
    show_placeholders(&waiting_embeds);
}

fn send_receipt(record: Option<&Record>) {
    let Some(record) = record else { return };
    let Some(url) = with_app(|app| app.config.receipt_url.clone()).flatten() else {
        return;
    };
    let Some(window) = window() else { return };
    let page = window.location().href().unwrap_or_default();
    // text/plain keeps the beacon a simple request: no CORS preflight to fail.
    let _ = window
        .navigator()
        .send_beacon_with_opt_str(&url, Some(&record.receipt_json(&page)));
}

/// Records a decision, updates the interface and the page, and tells listeners.
fn decide(accepted: &[String], method: Method) {
    let accepted: Vec<&str> = accepted.iter().map(String::as_str).collect();
    let Some((previous, record)) = with_app(|app| {
        let now = now_ms();
        let record = match &app.record {
            Some(old) => old.revise(&app.config, &accepted, method, now, app.lang.code()),
            None => Record::decide(
                &app.config,
                &accepted,
                method,
                now,
                new_consent_id(),
                app.lang.code(),
            ),
        };
        app.store.write(
            &record.to_json(),
            storage::seconds_until(now, record.expires_ms),
        );
        let previous = app.record.replace(record.clone());
        if let Some(ui) = &mut app.ui {
            let focus_was_ours = ui.root.active_element().is_some();
            let dialog_was_open = ui.dialog_open();
            ui.hide_banner();
            ui.set_reopen(&app.config, app.lang, true);
            if dialog_was_open {
                ui.close_dialog();
            } else if focus_was_ours {
                ui.focus_reopen();
            }
            ui.announce(html::text(&app.config, app.lang, Text::Saved));
        }
        (previous, record)
    }) else {
        return;
    };
    let first = previous.is_none();
    apply(previous);
    send_receipt(Some(&record));
    dispatch(
        if first {
            "biscoito:consent"
        } else {
            "biscoito:change"
        },
        Some(&record),
    );
}

fn all_optional() -> Vec<String> {
    with_app(|app| {
        app.config
            .optional_categories()
            .map(|c| c.id.clone())
            .collect()
    })
    .unwrap_or_default()
}

fn open_preferences() {
    with_app(|app| {
        let (config, lang, record) = (&app.config, app.lang, app.record.as_ref());
        match (&mut app.ui, document()) {
            (Some(ui), Some(document)) => ui.open_dialog(&document, config, lang, record),
            (None, _) => app.dialog_wanted = true,
            _ => {}
        }
    });
}

fn close_preferences() {
    with_app(|app| {
        app.dialog_wanted = false;
        if let Some(ui) = &mut app.ui {
            if ui.dialog_open() {
                ui.close_dialog();
            }
        }
    });
}

fn run_action(action: &str) {
    match action {
        "accept-all" => decide(&all_optional(), Method::AcceptAll),
        "reject-all" => decide(&[], Method::RejectAll),
        "save" => {
            let on = with_app(|app| app.ui.as_ref().map(Ui::switched_on).unwrap_or_default())
                .unwrap_or_default();
            decide(&on, Method::Custom)
        }
        "preferences" => open_preferences(),
        "close" => close_preferences(),
        _ => {}
    }
}

fn closest_attribute(event: &Event, selector: &str, attribute: &str) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    target.closest(selector).ok()??.get_attribute(attribute)
}

fn wire_shadow_root(root: &web_sys::ShadowRoot) {
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if let Some(action) = closest_attribute(&event, "[data-action]", "data-action") {
            run_action(&action);
        }
    });
    let _ = root.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    let on_key = Closure::<dyn Fn(KeyboardEvent)>::new(|event: KeyboardEvent| {
        let key = event.key();
        if key == "Escape" {
            close_preferences();
        } else if key == "Tab" {
            let trapped = with_app(|app| {
                app.ui
                    .as_ref()
                    .is_some_and(|ui| ui.dialog_open() && ui.trap_tab(event.shift_key()))
            })
            .unwrap_or(false);
            if trapped {
                event.prevent_default();
            }
        }
    });
    let _ = root.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    on_key.forget();
    let on_change = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let Some(switch) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        with_app(|app| {
            let some = html::text(&app.config, app.lang, Text::SomeServices);
            if let Some(ui) = &app.ui {
                ui.follow_switch(&switch, some);
            }
        });
    });
    let _ = root.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
}

/// Listeners on the page itself, installed once however often `init` runs.
fn wire_page_once(window: &Window, document: &Document) {
    if PAGE_LISTENERS.with(|done| done.replace(true)) {
        return;
    }
    // Any element of the site marked data-biscoito="preferences" reopens the dialog.
    let on_click = Closure::<dyn Fn(Event)>::new(|event: Event| {
        if closest_attribute(&event, "[data-biscoito=\"preferences\"]", "data-biscoito").is_some() {
            event.prevent_default();
            open_preferences();
        }
    });
    let _ = document.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
    on_click.forget();
    // Keyboard focus must never land on page content hidden under the banner
    // (WCAG 2.4.11); the spacer guarantees there is room to scroll it clear.
    let on_focus = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target.id() == ui::HOST_ID {
            return;
        }
        let covered = with_app(|app| app.ui.as_ref().and_then(|ui| ui.covering(&target))).flatten();
        if let (Some(distance), Some(window)) = (covered, web_sys::window()) {
            window.scroll_by_with_x_and_y(0.0, distance);
        }
    });
    let _ = document.add_event_listener_with_callback("focusin", on_focus.as_ref().unchecked_ref());
    on_focus.forget();
    // Another tab changed the consent: follow it here too.
    let on_storage =
        Closure::<dyn Fn(web_sys::StorageEvent)>::new(|event: web_sys::StorageEvent| {
            let ours =
                with_app(|app| event.key().is_none_or(|k| k == app.store.key())).unwrap_or(false);
            if ours {
                follow_stored_record(false);
            }
        });
    let _ = window.add_event_listener_with_callback("storage", on_storage.as_ref().unchecked_ref());
    on_storage.forget();
    // A page restored from the back/forward cache missed every storage event
    // sent while it sat there: a revocation made on another page, a wider
    // choice, a new revision's banner, an expiry. Read the record again
    // before the page goes on. (Listening to `pageshow` keeps the page
    // eligible for that cache; an `unload` listener would not.)
    let on_page_show = Closure::<dyn Fn(web_sys::PageTransitionEvent)>::new(
        |event: web_sys::PageTransitionEvent| {
            if event.persisted() {
                follow_stored_record(true);
            }
        },
    );
    let _ =
        window.add_event_listener_with_callback("pageshow", on_page_show.as_ref().unchecked_ref());
    on_page_show.forget();
    // Single-page apps add gated scripts and embeds later.
    let on_mutation = Closure::<dyn Fn()>::new(release_pending);
    if let Ok(observer) = web_sys::MutationObserver::new(on_mutation.as_ref().unchecked_ref()) {
        let options = web_sys::MutationObserverInit::new();
        options.set_child_list(true);
        options.set_subtree(true);
        if let Some(root) = document.document_element() {
            let _ = observer.observe_with_options(&root, &options);
        }
    }
    on_mutation.forget();
}

/// Brings the page in line with the stored record, deciding as a page load
/// would (a GPC signal refuses where no record of this revision holds).
/// `shown_again` is a page the browser restored from the back/forward
/// cache: like a load, it clears a stale record and stores a GPC refusal,
/// and `apply` stops what already ran. Otherwise another tab wrote the
/// record: follow it, writing nothing back.
fn follow_stored_record(shown_again: bool) {
    let gpc = window().is_some_and(|w| gpc_enabled(&w));
    let Some((previous, current, made_here)) = with_app(|app| {
        let decision = evaluate(
            &app.config,
            read_stored(&app.store),
            now_ms(),
            gpc,
            new_consent_id,
            app.lang.code(),
        );
        if shown_again && decision.clear_stored {
            app.store.clear();
        }
        let current = decision.record;
        let unchanged = current == app.record;
        // A restored page goes on as a load would even when its record did
        // not change: pages elsewhere may have set cookies meanwhile under a
        // record this page has just set aside, and `apply` deletes them.
        if unchanged && !shown_again {
            return None;
        }
        if unchanged {
            return Some((app.record.clone(), current, false));
        }
        let made_here = shown_again && decision.store;
        if let (true, Some(record)) = (made_here, &current) {
            app.store.write(
                &record.to_json(),
                storage::seconds_until(now_ms(), record.expires_ms),
            );
        }
        let previous = std::mem::replace(&mut app.record, current.clone());
        if let Some(ui) = &app.ui {
            if current.is_some() {
                ui.hide_banner();
                ui.set_reopen(&app.config, app.lang, true);
            } else {
                ui.set_reopen(&app.config, app.lang, false);
                ui.show_banner(&app.config, app.lang);
            }
        }
        Some((previous, current, made_here))
    })
    .flatten() else {
        return;
    };
    let changed = previous != current;
    apply(previous);
    if made_here {
        send_receipt(current.as_ref());
    }
    if changed {
        dispatch("biscoito:change", current.as_ref());
    }
}

// ---- The exported API (window.Biscoito, and named exports of the ES module) ----

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

/// Starts Biscoito with the page's inline config. `gtag_shim` pushes its
/// real `arguments` to dataLayer. With `in_steps`, each call runs one step
/// of four, so that the caller can yield to the page between them (as one
/// task, boot blocks a slow phone's main thread for well over 50 ms), and
/// returns 0 when booted, 1 when another step follows, and 2 when another
/// step follows and the API now works (the state exists). Without it, boot
/// runs whole and returns 0. `init` during the steps replaces them.
#[wasm_bindgen]
pub fn boot(gtag_shim: Option<Function>, in_steps: Option<bool>) -> u8 {
    if in_steps == Some(true) {
        return boot_step(gtag_shim);
    }
    BOOT.set(None);
    while boot_step(gtag_shim.clone()) != 0 {}
    0
}

fn boot_step(gtag_shim: Option<Function>) -> u8 {
    let (next, code) = match BOOT.take() {
        None => match document() {
            Some(document) => {
                let (config, problems) = inline_config(&document);
                (Boot::Decide(Box::new(config), problems, gtag_shim), 1)
            }
            None => (Boot::Over, 0),
        },
        Some(Boot::Decide(config, problems, shim)) => match settle(*config, problems, shim) {
            Some(decided) => (Boot::Release(decided), 2),
            None => (Boot::Over, 0),
        },
        Some(Boot::Release(decided)) => {
            apply(None);
            (Boot::Draw(decided), 1)
        }
        Some(Boot::Draw(decided)) => {
            draw(decided);
            (Boot::Over, 0)
        }
        Some(Boot::Over) => (Boot::Over, 0),
    };
    // Steps run page code (released scripts, event listeners) that may call
    // init(), which boots to the end at once: this boot must not resume then.
    match BOOT.take() {
        None => {
            BOOT.set(Some(next));
            code
        }
        over => {
            BOOT.set(over);
            0
        }
    }
}

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
    // Placeholders are drawn again in the new language.
    if let (true, Some(document)) = (switched, document()) {
        gate::remove_placeholders(&document);
        release_pending();
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

#[cfg(test)]
mod tests;
