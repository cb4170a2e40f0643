//! The page's consent state: recording a decision, bringing the page in
//! line with it (release, Consent Mode, cookies, reload on revocation),
//! following a decision made elsewhere, and the listeners that lead there.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CustomEvent, CustomEventInit, Document, Element, Event, HtmlElement, KeyboardEvent, Window,
};

use super::*;
use crate::engine::declaration;
use crate::engine::html;
use crate::engine::i18n::Text;
use crate::engine::policy::{allows, category_list, cookie_doomed, revoked};
use crate::engine::record::Method;

thread_local! {
    static PAGE_LISTENERS: RefCell<bool> = const { RefCell::new(false) };
    /// The last input was a press of a pointer (mouse, finger, pen), not a key.
    static POINTER_INPUT: RefCell<bool> = const { RefCell::new(false) };
}

pub(super) fn record_object(record: Option<&Record>) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    record
        .and_then(|r| serde::Serialize::serialize(&r.view(), &serializer).ok())
        .unwrap_or(JsValue::NULL)
}

pub(super) fn dispatch(name: &str, record: Option<&Record>) {
    let Some(document) = document() else { return };
    let init = CustomEventInit::new();
    init.set_detail(&record_object(record));
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = document.dispatch_event(&event);
    }
}

/// Brings the page in line with the current record: releases what is now
/// allowed, updates Google's consent mode, deletes the cookies of refused
/// categories, and reloads when something already running lost its consent.
pub(super) fn apply(previous: Option<Record>) {
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
    if config.csp {
        storage::write_csp_cookie(&config, record.as_ref());
    }
    show_declarations();
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

/// Fills each `data-biscoito="declaration"` of the policy page with the
/// cookie declaration (engine::declaration), in the page's light DOM; later,
/// only its part that shows the visitor's choice.
pub(super) fn show_declarations() {
    let Some((config, lang, record)) =
        with_app(|app| (app.config.clone(), app.lang, app.record.clone()))
    else {
        return;
    };
    let (config, record) = (&*config, record.as_ref());
    let Some(document) = document() else { return };
    let Ok(list) = document.query_selector_all("[data-biscoito=\"declaration\"]") else {
        return;
    };
    for i in 0..list.length() {
        let Some(host) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let drawn_in = host.get_attribute("data-lang");
        let part = host.query_selector("[data-part=\"choice\"]").ok().flatten();
        match part {
            Some(part) if drawn_in.as_deref() == Some(lang.code()) => {
                part.set_inner_html(&declaration::choice(config, lang, record));
            }
            _ => {
                if i == 0 {
                    ui::adopt_declaration_style(&document);
                }
                host.set_inner_html(&declaration::html(
                    config,
                    lang,
                    declaration::Reader::Visitor(record),
                ));
                let _ = host.set_attribute("data-lang", lang.code());
                let _ = host.set_attribute("lang", lang.code());
            }
        }
    }
}

/// Marks, for a moment, the embed a placeholder's button was pressed for.
pub(super) const FOCUS_MARK: &str = "data-biscoito-focus";
pub(super) const FOCUS_MARKED: &str = "[data-biscoito-focus]";

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
pub(super) fn allow_more(categories: &str) {
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
pub(super) fn show_placeholders(embeds: &[Element]) {
    if embeds.is_empty() {
        return;
    }
    ALLOW_EMBED.with(|on_click| {
        with_app(|app| {
            let Some(ui) = &app.ui else { return };
            for embed in embeds {
                let categories = gate::needs(&app.config, embed);
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
pub(super) fn release_pending() {
    let Some(document) = document() else { return };
    // Runs on every DOM mutation, so it borrows the state per element instead
    // of cloning the config; gate::release decides everything before running any script.
    let judge = |element: &Element| {
        with_app(|app| {
            let needs = gate::needs(&app.config, element);
            let allowed = allows(&app.config, app.record.as_ref(), category_list(&needs));
            (needs, allowed)
        })
        .unwrap_or_default()
    };
    with_app(|app| guard::judge_new(&app.config, &document));
    let (released, waiting_embeds) = gate::release(&document, &judge);
    guard::release_detached(&|element| judge(element).1);
    if !released.is_empty() {
        with_app(|app| app.released.extend(released));
    }
    show_placeholders(&waiting_embeds);
}

/// Sends the receipt of `record`, keeping it until the service answers 2xx
/// (a beacon never learns the answer): on later page views too
/// (`send_unsent_receipts`). The service stores a receipt sent twice once.
pub(super) fn send_receipt(record: Option<&Record>) {
    let Some(record) = record else { return };
    let Some(window) = window() else { return };
    let Some((url, key)) = receipts_at() else {
        return;
    };
    let receipt = record.receipt_json(&window.location().href().unwrap_or_default());
    let mut unsent = storage::unsent_receipts(&key);
    unsent.push(receipt.clone());
    if storage::keep_unsent_receipts(&key, unsent) {
        send_oldest_unsent(url, key);
    } else {
        // Nowhere to keep it: sent once, as a beacon would be, its answer
        // heard by no one (it must not forget the one on its way).
        post(&url, &receipt, false);
    }
}

/// The receipts service's URL and where unsent receipts wait, if receipts are on.
fn receipts_at() -> Option<(String, String)> {
    with_app(|app| Some((app.config.receipt_url.clone()?, app.store.unsent_key()))).flatten()
}

/// At each page view: whatever earlier ones could not deliver.
pub(super) fn send_unsent_receipts() {
    if let Some((url, key)) = receipts_at() {
        send_oldest_unsent(url, key);
    }
}

thread_local! {
    /// The receipt on its way (with the service's URL and the list's key):
    /// one at a time, so that an answer is known to be this one's, and a
    /// 2xx forgets exactly it.
    static IN_FLIGHT: RefCell<Option<(String, String, String)>> = const { RefCell::new(None) };
    static ON_ANSWER: JsValue = Closure::<dyn Fn(JsValue)>::new(|response: JsValue| {
        let status = Reflect::get(&response, &"status".into())
            .ok()
            .and_then(|s| s.as_f64())
            .unwrap_or(0.0) as u16;
        // A 2xx took it; a 4xx other than a timeout or the rate limit is
        // final (the service will never take this body), so it goes too.
        // (fetch follows redirects: no 3xx ends up here.)
        let done = (200..500).contains(&status) && status != 408 && status != 429;
        let in_flight = IN_FLIGHT.take();
        if let (true, Some((url, key, receipt))) = (done, in_flight) {
            let mut unsent = storage::unsent_receipts(&key);
            if let Some(at) = unsent.iter().position(|r| *r == receipt) {
                unsent.remove(at);
                storage::keep_unsent_receipts(&key, unsent);
            }
            send_oldest_unsent(url, key);
        }
    })
    .into_js_value();
    /// A network failure keeps what is unsent for a later page view, and must
    /// not surface as an unhandled rejection.
    static ON_FAILURE: JsValue = Closure::<dyn Fn(JsValue)>::new(|_: JsValue| {
        IN_FLIGHT.take();
    })
    .into_js_value();
}

fn send_oldest_unsent(url: String, key: String) {
    if IN_FLIGHT.with_borrow(Option::is_some) {
        return;
    }
    let Some(receipt) = storage::unsent_receipts(&key).into_iter().next() else {
        return;
    };
    post(&url, &receipt, true);
    IN_FLIGHT.set(Some((url, key, receipt)));
}

fn post(url: &str, receipt: &str, heard: bool) {
    let Some(window) = window() else { return };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    // A string body is text/plain: a simple request, no CORS preflight to
    // fail. keepalive lets it finish after the page is left; no cookie goes
    // with it.
    init.set_body(&JsValue::from_str(receipt));
    let _ = Reflect::set(&init, &"keepalive".into(), &true.into());
    init.set_credentials(web_sys::RequestCredentials::Omit);
    ON_ANSWER.with(|on_answer| {
        ON_FAILURE.with(|on_failure| {
            window
                .fetch_with_str_and_init(url, &init)
                .unchecked_ref::<Answer>()
                .then_or_else(if heard { on_answer } else { on_failure }, on_failure);
        })
    });
}

#[wasm_bindgen]
extern "C" {
    /// A fetch's promise, taking the two functions above.
    type Answer;
    #[wasm_bindgen(method, js_name = then)]
    fn then_or_else(this: &Answer, on_answer: &JsValue, on_failure: &JsValue);
}

/// Records a decision, updates the interface and the page, and tells listeners.
pub(super) fn decide(accepted: &[String], method: Method) {
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
    // The page came with the policy of the choice before: one that allows
    // more takes effect with the next page, so it is fetched once now.
    let widened = with_app(|app| {
        app.config.csp && !revoked(&app.config, Some(&record), previous.as_ref()).is_empty()
    })
    .unwrap_or(false);
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
    if let (true, Some(window)) = (widened, window()) {
        let _ = window.location().reload();
    }
}

pub(super) fn all_optional() -> Vec<String> {
    with_app(|app| {
        app.config
            .optional_categories()
            .map(|c| c.id.clone())
            .collect()
    })
    .unwrap_or_default()
}

pub(super) fn open_preferences() {
    with_app(|app| {
        let (config, lang, record) = (&app.config, app.lang, app.record.as_ref());
        match (&mut app.ui, document()) {
            (Some(ui), Some(document)) => ui.open_dialog(&document, config, lang, record),
            (None, _) => app.dialog_wanted = true,
            _ => {}
        }
    });
}

pub(super) fn close_preferences() {
    with_app(|app| {
        app.dialog_wanted = false;
        if let Some(ui) = &mut app.ui {
            if ui.dialog_open() {
                ui.close_dialog();
            }
        }
    });
}

pub(super) fn run_action(action: &str) {
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

pub(super) fn closest_attribute(event: &Event, selector: &str, attribute: &str) -> Option<String> {
    let target: Element = event.target()?.dyn_into().ok()?;
    target.closest(selector).ok()??.get_attribute(attribute)
}

pub(super) fn wire_shadow_root(root: &web_sys::ShadowRoot) {
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
pub(super) fn wire_page_once(window: &Window, document: &Document) {
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
    // Not focus from a pointer: a press of the mouse or a finger focuses a
    // button or link before it is released, and scrolling it away then sent
    // the release elsewhere, so a control partly under the banner lost its
    // click. (Not `:focus-visible`: a focusin names the host of a shadow root
    // that holds the focus, and a host never matches it.)
    let on_input = Closure::<dyn Fn(Event)>::new(|event: Event| {
        POINTER_INPUT.with(|pointer| pointer.replace(event.type_() == "pointerdown"));
    });
    for kind in ["pointerdown", "keydown"] {
        let _ = document.add_event_listener_with_callback_and_bool(
            kind,
            on_input.as_ref().unchecked_ref(),
            true,
        );
    }
    on_input.forget();
    let on_focus = Closure::<dyn Fn(Event)>::new(|event: Event| {
        let Some(target) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if target.id() == ui::HOST_ID || POINTER_INPUT.with(|pointer| *pointer.borrow()) {
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
pub(super) fn follow_stored_record(shown_again: bool) {
    let gpc = window().is_some_and(|w| gpc_enabled(&w));
    let Some((previous, current, made_here)) = with_app(|app| {
        let decision = decide_from_storage(&app.config, &app.store, gpc, app.lang.code());
        if shown_again && decision.clear_stored {
            app.store.clear();
        }
        let current = decision.record.clone();
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
        if made_here {
            store_decision(&mut app.store, &decision);
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
