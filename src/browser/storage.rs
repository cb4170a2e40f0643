//! Where the consent record lives: localStorage (through gloo-storage), else
//! a first-party cookie, else memory for the life of the page. Storage that
//! throws, is full or is blocked never stops the banner: it only means the
//! visitor may be asked again.

use gloo_storage::{LocalStorage, Storage};
use wasm_bindgen::JsCast;
use web_sys::HtmlDocument;

use crate::engine::config::{CookieMirror, SameSite, StorageSettings};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    Local,
    Cookie,
    Memory,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Local => "localStorage",
            Backend::Cookie => "cookie",
            Backend::Memory => "memory",
        }
    }
}

pub struct Store {
    pub backend: Backend,
    key: String,
    /// The host-only cookie that holds the record when localStorage cannot.
    /// Never the mirror's name: two cookies of one name, one host-only and
    /// one on the parent domain, are read in an order the page does not
    /// choose, and the older one could hide a sibling's revocation.
    fallback_cookie: String,
    mirror: Option<CookieMirror>,
    memory: Option<String>,
}

/// Most receipts kept waiting for the service: the newest are kept.
const MOST_UNSENT: usize = 10;

const DAY_SECONDS: u64 = 86_400;

fn html_document() -> Option<HtmlDocument> {
    web_sys::window()?.document()?.dyn_into().ok()
}

/// gloo-storage panics (throws) when localStorage is missing, so look for it
/// through web-sys first. Only reading is checked: a test write on every page
/// view would be a storage event in every other open tab of the site.
fn local_storage_readable() -> bool {
    web_sys::window().is_some_and(|w| matches!(w.local_storage(), Ok(Some(_))))
}

pub fn read_cookie(name: &str) -> Option<String> {
    read_cookies(name).into_iter().next()
}

/// The values of every cookie called `name` the page sees, in the browser's
/// order (longest path first, then oldest).
fn read_cookies(name: &str) -> Vec<String> {
    let Some(all) = html_document().and_then(|d| d.cookie().ok()) else {
        return Vec::new();
    };
    all.split(';')
        .filter_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            if k.trim() == name {
                js_sys::decode_uri_component(v.trim())
                    .ok()
                    .map(String::from)
            } else {
                None
            }
        })
        .collect()
}

pub fn cookie_names() -> Vec<String> {
    let Some(all) = html_document().and_then(|d| d.cookie().ok()) else {
        return Vec::new();
    };
    all.split(';')
        .map(|pair| {
            pair.split_once('=')
                .map_or(pair, |(name, _)| name)
                .trim()
                .to_owned()
        })
        .filter(|name| !name.is_empty())
        .collect()
}

/// Writes a raw `Set-Cookie`-style string; returns false when the page forbids cookies.
pub fn write_cookie(spec: &str) -> bool {
    html_document().is_some_and(|d| d.set_cookie(spec).is_ok())
}

fn is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

fn cookie_spec(
    name: &str,
    value: Option<&str>,
    max_age_seconds: u64,
    mirror: Option<&CookieMirror>,
) -> String {
    let mut spec = String::from(name);
    spec.push('=');
    if let Some(value) = value {
        spec.push_str(&String::from(js_sys::encode_uri_component(value)));
    }
    spec.push_str("; Path=");
    spec.push_str(mirror.map_or("/", |m| m.path.as_str()));
    if let Some(domain) = mirror.and_then(|m| m.domain.as_deref()) {
        spec.push_str("; Domain=");
        spec.push_str(domain);
    }
    spec.push_str("; Max-Age=");
    crate::engine::json::push_decimal(&mut spec, max_age_seconds);
    let same_site = mirror.map_or(SameSite::Lax, |m| m.same_site);
    spec.push_str("; SameSite=");
    spec.push_str(same_site.as_str());
    if mirror.and_then(|m| m.secure).unwrap_or_else(is_https) || same_site == SameSite::None {
        spec.push_str("; Secure");
    }
    spec
}

impl Store {
    /// Writes nothing: which backend takes the record is settled by the first
    /// real write, which falls down the chain (localStorage, cookie, memory).
    pub fn open(settings: &StorageSettings) -> Store {
        let backend = if local_storage_readable() {
            Backend::Local
        } else {
            Backend::Cookie
        };
        let fallback_cookie = match &settings.cookie {
            Some(mirror) if mirror.name == settings.key => {
                let mut name = settings.key.clone();
                name.push_str(crate::engine::config::FALLBACK_COOKIE_SUFFIX);
                name
            }
            _ => settings.key.clone(),
        };
        Store {
            backend,
            key: settings.key.clone(),
            fallback_cookie,
            mirror: settings.cookie.clone(),
            memory: None,
        }
    }

    /// This host's own copy: localStorage, or the fallback cookie.
    pub fn read(&self) -> Option<String> {
        match self.backend {
            // A page view whose localStorage write failed left the record in
            // the cookie: it still counts once localStorage takes writes again.
            Backend::Local => LocalStorage::raw()
                .get_item(&self.key)
                .ok()
                .flatten()
                .or_else(|| read_cookie(&self.fallback_cookie)),
            Backend::Cookie => read_cookie(&self.fallback_cookie),
            Backend::Memory => self.memory.clone(),
        }
    }

    /// Every cookie named like the mirror that this page sees. Any host
    /// under the mirror's domain can write one, with a longer path that puts
    /// it first, so each is handed to the policy, which trusts none of them
    /// to widen consent (`engine::policy::follow_mirror`).
    pub fn read_mirrors(&self) -> Vec<String> {
        self.mirror
            .as_ref()
            .map(|m| read_cookies(&m.name))
            .unwrap_or_default()
    }

    pub fn trusts_every_host(&self) -> bool {
        self.mirror.as_ref().is_some_and(|m| m.trust_every_host)
    }

    /// Stores `value` until `max_age_seconds` from now, here and in the
    /// mirror. Falls down the chain on failure.
    pub fn write(&mut self, value: &str, max_age_seconds: u64) {
        self.write_here(value, max_age_seconds);
        if let Some(mirror) = &self.mirror {
            write_cookie(&cookie_spec(
                &mirror.name,
                Some(value),
                max_age_seconds,
                Some(mirror),
            ));
        }
    }

    /// Stores `value` in this host's storage only, leaving the mirror as it is.
    pub fn write_here(&mut self, value: &str, max_age_seconds: u64) {
        if self.backend == Backend::Local {
            if LocalStorage::raw().set_item(&self.key, value).is_ok() {
                self.forget_cookie_copy();
            } else {
                self.backend = Backend::Cookie;
            }
        }
        if self.backend == Backend::Cookie
            && !(write_cookie(&cookie_spec(
                &self.fallback_cookie,
                Some(value),
                max_age_seconds,
                None,
            )) && read_cookie(&self.fallback_cookie).is_some())
        {
            self.backend = Backend::Memory;
        }
        if self.backend == Backend::Memory {
            self.memory = Some(value.to_owned());
        }
    }

    /// Deletes this host's copy.
    pub fn clear(&mut self) {
        match self.backend {
            Backend::Local => {
                LocalStorage::delete(&self.key);
                self.forget_cookie_copy();
            }
            Backend::Cookie => {
                write_cookie(&cookie_spec(&self.fallback_cookie, None, 0, None));
            }
            Backend::Memory => self.memory = None,
        }
        // The mirror is left alone: what made this host's copy stale (an
        // older revision, an expiry) says nothing of a sibling's record
        // there, and the mirror expires with the record it holds.
    }

    /// An older fallback copy must not outlive the record that replaced or cleared it.
    fn forget_cookie_copy(&self) {
        if read_cookie(&self.fallback_cookie).is_some() {
            write_cookie(&cookie_spec(&self.fallback_cookie, None, 0, None));
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Where the receipts not yet acknowledged wait (see `unsent_receipts`).
    pub fn unsent_key(&self) -> String {
        let mut key = self.key.clone();
        key.push_str(crate::engine::config::UNSENT_RECEIPTS_SUFFIX);
        key
    }
}

/// Receipts sent and not yet acknowledged with a 2xx, oldest first: kept in
/// localStorage under `key`, one per line (a receipt's JSON has no raw line
/// break), so that a later page view sends them again.
pub fn unsent_receipts(key: &str) -> Vec<String> {
    if !local_storage_readable() {
        return Vec::new();
    }
    LocalStorage::raw()
        .get_item(key)
        .ok()
        .flatten()
        .map(|text| text.lines().map(String::from).collect())
        .unwrap_or_default()
}

/// Keeps the newest `MOST_UNSENT` of `receipts`; false when storage refused.
pub fn keep_unsent_receipts(key: &str, mut receipts: Vec<String>) -> bool {
    let excess = receipts.len().saturating_sub(MOST_UNSENT);
    receipts.drain(..excess);
    let mut text = String::new();
    for receipt in &receipts {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(receipt);
    }
    local_storage_readable()
        && if text.is_empty() {
            LocalStorage::raw().remove_item(key).is_ok()
        } else {
            LocalStorage::raw().set_item(key, &text).is_ok()
        }
}

/// Keeps the cookie a server turns into a Content-Security-Policy in line
/// with `record` (`engine::csp`): written with the record's expiry, deleted
/// when no consent is in force.
pub fn write_csp_cookie(
    config: &crate::engine::config::Config,
    record: Option<&crate::engine::record::Record>,
) {
    let name = if is_https() {
        crate::engine::csp::SECURE_COOKIE
    } else {
        crate::engine::csp::PLAIN_COOKIE
    };
    let value = record.map(|r| crate::engine::csp::consent_cookie(config, r));
    let max_age = record.map_or(0, |r| {
        seconds_until(js_sys::Date::now() as u64, r.expires_ms)
    });
    // Path=/, SameSite=Lax, Secure on https: what the __Host- prefix asks.
    write_cookie(&cookie_spec(name, value.as_deref(), max_age, None));
}

/// Seconds from `now_ms` to `expires_ms`, at least one and at most the longest allowed expiry.
pub fn seconds_until(now_ms: u64, expires_ms: u64) -> u64 {
    (expires_ms.saturating_sub(now_ms) / 1000)
        .clamp(1, crate::engine::config::MAX_EXPIRY_DAYS * DAY_SECONDS)
}
