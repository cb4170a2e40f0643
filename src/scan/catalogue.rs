//! Known trackers, kept as data in `trackers.json` so that adding one is a
//! one-line change reviewed like any other text.

use crate::engine::config::host_matches;
use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
pub struct Tracker {
    pub provider: String,
    /// The category id configs usually give it.
    pub category: String,
    pub purpose: Purpose,
    /// "host", "*.host" or "host/path-prefix".
    hosts: Vec<String>,
    /// Exact names, or prefixes ending in `*`.
    cookies: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Purpose {
    pub en: String,
    #[serde(rename = "pt-BR")]
    pub pt_br: String,
}

#[derive(Deserialize)]
struct File {
    trackers: Vec<Tracker>,
}

pub fn trackers() -> &'static [Tracker] {
    static TRACKERS: OnceLock<Vec<Tracker>> = OnceLock::new();
    TRACKERS.get_or_init(|| {
        serde_json::from_str::<File>(include_str!("trackers.json"))
            .expect("src/scan/trackers.json is valid (a unit test reads it)")
            .trackers
    })
}

/// The tracker behind a cookie or storage key of this name.
pub fn by_name(name: &str) -> Option<&'static Tracker> {
    trackers().iter().find(|t| {
        t.cookies
            .iter()
            .any(|pattern| match pattern.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == pattern,
            })
    })
}

/// The tracker behind a request to `host` at `path`.
pub fn by_url(host: &str, path: &str) -> Option<&'static Tracker> {
    trackers().iter().find(|t| {
        t.hosts.iter().any(|entry| {
            let (pattern, prefix) = match entry.find('/') {
                Some(i) => entry.split_at(i),
                None => (entry.as_str(), ""),
            };
            host_matches(pattern, host) && path.starts_with(prefix)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_names_the_trackers_portals_carry() {
        assert!(trackers().len() >= 19);
        let named = |host: &str, path: &str| by_url(host, path).map(|t| t.provider.as_str());
        assert_eq!(
            named("www.googletagmanager.com", "/gtag/js"),
            Some("Google Analytics 4 (gtag.js)")
        );
        assert_eq!(
            named("www.googletagmanager.com", "/gtm.js"),
            Some("Google Tag Manager")
        );
        assert_eq!(
            named("region1.google-analytics.com", "/g/collect"),
            Some("Google Analytics 4 (gtag.js)")
        );
        assert_eq!(
            named("connect.facebook.net", "/en_US/fbevents.js"),
            Some("Meta Pixel (Facebook)")
        );
        assert_eq!(named("www.facebook.com", "/"), None);
        assert_eq!(named("static.hotjar.com", "/c/hotjar-1.js"), Some("Hotjar"));
        assert_eq!(
            named("www.youtube-nocookie.com", "/embed/x"),
            Some("YouTube (Google)")
        );
        assert_eq!(named("cdn.gov.br", "/"), None);
        // What Brazilian public portals load from the federal government.
        for (host, path) in [
            ("vlibras.gov.br", "/app/vlibras-plugin.js"),
            ("barra.sistema.gov.br", "/v1/barra.js"),
        ] {
            let found = by_url(host, path).unwrap_or_else(|| panic!("{host}"));
            assert_eq!(found.category, "necessary", "{host}");
        }
        let cookie = |name: &str| by_name(name).map(|t| t.provider.as_str());
        assert_eq!(cookie("_ga_ABC123"), Some("Google Analytics 4 (gtag.js)"));
        assert_eq!(cookie("_hjSessionUser_1"), Some("Hotjar"));
        assert_eq!(cookie("_fbp"), Some("Meta Pixel (Facebook)"));
        assert_eq!(cookie("JSESSIONID"), None);
        for t in trackers() {
            assert!(!t.purpose.en.is_empty() && !t.purpose.pt_br.is_empty());
        }
    }
}
