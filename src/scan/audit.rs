//! The judgement: artifacts against the config in force, with no browser.
//! Each thing seen becomes at most one finding, however many pages and
//! passes saw it; what a leaking script or frame caused (its cookies, its
//! requests) is listed under it rather than reported again.

use super::artifacts::{host_of, path_of, without_query, Artifacts, Phase, Visit};
use super::catalogue;
use super::trouble::{ButtonFailure, Trouble};
use crate::engine::config::{Config, NECESSARY};
use crate::engine::policy;
use crate::engine::record::{Method, Record};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingType {
    /// Something optional the config does not allow at that moment.
    Violation,
    /// A page of the site without Biscoito.
    Missing,
    /// A page that could not be read, a banner that did not appear, a button
    /// that did nothing.
    Broken,
    /// Seen, but in no category's cookie table or hosts.
    Undeclared,
    /// Declared, but never seen; or kept longer than declared.
    Stale,
    /// Biscoito's own files served in a way that costs visitors time.
    Slow,
}

impl FindingType {
    /// Findings of these types fail the scan (exit code 1).
    pub fn fails(self) -> bool {
        matches!(
            self,
            FindingType::Violation | FindingType::Missing | FindingType::Broken
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FindingType::Violation => "violation",
            FindingType::Missing => "missing",
            FindingType::Broken => "broken",
            FindingType::Undeclared => "undeclared",
            FindingType::Stale => "stale",
            FindingType::Slow => "slow",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Cookie,
    Storage,
    Request,
    Script,
    /// A page (missing or unreadable).
    Page,
    /// Biscoito's banner or one of its buttons.
    Banner,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Cookie => "cookie",
            Kind::Storage => "storage",
            Kind::Request => "request",
            Kind::Script => "script",
            Kind::Page => "page",
            Kind::Banner => "banner",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    #[serde(rename = "type")]
    pub kind_of_finding: FindingType,
    /// The first pass that showed it; none for stale declarations.
    pub phase: Option<Phase>,
    pub kind: Kind,
    /// Cookie or storage name; for stale hosts, the declared pattern.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// localStorage, sessionStorage or indexedDB, for storage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// Request, script or page URL, without query string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The first page where it was seen (empty for stale declarations).
    pub page: String,
    /// Every page where it was seen.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<String>,
    pub provider: Option<String>,
    /// The usual purpose of a known tracker, in English and Portuguese.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<[String; 2]>,
    /// The category id configs usually give a known tracker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usual_category: Option<String>,
    /// The configured category that allows or declares it, if any.
    pub category: Option<String>,
    /// The script, response or frame that set or sent it, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// What this leak brought with it ("cookie _ga", "request host/path").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<String>,
    /// For broken and missing pages: what went wrong (English in the JSON).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "super::trouble::in_english"
    )]
    pub detail: Option<Trouble>,
    /// How to fix it (scan::fix), most direct first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<super::fix::Fix>,
}

/// One thing seen, whatever page or pass saw it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Item {
    Cookie(String),
    Storage(String, String),
    /// A script from another site that ran, by URL.
    Script(String),
    /// Any other request to another site, by host and path.
    Request(String),
}

struct Sighting {
    phase: Phase,
    /// The rules in force: a page that shows the banner again (another
    /// config, an expired choice) allows nothing optional, whatever the pass.
    rules: Phase,
    page: String,
    cause: Option<String>,
}

/// What `config` allows in each phase: nothing optional before a choice and
/// after "reject all", everything after "accept all".
fn record_for(config: &Config, phase: Phase) -> Option<Record> {
    let accepted: Vec<&str> = match phase {
        Phase::BeforeConsent => return None,
        Phase::AfterReject => Vec::new(),
        Phase::AfterAccept => config.categories.iter().map(|c| c.id.as_str()).collect(),
    };
    let method = match phase {
        Phase::AfterAccept => Method::AcceptAll,
        _ => Method::RejectAll,
    };
    Some(Record::decide(
        config,
        &accepted,
        method,
        0,
        String::new(),
        "",
    ))
}

/// The categories that declare a cookie or storage key of this name.
/// Biscoito's own record counts as necessary.
fn categories_of_name<'c>(config: &'c Config, name: &str) -> Vec<&'c str> {
    let own = config.storage.is_own(name);
    let mut ids: Vec<&str> = config
        .categories
        .iter()
        .filter(|c| c.all_cookies().any(|k| k.matches(name)))
        .map(|c| c.id.as_str())
        .collect();
    if own {
        ids.push(first_required(config));
    }
    ids
}

/// The categories that declare a host. Biscoito itself, wherever it is
/// served from, is necessary; so are the hosts of Google Analytics when the
/// config has Biscoito load it: they belong to its consent-mode categories.
fn categories_of_url<'c>(config: &'c Config, host: &str, url: &str) -> Vec<&'c str> {
    let mut ids: Vec<&str> = config
        .categories
        .iter()
        .filter(|c| config.category_declares(c, host))
        .map(|c| c.id.as_str())
        .collect();
    let file = url.rsplit('/').next().unwrap_or("");
    if file == "biscoito.js" || file == "biscoito_bg.wasm" {
        ids.push(first_required(config));
    }
    if let Some(ga) = &config.google_analytics {
        let is_ga = catalogue::by_url(host, path_of(url))
            .is_some_and(|t| t.provider.starts_with("Google Analytics 4"));
        if is_ga {
            let analytics = ga
                .consent_mode
                .iter()
                .find(|(signal, _)| signal == "analytics_storage")
                .and_then(|(_, ids)| ids.first());
            // The signal may name Google Analytics' service: the scan judges
            // by the category that holds it.
            let category = analytics.and_then(|id| {
                config
                    .category(id)
                    .or_else(|| config.service(id).map(|(c, _)| c))
            });
            if let Some(category) = category {
                ids.push(category.id.as_str());
            }
        }
    }
    ids
}

fn first_required(config: &Config) -> &str {
    config
        .categories
        .iter()
        .find(|c| c.required)
        .map_or(NECESSARY, |c| c.id.as_str())
}

impl Item {
    /// Host and path, for requests and scripts.
    fn address(&self) -> Option<(String, &str)> {
        match self {
            Item::Script(u) | Item::Request(u) => Some((host_of(u)?, path_of(u))),
            Item::Cookie(_) | Item::Storage(..) => None,
        }
    }
}

/// What a visit saw, each with the script or response behind it.
fn items_of(visit: &Visit) -> Vec<(Item, Option<String>)> {
    let mut items = Vec::new();
    for c in &visit.cookies {
        items.push((Item::Cookie(c.name.clone()), c.set_by.clone()));
    }
    for s in &visit.storage {
        items.push((
            Item::Storage(s.area.clone(), s.name.clone()),
            s.set_by.clone(),
        ));
    }
    for r in &visit.requests {
        let item = if r.is_script_that_ran() {
            Item::Script(r.url.clone())
        } else {
            Item::Request(r.url.clone())
        };
        items.push((item, r.initiator.clone()));
    }
    items
}

pub fn audit(artifacts: &Artifacts, config: &Config) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut sightings: BTreeMap<Item, Vec<Sighting>> = BTreeMap::new();
    let mut pages_seen: Vec<&str> = Vec::new();
    for pass in &artifacts.passes {
        if let Some(choice) = &pass.choice {
            let failure = if !choice.banner_shown {
                Some(ButtonFailure::NoBanner)
            } else if !choice.clicked {
                Some(ButtonFailure::NotClickable)
            } else if !choice.banner_hidden || !choice.recorded {
                Some(ButtonFailure::NoEffect)
            } else {
                None
            };
            if let Some(failure) = failure {
                findings.push(broken(
                    pass.phase,
                    Kind::Banner,
                    &choice.page,
                    Trouble::Button {
                        button: choice.button.clone(),
                        failure,
                    },
                ));
            }
        }
        for visit in &pass.visits {
            if !pages_seen.contains(&visit.url.as_str()) {
                pages_seen.push(&visit.url);
                if let Some(error) = &visit.error {
                    findings.push(broken(pass.phase, Kind::Page, &visit.url, error.clone()));
                } else if !visit.has_biscoito {
                    findings.push(about_page(
                        FindingType::Missing,
                        pass.phase,
                        Kind::Page,
                        &visit.url,
                        Trouble::NoBiscoito,
                    ));
                }
            }
            for (item, cause) in items_of(visit) {
                let rules = if visit.banner_shown {
                    Phase::BeforeConsent
                } else {
                    pass.phase
                };
                sightings.entry(item).or_default().push(Sighting {
                    phase: pass.phase,
                    rules,
                    page: visit.url.clone(),
                    cause: cause.map(|c| without_query(&c).to_owned()),
                });
            }
        }
    }
    let first_visit_banner = artifacts
        .passes
        .iter()
        .find(|p| p.phase == Phase::BeforeConsent)
        .and_then(|p| {
            p.visits
                .iter()
                .find(|v| v.error.is_none() && v.has_biscoito)
        });
    if let Some(visit) = first_visit_banner.filter(|v| !v.banner_shown) {
        findings.push(broken(
            Phase::BeforeConsent,
            Kind::Banner,
            &visit.url,
            Trouble::NoBannerForNewVisitor,
        ));
    }

    let records: Vec<(Phase, Option<Record>)> = Phase::ALL
        .iter()
        .map(|&p| (p, record_for(config, p)))
        .collect();
    let allowed_in = |phase: Phase, categories: &[&str]| {
        let record = records
            .iter()
            .find(|(p, _)| *p == phase)
            .and_then(|(_, r)| r.as_ref());
        categories
            .iter()
            .find(|id| policy::allows(config, record, [**id]))
            .map(|id| id.to_string())
    };

    struct Judged {
        finding: Finding,
        cause_in_violation: Option<(Phase, String)>,
    }
    let mut judged: Vec<Judged> = Vec::new();
    for (item, seen) in &sightings {
        let (kind, name, area, url) = match item {
            Item::Cookie(n) => (Kind::Cookie, Some(n.clone()), None, None),
            Item::Storage(a, n) => (Kind::Storage, Some(n.clone()), Some(a.clone()), None),
            Item::Script(u) => (Kind::Script, None, None, Some(u.clone())),
            Item::Request(u) => (Kind::Request, None, None, Some(u.clone())),
        };
        let (declared, tracker) = match (item, item.address()) {
            (Item::Cookie(n) | Item::Storage(_, n), _) => {
                (categories_of_name(config, n), catalogue::by_name(n))
            }
            (Item::Script(u) | Item::Request(u), address) => {
                let (host, path) = address.unwrap_or_default();
                (
                    categories_of_url(config, &host, u),
                    catalogue::by_url(&host, path),
                )
            }
        };
        let violating = |s: &&Sighting| {
            s.rules != Phase::AfterAccept && allowed_in(s.rules, &declared).is_none()
        };
        // Where it was set, when the browser told, rather than a page that
        // merely saw it afterwards (visits run side by side).
        let first_in = |phase: Phase, wanted: &dyn Fn(&&Sighting) -> bool| {
            let in_phase = || seen.iter().filter(move |s| s.phase == phase).filter(wanted);
            in_phase()
                .find(|s| s.cause.is_some())
                .or_else(|| in_phase().next())
        };
        let violation = seen
            .iter()
            .find(violating)
            .and_then(|s| first_in(s.phase, &violating));
        let (kind_of_finding, first) = match violation {
            Some(s) => (FindingType::Violation, s),
            None if declared.is_empty() => (
                FindingType::Undeclared,
                first_in(seen[0].phase, &|_| true).unwrap_or(&seen[0]),
            ),
            None => continue,
        };
        let mut pages: Vec<String> = Vec::new();
        for s in seen {
            if !pages.contains(&s.page) {
                pages.push(s.page.clone());
            }
        }
        judged.push(Judged {
            cause_in_violation: first.cause.clone().map(|c| (first.phase, c)),
            finding: Finding {
                kind_of_finding,
                phase: Some(first.phase),
                kind,
                name,
                area,
                url,
                page: first.page.clone(),
                pages,
                provider: tracker.map(|t| t.provider.clone()),
                purpose: tracker.map(|t| [t.purpose.en.clone(), t.purpose.pt_br.clone()]),
                usual_category: tracker.map(|t| t.category.clone()),
                category: allowed_in(Phase::AfterAccept, &declared)
                    .or_else(|| declared.first().map(|s| s.to_string())),
                cause: first.cause.clone(),
                effects: Vec::new(),
                detail: None,
                fixes: Vec::new(),
            },
        });
    }

    // A violation caused by a script or frame that is itself a violation in
    // the same pass is that leak's effect, not a second leak.
    let roots: Vec<(Phase, String)> = judged
        .iter()
        .filter(|j| j.finding.kind_of_finding == FindingType::Violation)
        .filter_map(|j| Some((j.finding.phase?, j.finding.url.clone()?)))
        .collect();
    let mut kept: Vec<Finding> = Vec::new();
    let mut effects: Vec<(String, String)> = Vec::new();
    for j in judged {
        let is_effect = j.finding.kind_of_finding == FindingType::Violation
            && j.cause_in_violation.as_ref().is_some_and(|(phase, cause)| {
                Some(cause) != j.finding.url.as_ref()
                    && roots.iter().any(|(p, u)| p == phase && u == cause)
            });
        if is_effect {
            let (_, cause) = j.cause_in_violation.unwrap();
            effects.push((cause, describe(&j.finding)));
        } else {
            kept.push(j.finding);
        }
    }
    for (cause, effect) in effects {
        if let Some(root) = kept
            .iter_mut()
            .find(|f| f.url.as_deref() == Some(cause.as_str()))
        {
            root.effects.push(effect);
        }
    }
    findings.extend(kept);
    findings.extend(stale(config, &sightings));
    findings.extend(understated_retention(config, artifacts));
    findings.extend(slow_own_files(artifacts));
    findings.sort_by(|a, b| {
        (a.kind_of_finding, a.phase, a.kind).cmp(&(b.kind_of_finding, b.phase, b.kind))
    });
    for finding in &mut findings {
        finding.fixes = super::fix::fixes_for(finding, config);
    }
    findings
}

/// "cookie _ga", "localStorage key", "request host/path": a finding in a few words.
pub fn describe(f: &Finding) -> String {
    match (&f.area, &f.name, &f.url) {
        (Some(area), Some(name), _) => format!("{area} {name}"),
        (None, Some(name), _) => format!("{} {name}", f.kind.as_str()),
        (_, None, Some(url)) => format!("{} {url}", f.kind.as_str()),
        _ => f.kind.as_str().to_owned(),
    }
}

fn broken(phase: Phase, kind: Kind, page: &str, detail: Trouble) -> Finding {
    about_page(FindingType::Broken, phase, kind, page, detail)
}

/// A finding about a whole page or the banner on it, with what went wrong.
fn about_page(
    kind_of_finding: FindingType,
    phase: Phase,
    kind: Kind,
    page: &str,
    detail: Trouble,
) -> Finding {
    Finding {
        kind_of_finding,
        phase: Some(phase),
        kind,
        name: None,
        area: None,
        url: Some(page.to_owned()),
        page: page.to_owned(),
        pages: Vec::new(),
        provider: None,
        purpose: None,
        usual_category: None,
        category: None,
        cause: None,
        effects: Vec::new(),
        detail: Some(detail),
        fixes: Vec::new(),
    }
}

/// Cookie-table entries and hosts no pass saw.
fn stale(config: &Config, sightings: &BTreeMap<Item, Vec<Sighting>>) -> Vec<Finding> {
    let mut out = Vec::new();
    for category in &config.categories {
        for cookie in category.all_cookies() {
            let seen = sightings.keys().any(|item| match item {
                Item::Cookie(n) | Item::Storage(_, n) => cookie.matches(n),
                _ => false,
            });
            if !seen {
                out.push(declared_unseen(Kind::Cookie, &cookie.name, &category.id));
            }
        }
        let service_hosts = category.services.iter().flat_map(|s| &s.hosts);
        for host in category.hosts.iter().chain(service_hosts) {
            let seen = sightings.keys().any(|item| {
                item.address()
                    .is_some_and(|(h, _)| crate::engine::config::host_matches(host, &h))
            });
            if !seen {
                out.push(declared_unseen(Kind::Request, host, &category.id));
            }
        }
    }
    out
}

/// Declared cookies the browser keeps longer than their declared duration
/// says (by more than a day, or a twentieth): the policy must never
/// understate retention. A duration the engine cannot read is not judged.
fn understated_retention(config: &Config, artifacts: &Artifacts) -> Vec<Finding> {
    use crate::engine::config::{read_retention, Retention};
    const DAY: f64 = 86_400.0;
    let mut out = Vec::new();
    for category in &config.categories {
        for cookie in category.all_cookies() {
            let Some((text, declared)) = cookie
                .duration
                .0
                .iter()
                .find_map(|(_, text)| Some((text.as_str(), read_retention(text)?)))
            else {
                continue;
            };
            let mut longest: Option<(f64, Phase, &str)> = None;
            for pass in &artifacts.passes {
                for visit in &pass.visits {
                    for seen in visit.cookies.iter().filter(|c| cookie.matches(&c.name)) {
                        let lifetime = seen.lifetime.unwrap_or(0.0);
                        if longest.is_none_or(|(l, _, _)| lifetime > l) {
                            longest = Some((lifetime, pass.phase, &visit.url));
                        }
                    }
                }
            }
            let Some((lifetime, phase, page)) = longest else {
                continue;
            };
            let allowed = match declared {
                Retention::Session => DAY,
                Retention::Seconds(s) => s as f64 + (s as f64 / 20.0).max(DAY),
            };
            if lifetime <= allowed {
                continue;
            }
            let mut finding = declared_unseen(Kind::Cookie, &cookie.name, &category.id);
            finding.phase = Some(phase);
            finding.page = page.to_owned();
            finding.detail = Some(Trouble::Retention {
                declared: text.to_owned(),
                seen_days: (lifetime / DAY).ceil() as u64,
            });
            out.push(finding);
        }
    }
    out
}

/// Biscoito's glue or module sent uncompressed, or a module every page view
/// asks the host about again: what each costs on a phone network (Lighthouse's
/// 1.6 Mbit/s and 150 ms round trip).
fn slow_own_files(artifacts: &Artifacts) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    let first_pass = artifacts.passes.iter().take(1);
    for visit in first_pass.flat_map(|p| p.visits.iter()) {
        for file in &visit.own_files {
            if seen.contains(&file.url.as_str()) {
                continue;
            }
            seen.push(&file.url);
            let finding = |detail: Trouble| Finding {
                url: Some(file.url.clone()),
                ..about_page(
                    FindingType::Slow,
                    Phase::BeforeConsent,
                    Kind::Request,
                    &visit.url,
                    detail,
                )
            };
            let compressed = file
                .content_encoding
                .as_deref()
                .is_some_and(|e| !e.trim().eq_ignore_ascii_case("identity"));
            if !compressed {
                out.push(finding(Trouble::Uncompressed { bytes: file.bytes }));
            }
            let cache = file
                .cache_control
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase();
            let asks_again = cache.is_empty()
                || cache.contains("no-cache")
                || cache.contains("no-store")
                || cache.split([',', ' ']).any(|d| d == "max-age=0");
            if asks_again && file.url.ends_with(".wasm") {
                out.push(finding(Trouble::Revalidated {
                    cache_control: file.cache_control.clone(),
                }));
            }
        }
    }
    out
}

fn declared_unseen(kind: Kind, name: &str, category: &str) -> Finding {
    let tracker = match kind {
        Kind::Cookie => catalogue::by_name(name.trim_end_matches('*')),
        _ => None,
    };
    Finding {
        kind_of_finding: FindingType::Stale,
        phase: None,
        kind,
        name: Some(name.to_owned()),
        area: None,
        url: None,
        page: String::new(),
        pages: Vec::new(),
        provider: tracker.map(|t| t.provider.clone()),
        purpose: None,
        usual_category: None,
        category: Some(category.to_owned()),
        cause: None,
        effects: Vec::new(),
        detail: None,
        fixes: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::artifacts::{Choice, CookieSeen, Pass, RequestSeen, StorageSeen};
    use super::super::report::Lang;
    use super::*;
    use crate::engine::json::parse;

    const CONFIG: &str = r#"{"categories": [
        {"id": "necessary", "required": true, "cookies": ["JSESSIONID"], "hosts": ["cdn.gov.br"]},
        {"id": "analytics", "cookies": ["_ga", "_ga_*", "nunca_visto"], "hosts": ["*.google-analytics.com"]}],
        "storage": {"key": "portal-consent"}}"#;

    fn config() -> Config {
        crate::engine::config::from_value(&parse(CONFIG).unwrap()).unwrap()
    }

    fn cookie(name: &str, set_by: Option<&str>) -> CookieSeen {
        CookieSeen {
            name: name.into(),
            domain: "portal.example".into(),
            path: "/".into(),
            expires: None,
            lifetime: None,
            http_only: false,
            secure: false,
            same_site: None,
            third_party: false,
            set_by: set_by.map(Into::into),
        }
    }

    fn request(url: &str, kind: &str, status: Option<u16>, initiator: &str) -> RequestSeen {
        RequestSeen {
            url: url.into(),
            host: host_of(url).unwrap(),
            resource_type: kind.into(),
            initiator: Some(initiator.into()),
            status,
        }
    }

    fn visit(url: &str) -> Visit {
        Visit {
            url: url.into(),
            status: Some(200),
            has_biscoito: true,
            ..Visit::default()
        }
    }

    fn choice(button: &str, hidden: bool) -> Option<Choice> {
        Some(Choice {
            button: button.into(),
            page: "https://portal.example/".into(),
            banner_shown: true,
            clicked: true,
            banner_hidden: hidden,
            recorded: hidden,
        })
    }

    fn artifacts(passes: Vec<Pass>) -> Artifacts {
        Artifacts {
            start_url: "https://portal.example/".into(),
            config_json: CONFIG.into(),
            config_source: "page".into(),
            passes,
            banner_screenshot: None,
            browser: "test".into(),
            other_configs: Vec::new(),
            refused_private: Vec::new(),
        }
    }

    /// A portal whose own code is clean but whose chat widget leaks before
    /// consent, and whose GA loads properly after acceptance.
    fn portal() -> Artifacts {
        let widget = "https://chat.example.net/widget.js";
        let mut home = visit("https://portal.example/");
        home.banner_shown = true;
        home.cookies = vec![cookie("JSESSIONID", Some("https://portal.example/"))];
        home.requests = vec![
            request(
                "https://cdn.gov.br/barra.js",
                "Script",
                Some(200),
                "https://portal.example/",
            ),
            request(widget, "Script", Some(200), "https://portal.example/"),
            request(
                "https://api.chat.example.net/session",
                "XHR",
                Some(200),
                widget,
            ),
        ];
        home.storage = vec![StorageSeen {
            area: "localStorage".into(),
            name: "chat_id".into(),
            set_by: Some(widget.into()),
        }];
        // A second page visited beside the first saw the widget's key without setting it.
        let mut news = visit("https://portal.example/noticias");
        news.banner_shown = true;
        news.storage = vec![StorageSeen {
            area: "localStorage".into(),
            name: "chat_id".into(),
            set_by: None,
        }];
        let mut accepted = visit("https://portal.example/");
        accepted.cookies = vec![cookie(
            "_ga",
            Some("https://www.googletagmanager.com/gtag/js"),
        )];
        accepted.requests = vec![request(
            "https://region1.google-analytics.com/g/collect",
            "Fetch",
            Some(204),
            "https://www.googletagmanager.com/gtag/js",
        )];
        artifacts(vec![
            Pass {
                phase: Phase::BeforeConsent,
                choice: None,
                visits: vec![news, home],
            },
            Pass {
                phase: Phase::AfterReject,
                choice: choice("reject-all", true),
                visits: vec![visit("https://portal.example/")],
            },
            Pass {
                phase: Phase::AfterAccept,
                choice: choice("accept-all", true),
                visits: vec![accepted],
            },
        ])
    }

    #[test]
    fn a_leaking_script_is_one_finding_with_what_it_brought() {
        let findings = audit(&portal(), &config());
        let violations: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.kind_of_finding == FindingType::Violation)
            .collect();
        assert_eq!(violations.len(), 1, "{violations:#?}");
        let widget = violations[0];
        assert_eq!(widget.kind, Kind::Script);
        assert_eq!(widget.phase, Some(Phase::BeforeConsent));
        assert_eq!(widget.page, "https://portal.example/");
        assert_eq!(widget.category, None);
        assert_eq!(
            widget.effects,
            [
                "localStorage chat_id",
                "request https://api.chat.example.net/session"
            ]
        );
    }

    #[test]
    fn required_hosts_and_cookies_pass_and_accepted_ones_wait_for_acceptance() {
        let findings = audit(&portal(), &config());
        let about = |needle: &str| {
            findings
                .iter()
                .filter(|f| describe(f).contains(needle))
                .map(|f| f.kind_of_finding)
                .collect::<Vec<_>>()
        };
        assert_eq!(about("cdn.gov.br"), []);
        assert_eq!(about("JSESSIONID"), []);
        assert!(
            !findings.iter().any(|f| f.name.as_deref() == Some("_ga")),
            "declared and seen only after acceptance"
        );
        assert_eq!(about("google-analytics"), []);
        // gtag.js itself was never requested in these artifacts: no finding either way.
        assert_eq!(about("nunca_visto"), [FindingType::Stale]);
        assert_eq!(about("_ga_*"), [FindingType::Stale]);
    }

    #[test]
    fn after_reject_a_declared_optional_cookie_is_a_violation_and_undeclared_ones_say_so() {
        let mut a = portal();
        a.passes[1].visits[0].cookies = vec![cookie("_ga", None)];
        a.passes[2].visits[0].cookies.push(cookie("misterio", None));
        let findings = audit(&a, &config());
        let ga = findings
            .iter()
            .find(|f| f.name.as_deref() == Some("_ga"))
            .unwrap();
        assert_eq!(ga.kind_of_finding, FindingType::Violation);
        assert_eq!(ga.phase, Some(Phase::AfterReject));
        assert_eq!(ga.category.as_deref(), Some("analytics"));
        assert_eq!(ga.provider.as_deref(), Some("Google Analytics 4 (gtag.js)"));
        let unknown = findings
            .iter()
            .find(|f| f.name.as_deref() == Some("misterio"))
            .unwrap();
        assert_eq!(unknown.kind_of_finding, FindingType::Undeclared);
        assert_eq!(unknown.phase, Some(Phase::AfterAccept));
        assert!(!FindingType::Undeclared.fails());
    }

    #[test]
    fn a_page_that_shows_the_banner_again_allows_nothing_optional_even_after_accepting() {
        let mut a = portal();
        let mut other = visit("https://portal.example/outra");
        other.banner_shown = true;
        other.cookies = vec![cookie("_ga", None)];
        a.passes[2].visits.push(other);
        let findings = audit(&a, &config());
        let ga = findings
            .iter()
            .find(|f| f.name.as_deref() == Some("_ga"))
            .unwrap();
        assert_eq!(ga.kind_of_finding, FindingType::Violation);
        assert_eq!(ga.page, "https://portal.example/outra");
    }

    #[test]
    fn a_banner_that_does_not_work_and_pages_without_biscoito_fail_the_scan() {
        let mut a = portal();
        a.passes[0].visits[1].banner_shown = false;
        a.passes[0].visits[0].banner_shown = false;
        a.passes[1].choice = choice("reject-all", false);
        let mut old = visit("https://portal.example/arquivo");
        old.has_biscoito = false;
        let mut gone = Visit::failed("https://portal.example/fora", Trouble::Http { status: 500 });
        gone.status = Some(500);
        a.passes[0].visits.extend([old, gone]);
        let findings = audit(&a, &config());
        let english: Vec<(FindingType, Kind, Option<String>)> = findings
            .iter()
            .filter(|f| f.kind_of_finding.fails() && f.kind_of_finding != FindingType::Violation)
            .map(|f| {
                (
                    f.kind_of_finding,
                    f.kind,
                    f.detail.as_ref().map(|d| d.text(Lang::En)),
                )
            })
            .collect();
        let lines: Vec<(FindingType, Kind, Option<&str>)> = english
            .iter()
            .map(|(t, k, d)| (*t, *k, d.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [
                (FindingType::Missing, Kind::Page, Some("Biscoito did not start on this page")),
                (FindingType::Broken, Kind::Page, Some("the server answered HTTP 500")),
                (
                    FindingType::Broken,
                    Kind::Banner,
                    Some("the banner did not appear for a first-time visitor")
                ),
                (
                    FindingType::Broken,
                    Kind::Banner,
                    Some("\"reject-all\": the click did nothing: the banner stayed or no choice was recorded")
                ),
            ]
        );
    }

    #[test]
    fn findings_come_back_from_saved_artifacts_the_same() {
        let a = portal();
        let saved = serde_json::to_string(&a).unwrap();
        let again: Artifacts = serde_json::from_str(&saved).unwrap();
        assert_eq!(audit(&again, &config()), audit(&a, &config()));
    }

    #[test]
    fn a_cookie_kept_longer_than_declared_is_a_stale_duration_with_its_fix() {
        let config = crate::engine::config::from_value(
            &parse(
                r#"{"categories": [{"id": "necessary", "required": true},
                {"id": "analytics", "cookies": [
                  {"name": "_ga", "duration": "1 ano"},
                  {"name": "_gid", "duration": "24 horas"},
                  {"name": "sessao_estat", "duration": "Sessão"},
                  {"name": "vago", "duration": "enquanto for útil"}]}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        const DAY: f64 = 86_400.0;
        let kept = |name: &str, days: Option<f64>| CookieSeen {
            lifetime: days.map(|d| d * DAY),
            ..cookie(name, None)
        };
        let mut after = visit("https://portal.example/");
        after.cookies = vec![
            kept("_ga", Some(730.0)),
            kept("_gid", Some(1.0)),
            kept("sessao_estat", Some(30.0)),
            kept("vago", Some(9999.0)),
        ];
        let findings = audit(
            &artifacts(vec![Pass {
                phase: Phase::AfterAccept,
                choice: choice("accept-all", true),
                visits: vec![after],
            }]),
            &config,
        );
        let understated: Vec<(String, String)> = findings
            .iter()
            .filter_map(|f| match &f.detail {
                Some(d @ Trouble::Retention { .. }) => Some((
                    f.name.clone().unwrap(),
                    d.text(super::super::report::Lang::En),
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            understated,
            [
                (
                    "_ga".to_owned(),
                    "declared as \"1 ano\", but the browser keeps it for 730 days: the policy understates how long it is kept".to_owned()
                ),
                (
                    "sessao_estat".to_owned(),
                    "declared as \"Sessão\", but the browser keeps it for 30 days: the policy understates how long it is kept".to_owned()
                ),
            ]
        );
        let ga = findings
            .iter()
            .find(|f| f.name.as_deref() == Some("_ga") && f.detail.is_some())
            .unwrap();
        assert_eq!(ga.kind_of_finding, FindingType::Stale);
        assert_eq!(ga.fixes[0].days, Some(730));
    }

    #[test]
    fn biscoitos_own_files_sent_slowly_are_slow_findings_and_a_good_host_has_none() {
        use crate::scan::artifacts::OwnFile;
        let file = |name: &str, encoding: Option<&str>, cache: Option<&str>| OwnFile {
            url: format!("https://portal.example/biscoito/{name}"),
            content_encoding: encoding.map(Into::into),
            cache_control: cache.map(Into::into),
            bytes: Some(150_000),
        };
        let judged = |files: Vec<OwnFile>| {
            let mut home = visit("https://portal.example/");
            home.own_files = files;
            let findings = audit(
                &artifacts(vec![Pass {
                    phase: Phase::BeforeConsent,
                    choice: None,
                    visits: vec![home],
                }]),
                &config(),
            );
            findings
                .into_iter()
                .filter(|f| f.kind_of_finding == FindingType::Slow)
                .map(|f| f.detail.unwrap().text(super::super::report::Lang::En))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            judged(vec![
                file("biscoito_bg.wasm", None, Some("no-cache")),
                file("biscoito.js", Some("gzip"), None),
            ]),
            [
                "sent without compression (146 KB): about 439 ms more on every first visit on a phone network (1.6 Mbit/s)",
                "every page view asks the host about the module again (no-cache): a round trip, about 150 ms on a phone network, before a returning visitor's banner or release",
            ]
        );
        assert!(judged(vec![
            file(
                "biscoito_bg.wasm",
                Some("br"),
                Some("public, max-age=86400")
            ),
            file("biscoito.js", Some("gzip"), Some("max-age=3600")),
        ])
        .is_empty());
    }
}
