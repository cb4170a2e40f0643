//! A Content-Security-Policy that follows the visitor's choice. With
//! `"csp": true` the banner keeps a small cookie naming the revision and what
//! is accepted (`consent_cookie`); the server turns it into a policy whose
//! host lists hold the page's own origin, the hosts of required categories
//! and those of what the cookie says is accepted (`Policy`), so that the
//! browser itself refuses every other request: tags written in the HTML and
//! fetched by the preload scanner, `fetch`, `sendBeacon` and pixels alike.
//!
//! The cookie carries no identifier, and proves nothing: the visitor can
//! write it, and a forged one only widens the policy of the forger's own
//! pages. A cookie of another revision, or none, gets the strict policy.

use super::config::Config;
use super::record::Record;

/// The cookie's name on https, where the `__Host-` prefix makes it
/// host-only, `Secure` and `Path=/`: a sibling subdomain cannot set it.
pub const SECURE_COOKIE: &str = "__Host-biscoito-csp";
/// Its name on plain http (local tests, intranets), where no prefix is allowed.
pub const PLAIN_COOKIE: &str = "biscoito-csp";

/// The cookie's value: the revision, then each optional category accepted
/// whole and each optional service accepted, in the config's order, joined
/// by dots (`"4.analytics.google-analytics"`; `"4"` when nothing is).
pub fn consent_cookie(config: &Config, record: &Record) -> String {
    let mut value = String::new();
    super::json::push_decimal(&mut value, record.revision);
    for category in &config.categories {
        if category.required {
            continue;
        }
        if record.accepted(&category.id) {
            value.push('.');
            value.push_str(&category.id);
        }
        for service in &category.services {
            if record.service_accepted(&service.id, &category.id) {
                value.push('.');
                value.push_str(&service.id);
            }
        }
    }
    value
}

#[cfg(not(target_arch = "wasm32"))]
pub use policy::*;

#[cfg(not(target_arch = "wasm32"))]
mod policy {
    use super::super::config::Config;

    /// The directives the policy governs: what can load or send the
    /// visitor's address elsewhere.
    pub const DIRECTIVES: [&str; 4] = ["script-src", "img-src", "frame-src", "connect-src"];

    /// One optional category or service and the hosts it opens when the
    /// cookie names it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Opening {
        pub id: String,
        pub sources: Vec<String>,
    }

    /// Everything a server needs to build the header for any cookie.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Policy {
        pub revision: u64,
        /// The directives of the strict policy, in order, each with its
        /// sources: what every visitor gets, chosen or not.
        pub strict: Vec<(String, Vec<String>)>,
        /// What each accepted category or service adds to `DIRECTIVES`.
        pub openings: Vec<Opening>,
    }

    /// A config's hosts as CSP host sources: "*.x" stands for x and its
    /// subdomains, which CSP writes as two sources.
    fn sources_of(hosts: &[String]) -> Vec<String> {
        let mut sources = Vec::new();
        for host in hosts {
            let mut add = |source: String| {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            };
            match host.strip_prefix("*.") {
                Some(parent) => {
                    add(parent.to_owned());
                    add(host.clone());
                }
                None => add(host.clone()),
            }
        }
        sources
    }

    /// Splits a policy into its directives, names lowercased.
    fn directives_of(policy: &str) -> Vec<(String, Vec<String>)> {
        policy
            .split(';')
            .filter_map(|directive| {
                let mut tokens = directive.split_ascii_whitespace();
                let name = tokens.next()?.to_ascii_lowercase();
                Some((name, tokens.map(String::from).collect()))
            })
            .collect()
    }

    impl Policy {
        /// The policy for `config`, merged into the maintainer's own
        /// `base` (whose other directives are kept as they are). Without a
        /// base, scripts may also be inline (`'unsafe-inline'`): the page's
        /// own inline code keeps running, and so does an injected one, so
        /// a site that can do without should give a base.
        pub fn new(config: &Config, base: Option<&str>) -> Result<Policy, String> {
            let base = base.map(directives_of).unwrap_or_default();
            for (name, sources) in &base {
                if sources
                    .iter()
                    .any(|s| s.contains(['"', '\'']) && !s.starts_with('\''))
                {
                    return Err(format!(
                        "--base-policy: {name} has a source with a stray quote"
                    ));
                }
            }
            let default_src = base
                .iter()
                .find(|(n, _)| n == "default-src")
                .map(|(_, s)| s.clone());
            let required: Vec<String> = config
                .categories
                .iter()
                .filter(|c| c.required)
                .flat_map(|c| {
                    c.hosts
                        .iter()
                        .chain(c.services.iter().flat_map(|s| &s.hosts))
                })
                .cloned()
                .collect();
            let required = sources_of(&required);
            let mut strict = Vec::new();
            for (name, sources) in &base {
                if !DIRECTIVES.contains(&name.as_str()) {
                    strict.push((name.clone(), sources.clone()));
                }
            }
            for directive in DIRECTIVES {
                let mut sources = base
                    .iter()
                    .find(|(n, _)| n == directive)
                    .map(|(_, s)| s.clone())
                    .or_else(|| default_src.clone())
                    .unwrap_or_else(|| vec!["'self'".to_owned()]);
                if sources.iter().any(|s| s == "'none'") {
                    sources.retain(|s| s != "'none'");
                }
                if !sources.iter().any(|s| s == "'self'") {
                    sources.insert(0, "'self'".to_owned());
                }
                if directive == "script-src" {
                    // Biscoito itself is a WebAssembly module.
                    sources.push("'wasm-unsafe-eval'".to_owned());
                    if base.is_empty() {
                        sources.push("'unsafe-inline'".to_owned());
                    }
                }
                for source in &required {
                    if !sources.contains(source) {
                        sources.push(source.clone());
                    }
                }
                strict.push((directive.to_owned(), sources));
            }
            let mut openings = Vec::new();
            for category in config.categories.iter().filter(|c| !c.required) {
                let hosts = config.declared_hosts(&category.id, &category.hosts);
                if !hosts.is_empty() {
                    openings.push(Opening {
                        id: category.id.clone(),
                        sources: sources_of(&hosts),
                    });
                }
                for service in &category.services {
                    let hosts = config.declared_hosts(&service.id, &service.hosts);
                    if !hosts.is_empty() {
                        openings.push(Opening {
                            id: service.id.clone(),
                            sources: sources_of(&hosts),
                        });
                    }
                }
            }
            Ok(Policy {
                revision: config.revision,
                strict,
                openings,
            })
        }

        /// The header's value for a cookie `value` (None: no cookie).
        pub fn for_cookie(&self, value: Option<&str>) -> String {
            let accepted = self.accepted_in(value);
            self.render(|opening| {
                accepted
                    .contains(&opening.id.as_str())
                    .then(|| opening.sources.join(" "))
            })
        }

        /// The header's value with `opening`'s text, where it has one, after
        /// the strict sources of each directive the policy governs: the
        /// hosts themselves, or a server's variable that holds them.
        pub fn render(&self, opening: impl Fn(&Opening) -> Option<String>) -> String {
            let mut header = String::new();
            for (name, sources) in &self.strict {
                if !header.is_empty() {
                    header.push_str("; ");
                }
                header.push_str(name);
                for source in sources {
                    header.push(' ');
                    header.push_str(source);
                }
                if DIRECTIVES.contains(&name.as_str()) {
                    for text in self.openings.iter().filter_map(&opening) {
                        header.push(' ');
                        header.push_str(&text);
                    }
                }
            }
            header
        }

        /// The ids a cookie value names, if it is of this revision.
        pub fn accepted_in<'a>(&self, value: Option<&'a str>) -> Vec<&'a str> {
            let Some(value) = value else {
                return Vec::new();
            };
            let mut parts = value.split('.');
            if parts.next() != Some(self.revision.to_string().as_str()) {
                return Vec::new();
            }
            parts.collect()
        }

        /// The strict policy, as one header value.
        pub fn strict_header(&self) -> String {
            self.for_cookie(None)
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::config::{from_value, services_example, Config};
    use super::super::json::parse;
    use super::super::record::{Method, Record};
    use super::*;

    fn config(json: &str) -> Config {
        from_value(&parse(json).unwrap()).unwrap()
    }

    #[test]
    fn the_cookie_names_the_revision_and_what_is_accepted_and_nothing_else() {
        let c = services_example();
        let youtube = Record::decide(
            &c,
            &["youtube"],
            Method::Custom,
            1,
            "secret-id".into(),
            "pt-BR",
        );
        let value = consent_cookie(&c, &youtube);
        assert_eq!(value, format!("{}.youtube", c.revision));
        assert!(!value.contains("secret-id"), "no identifier");
        let none = Record::decide(&c, &[], Method::RejectAll, 1, "x".into(), "pt-BR");
        assert_eq!(consent_cookie(&c, &none), c.revision.to_string());
        let all = Record::decide(
            &c,
            &["analytics", "videos"],
            Method::AcceptAll,
            1,
            "x".into(),
            "pt-BR",
        );
        assert_eq!(
            consent_cookie(&c, &all),
            format!(
                "{}.analytics.google-analytics.hotjar.videos.youtube.vimeo",
                c.revision
            )
        );
    }

    #[test]
    fn the_policy_opens_only_what_the_cookie_of_this_revision_accepts() {
        let c = config(
            r#"{"revision": 4, "categories": [
              {"id": "necessary", "required": true, "hosts": ["cdn.gov.br"]},
              {"id": "analytics", "services": ["Google Analytics"]},
              {"id": "videos", "hosts": ["*.ytimg.com"], "services": [
                {"id": "youtube", "title": "YouTube", "hosts": ["*.youtube-nocookie.com"]},
                {"id": "vimeo", "title": "Vimeo", "hosts": ["player.vimeo.com"]}]}]}"#,
        );
        let p = Policy::new(&c, None).unwrap();
        let strict = p.strict_header();
        assert_eq!(
            strict,
            "script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline' cdn.gov.br; img-src 'self' cdn.gov.br; \
             frame-src 'self' cdn.gov.br; connect-src 'self' cdn.gov.br"
        );
        assert_eq!(
            p.for_cookie(Some("3.videos.youtube.vimeo")),
            strict,
            "another revision is strict"
        );
        assert_eq!(p.for_cookie(Some("garbage")), strict);
        let youtube = p.for_cookie(Some("4.youtube"));
        assert!(
            youtube.contains(
                "frame-src 'self' cdn.gov.br youtube-nocookie.com *.youtube-nocookie.com;"
            ),
            "{youtube}"
        );
        assert!(
            !youtube.contains("ytimg") && !youtube.contains("vimeo"),
            "{youtube}"
        );
        let whole = p.for_cookie(Some("4.videos.youtube.vimeo"));
        assert!(
            whole.contains("ytimg.com *.ytimg.com") && whole.contains("player.vimeo.com"),
            "{whole}"
        );
        // Google Analytics' service opens Google's hosts when it names none.
        let ga = p.for_cookie(Some("4.google-analytics"));
        assert!(ga.contains("script-src 'self' 'wasm-unsafe-eval' 'unsafe-inline' cdn.gov.br googletagmanager.com *.googletagmanager.com"), "{ga}");
        assert!(
            ga.contains("*.google-analytics.com") && ga.contains("*.analytics.google.com"),
            "{ga}"
        );
    }

    #[test]
    fn a_base_policy_is_merged_not_replaced() {
        let c = Config::default();
        let p = Policy::new(
            &c,
            Some("default-src 'none'; script-src 'self' 'nonce-abc'; style-src 'self'; IMG-SRC https://img.example; base-uri 'self'"),
        )
        .unwrap();
        let strict = p.strict_header();
        assert_eq!(
            strict,
            "default-src 'none'; style-src 'self'; base-uri 'self'; script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'; \
             img-src 'self' https://img.example; frame-src 'self'; connect-src 'self'"
        );
        assert!(
            !strict.contains("unsafe-inline"),
            "a base policy keeps its own rule for inline scripts"
        );
        assert!(Policy::new(&c, Some("script-src \"x")).is_err());
    }
}
