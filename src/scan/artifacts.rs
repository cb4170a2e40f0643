//! What the browser saw, as plain data: the gatherers (`chromium.rs`) write
//! it, the audit (`audit.rs`) judges it without a browser, and `--json`
//! saves it inside the report. Nothing here is an opinion.

use super::trouble::Trouble;
use serde::{Deserialize, Serialize};

/// The three visitors a scan plays, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    BeforeConsent,
    AfterReject,
    AfterAccept,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::BeforeConsent, Phase::AfterReject, Phase::AfterAccept];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::BeforeConsent => "before-consent",
            Phase::AfterReject => "after-reject",
            Phase::AfterAccept => "after-accept",
        }
    }

    /// The banner button this visitor clicks, if any.
    pub fn button(self) -> Option<&'static str> {
        match self {
            Phase::BeforeConsent => None,
            Phase::AfterReject => Some("reject-all"),
            Phase::AfterAccept => Some("accept-all"),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifacts {
    pub start_url: String,
    /// The config the site is judged against, as JSON text.
    pub config_json: String,
    /// "page" (its #biscoito-config), "file" (--config) or "default".
    pub config_source: String,
    pub passes: Vec<Pass>,
    /// PNG, base64: the banner as the first visitor saw it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub banner_screenshot: Option<String>,
    pub browser: String,
    /// Pages that carry a different Biscoito config: not judged by this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_configs: Vec<String>,
    /// Requests the page made to private or link-local addresses, refused
    /// (no `--allow-private`): "host:port (address)".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused_private: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pass {
    pub phase: Phase,
    /// The click in the banner that starts this pass (none before consent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
    pub visits: Vec<Visit>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    /// The `data-action` of the button clicked.
    pub button: String,
    pub page: String,
    pub banner_shown: bool,
    pub clicked: bool,
    /// The banner went away after the click.
    pub banner_hidden: bool,
    /// Biscoito reported a stored choice after the click.
    pub recorded: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Visit {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Why the page could not be read (unreachable, TLS, timeout…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Trouble>,
    /// `window.Biscoito` existed once the page settled.
    pub has_biscoito: bool,
    pub banner_shown: bool,
    /// Dialogs dismissed, windows closed, links skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub cookies: Vec<CookieSeen>,
    pub storage: Vec<StorageSeen>,
    /// Requests to other sites only; query strings dropped.
    pub requests: Vec<RequestSeen>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<String>,
    /// The page's #biscoito-config text, read on the first visit only.
    #[serde(skip)]
    pub page_config: Option<String>,
    /// The site's sitemap.xml locations, read on the first visit only.
    #[serde(skip)]
    pub sitemap: Vec<String>,
    /// How Biscoito's own files (biscoito.js, biscoito_bg.wasm) came.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_files: Vec<OwnFile>,
}

/// One of Biscoito's files as the host sent it: what a visitor pays for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnFile {
    /// Without query.
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    /// Content-Length, when the host sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

impl OwnFile {
    /// The glue or the module, by the names dist/ gives them.
    pub fn is_own(url: &str) -> bool {
        let path = path_of(url);
        path.ends_with("/biscoito.js") || path.ends_with("/biscoito_bg.wasm")
    }
}

impl Visit {
    pub fn failed(url: &str, error: Trouble) -> Visit {
        Visit {
            url: url.to_owned(),
            error: Some(error),
            ..Visit::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CookieSeen {
    pub name: String,
    pub domain: String,
    pub path: String,
    /// Seconds since 1970; `None` for a session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<f64>,
    /// Seconds it had left to live when the scan read it; `None` for a
    /// session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<f64>,
    pub http_only: bool,
    pub secure: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
    pub third_party: bool,
    /// The response (Set-Cookie) or script (document.cookie) that set it,
    /// when the browser told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageSeen {
    /// "localStorage", "sessionStorage" or "indexedDB".
    pub area: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestSeen {
    /// Without query string or fragment: their values can be personal data.
    pub url: String,
    pub host: String,
    /// DevTools' resource type: Script, Image, Document, XHR, Fetch…
    pub resource_type: String,
    /// The script or document that caused it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator: Option<String>,
    /// The HTTP status, when a response came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

impl RequestSeen {
    /// A script from another site that arrived, and so ran.
    pub fn is_script_that_ran(&self) -> bool {
        self.resource_type == "Script" && self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// `url` without its query string and fragment.
pub fn without_query(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// The host of an http(s) URL, lowercase, without port or credentials.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let host = if authority.starts_with('[') {
        &authority[..authority.find(']').map_or(authority.len(), |i| i + 1)]
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The path of an http(s) URL ("/" when it has none).
pub fn path_of(url: &str) -> &str {
    let url = without_query(url);
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |i| &rest[i..])
}

/// The "site" in the browser's sense: the registrable domain (example.gov.br
/// for www.example.gov.br), or the host itself for IP addresses and
/// single-label names such as localhost.
pub fn site_of(host: &str) -> String {
    let host = host.trim_start_matches('.').to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[') || !host.contains('.') {
        return host;
    }
    psl::domain_str(&host).unwrap_or(&host).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_cut_to_what_the_report_may_keep() {
        assert_eq!(
            without_query("https://a.example/p?id=123#x"),
            "https://a.example/p"
        );
        assert_eq!(
            host_of("https://user@WWW.Example.org:8443/x"),
            Some("www.example.org".into())
        );
        assert_eq!(host_of("http://[::1]:8080/"), Some("[::1]".into()));
        assert_eq!(host_of("mailto:a@b.c"), None);
        assert_eq!(path_of("https://a.example/p/q?x=1"), "/p/q");
        assert_eq!(path_of("https://a.example"), "/");
    }

    #[test]
    fn sites_group_subdomains_but_not_neighbours() {
        assert_eq!(site_of("www.tjvs.jus.br"), "tjvs.jus.br");
        assert_eq!(site_of("cdn.tjvs.jus.br"), "tjvs.jus.br");
        assert_ne!(site_of("www.defensoria.vs.gov.br"), site_of("www.gov.br"));
        assert_eq!(site_of("127.0.0.1"), "127.0.0.1");
        assert_eq!(site_of("localhost"), "localhost");
        assert_eq!(site_of(".youtube.com"), "youtube.com");
    }
}
