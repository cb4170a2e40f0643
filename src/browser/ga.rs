//! Google Analytics with Consent Mode v2: nothing reaches Google before the
//! visitor opts in, and a revocation denies, disables and deletes.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Window;

use crate::engine::config::{Config, GoogleAnalytics, CONSENT_MODE_SIGNALS};
use crate::engine::policy::allows;
use crate::engine::record::Record;

const GTAG_URL: &str = "https://www.googletagmanager.com/gtag/js?id=";

/// Calls `gtag(args...)` through the shim the loader provides. The shim must
/// push the real `arguments` object: gtag.js ignores plain arrays.
fn gtag(shim: &Function, args: &[JsValue]) {
    let array = js_sys::Array::new();
    for a in args {
        array.push(a);
    }
    let _ = shim.apply(&JsValue::NULL, &array);
}

/// The consent-mode state object and a bit per granted signal, to compare states cheaply.
fn signals(
    ga: &GoogleAnalytics,
    config: &Config,
    record: Option<&Record>,
    force_denied: bool,
) -> (Object, u8) {
    let state = Object::new();
    let mut mask = 0u8;
    for (bit, signal) in CONSENT_MODE_SIGNALS.into_iter().enumerate() {
        let granted = !force_denied
            && ga
                .consent_mode
                .iter()
                .find(|(s, _)| s == signal)
                .is_some_and(|(_, needed)| {
                    allows(config, record, needed.iter().map(String::as_str))
                });
        if granted {
            mask |= 1 << bit;
        }
        let _ = Reflect::set(
            &state,
            &signal.into(),
            &(if granted { "granted" } else { "denied" }).into(),
        );
    }
    (state, mask)
}

fn disable_flag(ga: &GoogleAnalytics) -> JsValue {
    let mut name = String::from("ga-disable-");
    name.push_str(&ga.measurement_id);
    name.into()
}

pub struct Analytics {
    shim: Function,
    loaded: bool,
    /// The signals last sent (bit 0 is analytics_storage), so unchanged state is not resent.
    sent: u8,
}

impl Analytics {
    /// Sets every consent-mode signal to denied, before anything else can ask
    /// gtag for anything. Only touches the page's own dataLayer: no request.
    pub fn prepare(
        window: &Window,
        shim: Function,
        ga: &GoogleAnalytics,
        config: &Config,
    ) -> Analytics {
        gtag(
            &shim,
            &[
                "consent".into(),
                "default".into(),
                signals(ga, config, None, true).0.into(),
            ],
        );
        let _ = Reflect::set(window, &disable_flag(ga), &JsValue::TRUE);
        Analytics {
            shim,
            loaded: false,
            sent: 0,
        }
    }

    /// Brings consent mode in line with `record`, loading gtag.js the first
    /// time analytics is allowed. Returns true when access was withdrawn from
    /// a tag that had already loaded.
    pub fn apply(
        &mut self,
        window: &Window,
        ga: &GoogleAnalytics,
        config: &Config,
        record: Option<&Record>,
    ) -> bool {
        let (state, mask) = signals(ga, config, record, false);
        let analytics_granted = mask & 1 == 1;
        if mask == self.sent {
            return false;
        }
        self.sent = mask;
        // Before gtag.js has loaded, the queued default (all denied) stands
        // until analytics is granted: no need to queue anything else.
        if !self.loaded && !analytics_granted {
            return false;
        }
        gtag(
            &self.shim,
            &["consent".into(), "update".into(), state.into()],
        );
        let _ = Reflect::set(
            window,
            &disable_flag(ga),
            &JsValue::from_bool(!analytics_granted),
        );
        if analytics_granted && !self.loaded {
            self.loaded = true;
            gtag(&self.shim, &["js".into(), js_sys::Date::new_0().into()]);
            gtag(
                &self.shim,
                &["config".into(), ga.measurement_id.as_str().into()],
            );
            if let Some(document) = window.document() {
                if let Ok(script) = document.create_element("script") {
                    let script: web_sys::HtmlScriptElement = script.unchecked_into();
                    script.set_async(true);
                    // Biscoito's own release: the guard lets it pass.
                    let _ = script.set_attribute("data-biscoito-state", "released");
                    let mut src = String::from(GTAG_URL);
                    src.push_str(&ga.measurement_id);
                    script.set_src(&src);
                    if let Some(head) = document.head() {
                        let _ = head.append_child(&script);
                    }
                }
            }
            return false;
        }
        self.loaded && !analytics_granted
    }
}
