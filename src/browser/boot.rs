//! Starting on a page: the config, the stored record and the browser's
//! signals decide what is in force, what it allows is released, then the
//! interface is drawn, in steps the loader can yield between.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::{Document, Window};

use super::*;
use crate::engine::config::{self, Config};
use crate::engine::i18n;
use crate::engine::json::Value;

/// Where a boot in steps stands between two of them.
pub(super) enum Boot {
    Decide(Box<Config>, Vec<String>, Option<Function>),
    Release(Decided),
    Draw(Decided),
    /// Booted, or replaced by `init`: later steps do nothing.
    Over,
}

/// What the decision step leaves for the drawing step.
pub(super) struct Decided {
    /// A record made at load (from GPC): its receipt and event follow "ready".
    made_at_load: bool,
}

thread_local! {
    static BOOT: Cell<Option<Boot>> = const { Cell::new(None) };
}

/// Validates a config, reporting each problem on the console. Invalid
/// configs are replaced whole by the default: never a partial, never an opt-in.
pub(super) fn checked_config(value: Result<Value, String>) -> (Config, Vec<String>) {
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

pub(super) fn inline_config(document: &Document) -> (Config, Vec<String>) {
    let Some(element) = document.get_element_by_id("biscoito-config") else {
        return (Config::default(), Vec::new());
    };
    checked_config(parse_json(&element.text_content().unwrap_or_default()))
}

pub(super) fn page_language(document: &Document) -> Option<String> {
    document.document_element()?.get_attribute("lang")
}

pub(super) fn browser_languages(window: &Window) -> Vec<String> {
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
pub(super) fn gpc_enabled(window: &Window) -> bool {
    Reflect::get(&window.navigator(), &"globalPrivacyControl".into()).ok() == Some(JsValue::TRUE)
}

/// Starts at once with `config`, dropping any boot still in progress.
pub(super) fn start(config: Config, problems: Vec<String>, shim: Option<Function>) {
    BOOT.set(Some(Boot::Decide(Box::new(config), problems, shim)));
    while boot_step(None) != 0 {}
}

/// Decides from the config and the stored record, and makes the state the
/// API works on. Nothing optional is released here.
pub(super) fn settle(
    config: Config,
    problems: Vec<String>,
    shim: Option<Function>,
) -> Option<Decided> {
    let window = window()?;
    let document = window.document()?;
    let lang = i18n::negotiate(
        config.language,
        page_language(&document).as_deref(),
        &browser_languages(&window),
    );
    let mut store = Store::open(&config.storage);
    let decision = decide_from_storage(&config, &store, gpc_enabled(&window), lang.code());
    if let Some(why) = decision.discarded {
        let mut line = String::from("biscoito: stored consent set aside (");
        line.push_str(why.as_str());
        line.push_str("); nothing optional runs until the visitor chooses again");
        web_sys::console::info_1(&line.into());
    }
    if decision.clear_stored {
        store.clear();
    }
    store_decision(&mut store, &decision);
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
    super::guard::start(&config);
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
pub(super) fn draw(decided: Decided) {
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
    } else {
        send_unsent_receipts();
    }
}

/// What a step of a boot tells the loader, as bits. `MORE`: another step
/// follows, after a yield to the page. `API`: the state exists, publish the
/// API. `NOW`: another step follows in this same task, with no yield.
pub(super) const MORE: u8 = 1;
pub(super) const API: u8 = 2;
pub(super) const NOW: u8 = 4;

/// Starts Biscoito with the page's inline config. `gtag_shim` pushes its
/// real `arguments` to dataLayer. With `in_steps`, each call runs one step
/// and returns what follows ([`MORE`], [`API`], [`NOW`]; 0 when booted), so
/// that the caller can yield to the page between steps: as one task, a first
/// visit's boot blocks a slow phone's main thread for well over 50 ms. A
/// returning visitor with consent in force has little to do (read the config,
/// decide, release, draw the reopen button) and does it as one task, before
/// anything is drawn. Without `in_steps`, boot runs whole and returns 0.
/// `init` during the steps replaces them.
#[wasm_bindgen]
pub fn boot(gtag_shim: Option<Function>, in_steps: Option<bool>) -> u8 {
    if in_steps == Some(true) {
        return boot_step(gtag_shim);
    }
    BOOT.set(None);
    while boot_step(gtag_shim.clone()) != 0 {}
    0
}

/// After deciding: a visitor whose stored consent is in force goes on at
/// once; a first visit yields before its longer steps.
fn next_after_decision() -> u8 {
    if with_app(|app| app.record.is_some()).unwrap_or(false) {
        NOW
    } else {
        MORE
    }
}

pub(super) fn boot_step(gtag_shim: Option<Function>) -> u8 {
    let decide = |config: Config, problems: Vec<String>, shim: Option<Function>| match settle(
        config, problems, shim,
    ) {
        Some(decided) => (Boot::Release(decided), API | next_after_decision()),
        None => (Boot::Over, 0),
    };
    let (next, code) = match BOOT.take() {
        None => match document() {
            Some(document) => {
                let (config, problems) = inline_config(&document);
                decide(config, problems, gtag_shim)
            }
            None => (Boot::Over, 0),
        },
        Some(Boot::Decide(config, problems, shim)) => decide(*config, problems, shim),
        Some(Boot::Release(decided)) => {
            apply(None);
            (Boot::Draw(decided), next_after_decision())
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
