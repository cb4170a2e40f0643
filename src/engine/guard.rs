//! The guard: what happens to a tag nobody marked, once the browser edge
//! has held it because its host is a known tracker's (the catalogue,
//! `trackers.json`) or one the config declares.
//!
//! The browser cannot wait for this module to decide what to hold: the
//! parser runs on while the WebAssembly module loads. So the glue holds by
//! host alone (`guard-hosts.js`, generated from the same catalogue), and
//! this decides, with the config, what each held item waits for.

use super::config::Config;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Not held: this page's own host, a host a required category declares,
    /// or a host nobody knows.
    Pass,
    /// Held until this optional category or service is accepted; a service
    /// when one declares the host (the service decides, as with
    /// `data-service`), else its category.
    Declared { id: String, is_service: bool },
    /// A known tracker no category declares: held for good, since the
    /// visitor cannot consent to what the banner never named.
    Undeclared,
}

/// What a held item from `host` waits for. `known` says the catalogue knows
/// the host (the glue held it for that reason).
pub fn verdict(config: &Config, host: &str, page_host: &str, known: bool) -> Verdict {
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host == page_host.to_ascii_lowercase() {
        return Verdict::Pass;
    }
    let matches = |hosts: Vec<String>| {
        hosts
            .iter()
            .any(|pattern| super::config::host_matches(pattern, &host))
    };
    // A required category wins: the maintainer said the site needs it.
    if config
        .categories
        .iter()
        .any(|c| c.required && config.category_declares(c, &host))
    {
        return Verdict::Pass;
    }
    for category in config.categories.iter().filter(|c| !c.required) {
        if let Some(service) = category
            .services
            .iter()
            .find(|s| matches(config.declared_hosts(&s.id, &s.hosts)))
        {
            return Verdict::Declared {
                id: service.id.clone(),
                is_service: true,
            };
        }
    }
    for category in config.categories.iter().filter(|c| !c.required) {
        if matches(config.declared_hosts(&category.id, &category.hosts)) {
            return Verdict::Declared {
                id: category.id.clone(),
                is_service: false,
            };
        }
    }
    if known {
        Verdict::Undeclared
    } else {
        Verdict::Pass
    }
}

/// The host of a tag's src as the browser reads it: absolute,
/// protocol-relative ("//www.googletagmanager.com/…") or relative to
/// `page_host`. Lowercase, without user, port or brackets' contents changed.
pub fn host_of_src<'a>(src: &'a str, page_host: &'a str) -> std::borrow::Cow<'a, str> {
    // Bytes, not str patterns: those bring a substring searcher into the
    // bundle. Every boundary found is an ASCII byte, so slicing is sound.
    let src = src.trim();
    let bytes = src.as_bytes();
    let Some(at) = bytes.windows(2).position(|pair| pair == b"//") else {
        return page_host.into();
    };
    let is_scheme = bytes[..at]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"+-.:".contains(b));
    if !is_scheme {
        return page_host.into();
    }
    let start = at + 2;
    let end = bytes[start..]
        .iter()
        .position(|b| b"/?#\\".contains(b))
        .map_or(bytes.len(), |i| start + i);
    let start = bytes[start..end]
        .iter()
        .rposition(|&b| b == b'@')
        .map_or(start, |i| start + i + 1);
    let authority = &bytes[start..end];
    let end = start
        + if authority.first() == Some(&b'[') {
            authority
                .iter()
                .position(|&b| b == b']')
                .map_or(authority.len(), |i| i + 1)
        } else {
            authority
                .iter()
                .position(|&b| b == b':')
                .unwrap_or(authority.len())
        };
    src[start..end].to_ascii_lowercase().into()
}

/// Every host pattern an optional category or service declares: the glue
/// holds these too once the module has read the config.
pub fn declared_optional_hosts(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for category in config.categories.iter().filter(|c| !c.required) {
        out.extend(config.declared_hosts(&category.id, &category.hosts));
        for service in &category.services {
            out.extend(config.declared_hosts(&service.id, &service.hosts));
        }
    }
    out
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{config, json};

    fn config_of(text: &str) -> Config {
        config::from_value(&json::parse(text).unwrap()).unwrap()
    }

    const PORTAL: &str = r#"{"revision": 3, "categories": [
        {"id": "necessary", "required": true, "hosts": ["barra.sistema.gov.br", "vlibras.gov.br"]},
        {"id": "analytics", "services": [{"id": "google-analytics", "title": "Google Analytics"}]},
        {"id": "videos", "hosts": ["*.youtube-nocookie.com"],
         "services": [{"id": "youtube", "title": "YouTube", "hosts": ["www.youtube.com", "*.ytimg.com"]}]}]}"#;

    #[test]
    fn a_declared_host_waits_for_its_service_else_its_category() {
        let config = config_of(PORTAL);
        let page = "www.tjvs.jus.br";
        assert_eq!(
            verdict(&config, "www.youtube.com", page, true),
            Verdict::Declared {
                id: "youtube".into(),
                is_service: true
            }
        );
        assert_eq!(
            verdict(&config, "i.ytimg.com", page, false),
            Verdict::Declared {
                id: "youtube".into(),
                is_service: true
            }
        );
        assert_eq!(
            verdict(&config, "www.youtube-nocookie.com", page, false),
            Verdict::Declared {
                id: "videos".into(),
                is_service: false
            }
        );
        // The GA service declares no hosts: Google Analytics' own stand in.
        assert_eq!(
            verdict(&config, "www.googletagmanager.com", page, true),
            Verdict::Declared {
                id: "google-analytics".into(),
                is_service: true
            }
        );
    }

    #[test]
    fn required_own_and_unknown_hosts_pass_and_known_undeclared_ones_stay_held() {
        let config = config_of(PORTAL);
        let page = "www.tjvs.jus.br";
        assert_eq!(
            verdict(&config, "vlibras.gov.br", page, true),
            Verdict::Pass
        );
        assert_eq!(
            verdict(&config, "WWW.TJVS.JUS.BR", page, true),
            Verdict::Pass
        );
        assert_eq!(
            verdict(&config, "cdn.jsdelivr.net", page, false),
            Verdict::Pass
        );
        assert_eq!(
            verdict(&config, "connect.facebook.net", page, true),
            Verdict::Undeclared
        );
    }

    #[test]
    fn the_host_of_a_src_is_read_as_the_browser_reads_it() {
        let page = "www.tjvs.jus.br";
        for (src, host) in [
            (
                "https://www.googletagmanager.com/gtag/js?id=G-1",
                "www.googletagmanager.com",
            ),
            (
                "//connect.facebook.net/en_US/fbevents.js",
                "connect.facebook.net",
            ),
            (
                "HTTP://User:pw@WWW.YouTube.com:443/embed/x",
                "www.youtube.com",
            ),
            ("/assets/app.js", page),
            ("assets/app.js?u=//evil.example", page),
            ("https://[::1]:8080/x", "[::1]"),
        ] {
            assert_eq!(host_of_src(src, page), host, "{src}");
        }
    }

    #[test]
    fn with_no_config_the_default_statistics_declares_google_analytics() {
        let config = Config::default();
        assert_eq!(
            verdict(&config, "www.google-analytics.com", "portal.example", true),
            Verdict::Declared {
                id: "google-analytics".into(),
                is_service: true
            }
        );
        let mut hosts = declared_optional_hosts(&config);
        hosts.sort();
        assert_eq!(
            hosts,
            [
                "*.analytics.google.com",
                "*.google-analytics.com",
                "*.googletagmanager.com"
            ]
        );
    }
}
