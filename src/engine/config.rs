//! The maintainer's configuration: typed, validated, with a complete default.
//!
//! Validation walks a [`Value`] by hand so that it can report every problem
//! at once, each with the path of the field it concerns. A config with any
//! problem is not used at all: the caller falls back to [`Config::default`],
//! which never opts anybody in.

use super::i18n::{Lang, Text};
use super::json::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `None` means "auto": page language, then browser, then pt-BR.
    pub language: Option<Lang>,
    pub revision: u64,
    /// When this revision took effect (YYYY-MM-DD), for the declaration.
    pub revision_date: Option<String>,
    pub expires_after_days: u64,
    pub policy_url: Option<String>,
    pub categories: Vec<Category>,
    pub google_analytics: Option<GoogleAnalytics>,
    pub storage: StorageSettings,
    pub respect_gpc: bool,
    pub receipt_url: Option<String>,
    pub texts: Vec<(Lang, Text, String)>,
    pub theme: Theme,
    pub layout: Layout,
    pub floating_button: bool,
    pub reload_on_revoke: bool,
    /// Keep the consent cookie a server turns into a Content-Security-Policy
    /// (`engine::csp`), and reload once after a choice that widens it.
    pub csp: bool,
    /// What `biscoito scan --write-config` saw but could not place in a
    /// category, left for the maintainer; the banner ignores it.
    pub unresolved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: String,
    pub required: bool,
    pub title: Localized,
    pub description: Localized,
    pub cookies: Vec<CookieInfo>,
    /// What the visitor may choose one by one inside the category. A category
    /// with services is accepted only when every one of them is.
    pub services: Vec<Service>,
    /// Other sites this category's content talks to ("fonts.gstatic.com",
    /// "*.youtube.com"). The banner does not use them; `biscoito scan` judges
    /// requests by them.
    pub hosts: Vec<String>,
    pub legal_basis: LegalBasis,
}

/// Where Google Analytics 4 loads from and sends to (Google's own CSP
/// guidance for gtag.js): the hosts of what gates GA when it declares none,
/// for the Content-Security-Policy and the guard alike.
pub const GOOGLE_ANALYTICS_HOSTS: [&str; 3] = [
    "*.googletagmanager.com",
    "*.google-analytics.com",
    "*.analytics.google.com",
];

impl Config {
    /// The id of the category or service that Google Analytics waits for:
    /// the first one its consent mode maps `analytics_storage` to, else the
    /// `google-analytics` service.
    pub fn ga_gate(&self) -> &str {
        self.google_analytics
            .as_ref()
            .and_then(|ga| {
                ga.consent_mode
                    .iter()
                    .find(|(signal, _)| signal == "analytics_storage")
                    .and_then(|(_, ids)| ids.first())
            })
            .map_or(GA_SERVICE, String::as_str)
    }

    /// The hosts `id` (a category or service) declares, or Google
    /// Analytics' own when `id` gates GA and declares none: so the default
    /// "Estatísticas" covers an unmarked GA snippet.
    pub fn declared_hosts(&self, id: &str, hosts: &[String]) -> Vec<String> {
        if hosts.is_empty() && id == self.ga_gate() {
            return GOOGLE_ANALYTICS_HOSTS.map(String::from).to_vec();
        }
        hosts.to_vec()
    }

    /// Whether `category` or one of its services declares `host`, Google
    /// Analytics' own hosts counted for what gates GA (`declared_hosts`).
    pub fn category_declares(&self, category: &Category, host: &str) -> bool {
        let declares = |id: &str, hosts: &[String]| {
            self.declared_hosts(id, hosts)
                .iter()
                .any(|pattern| host_matches(pattern, host))
        };
        declares(&category.id, &category.hosts)
            || category.services.iter().any(|s| declares(&s.id, &s.hosts))
    }
}

impl Category {
    /// The cookie tables of the category and of its services, as one list.
    pub fn all_cookies(&self) -> impl Iterator<Item = &CookieInfo> {
        self.cookies
            .iter()
            .chain(self.services.iter().flat_map(|s| &s.cookies))
    }
}

/// One provider's content or tool inside a category ("YouTube" in "Vídeos").
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    /// Unique among every category and service id of the config.
    pub id: String,
    pub title: String,
    pub description: Localized,
    pub provider: String,
    pub policy_url: Option<String>,
    pub cookies: Vec<CookieInfo>,
    pub hosts: Vec<String>,
}

/// Why a category's cookies may be used: the hypotheses of LGPD art. 7, and
/// the public sector's frame of art. 23.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalBasis {
    Consent,
    LegalObligation,
    PublicPolicy,
    Research,
    Contract,
    ExerciseOfRights,
    ProtectionOfLife,
    HealthProtection,
    LegitimateInterest,
    CreditProtection,
    PublicService,
}

impl LegalBasis {
    pub const ALL: [LegalBasis; 11] = [
        LegalBasis::Consent,
        LegalBasis::LegalObligation,
        LegalBasis::PublicPolicy,
        LegalBasis::Research,
        LegalBasis::Contract,
        LegalBasis::ExerciseOfRights,
        LegalBasis::ProtectionOfLife,
        LegalBasis::HealthProtection,
        LegalBasis::LegitimateInterest,
        LegalBasis::CreditProtection,
        LegalBasis::PublicService,
    ];
    /// The config's and the record's name for it.
    pub fn as_str(self) -> &'static str {
        LEGAL_BASIS_NAMES[self as usize]
    }
    pub fn parse(name: &str) -> Option<LegalBasis> {
        LEGAL_BASIS_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| LegalBasis::ALL[i])
    }
    /// What a category gets when the config does not say: consent for an
    /// optional one (the only basis it may have); for strictly necessary
    /// cookies of a public portal, the legal duties of the public service
    /// (art. 7 III with art. 23), which the ANPD's guidance accepts.
    pub fn default_for(required: bool) -> LegalBasis {
        if required {
            LegalBasis::PublicService
        } else {
            LegalBasis::Consent
        }
    }
}

/// In the order of [`LegalBasis`].
pub const LEGAL_BASIS_NAMES: [&str; 11] = [
    "consent",
    "legal-obligation",
    "public-policy",
    "research",
    "contract",
    "exercise-of-rights",
    "protection-of-life",
    "health-protection",
    "legitimate-interest",
    "credit-protection",
    "public-service",
];

/// "example.org" matches only itself; "*.example.org" matches its subdomains
/// and example.org itself.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(parent) => is_same_or_subdomain(host, parent),
        None => host == pattern,
    }
}

/// `host` is `parent` or one of its subdomains (not merely ending like it).
fn is_same_or_subdomain(host: &str, parent: &str) -> bool {
    host == parent
        || host
            .strip_suffix(parent)
            .is_some_and(|sub| sub.ends_with('.'))
}

/// A text given once for every language, or per language. Empty means "use the built-in text".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Localized(pub Vec<(Option<Lang>, String)>);

impl Localized {
    pub fn one(text: &str) -> Self {
        Localized(vec![(None, text.to_owned())])
    }
    /// The text for `lang`, else the one given for every language, else pt-BR, else any.
    pub fn get(&self, lang: Lang) -> Option<&str> {
        let find = |want: Option<Lang>| {
            self.0
                .iter()
                .find(|(l, _)| *l == want)
                .map(|(_, t)| t.as_str())
        };
        find(Some(lang))
            .or_else(|| find(None))
            .or_else(|| find(Some(Lang::PtBr)))
            .or_else(|| self.0.first().map(|(_, t)| t.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CookieInfo {
    /// An exact name, or a prefix followed by `*`.
    pub name: String,
    pub provider: String,
    pub purpose: Localized,
    pub duration: Localized,
    pub third_party: bool,
}

/// How long a declared cookie is kept, read from its `duration` text (the
/// scan holds what the browser keeps to it).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Until the browser closes.
    Session,
    Seconds(u64),
}

/// Reads "2 anos", "6 meses", "1 year", "30 días", "sessão", "Session": a
/// number and a unit in Portuguese, English or Spanish. None for any other
/// text (the scan then cannot hold the cookie to it).
#[cfg(not(target_arch = "wasm32"))]
pub fn read_retention(text: &str) -> Option<Retention> {
    let lower = text.trim().to_lowercase();
    if ["sessão", "sessao", "session", "sesión", "sesion"]
        .iter()
        .any(|s| lower.contains(s))
    {
        return Some(Retention::Session);
    }
    let mut words = lower.split_whitespace();
    let number: u64 = words.next()?.parse().ok()?;
    let unit = words.next()?;
    const DAY: u64 = 86_400;
    let seconds = [
        (&["minuto", "minute", "min"][..], 60),
        (&["hora", "hour", "h"][..], 3_600),
        (&["dia", "day", "día"][..], DAY),
        (&["semana", "week"][..], 7 * DAY),
        (&["mês", "mes", "month"][..], 30 * DAY),
        (&["ano", "year", "año"][..], 365 * DAY),
    ]
    .iter()
    .find(|(names, _)| names.iter().any(|n| unit.starts_with(n)))?
    .1;
    Some(Retention::Seconds(number.checked_mul(seconds)?))
}

impl CookieInfo {
    pub fn matches(&self, cookie_name: &str) -> bool {
        match self.name.strip_suffix('*') {
            Some(prefix) => cookie_name.starts_with(prefix),
            None => cookie_name == self.name,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoogleAnalytics {
    pub measurement_id: String,
    /// Consent-mode signal and the categories or services that must all be
    /// accepted to grant it.
    pub consent_mode: Vec<(String, Vec<String>)>,
}

pub const CONSENT_MODE_SIGNALS: [&str; 4] = [
    "analytics_storage",
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
];

#[derive(Debug, Clone, PartialEq)]
pub struct StorageSettings {
    pub key: String,
    pub cookie: Option<CookieMirror>,
}

/// Appended to the storage key: the host-only cookie that holds the record
/// where localStorage cannot, when the mirror has the key's own name.
pub const FALLBACK_COOKIE_SUFFIX: &str = "-local";
/// Appended to the storage key: receipts waiting for the receipts service.
pub const UNSENT_RECEIPTS_SUFFIX: &str = "-receipts";

impl StorageSettings {
    /// Whether a cookie or storage key of this name is one Biscoito keeps
    /// itself, as necessary as the choice it holds: the record, its fallback
    /// cookie and mirror, the receipts waiting to be sent, and the cookie a
    /// server turns into a Content-Security-Policy.
    pub fn is_own(&self, name: &str) -> bool {
        let after_key = name.strip_prefix(self.key.as_str());
        matches!(
            after_key,
            Some("" | FALLBACK_COOKIE_SUFFIX | UNSENT_RECEIPTS_SUFFIX)
        ) || self.cookie.as_ref().is_some_and(|c| c.name == name)
            || name == super::csp::SECURE_COOKIE
            || name == super::csp::PLAIN_COOKIE
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CookieMirror {
    pub name: String,
    pub domain: Option<String>,
    pub path: String,
    pub same_site: SameSite,
    /// `None`: Secure exactly when the page is served over https.
    pub secure: Option<bool>,
    /// Whether a wider choice found in the mirror is taken here. Any host
    /// under `domain` can write the mirror and the browser cannot say which
    /// did, so by default it can only narrow this host's consent.
    pub trust_every_host: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    Lax,
    Strict,
    None,
}

impl SameSite {
    pub fn as_str(self) -> &'static str {
        match self {
            SameSite::Lax => "Lax",
            SameSite::Strict => "Strict",
            SameSite::None => "None",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Theme {
    pub scheme: Scheme,
    /// A look to start from; `accent`, `radius` and `font` still override it.
    pub preset: Option<Preset>,
    /// `#rrggbb` or `#rgb`: the colour of the buttons and links.
    pub accent: Option<String>,
    pub radius_px: Option<u64>,
    pub font: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// The gov.br Design System (Padrão Digital de Governo, `@govbr-ds/core`).
    Govbr,
}

/// The dark colours of the gov.br preset, in two places of [`GOVBR_CSS`].
macro_rules! govbr_dark {
    () => {
        "--bsc-bg:#071d41;--bsc-fg:#fff;--bsc-muted:#c5d4eb;--bsc-accent:#c5d4eb;--bsc-on-accent:#071d41;--bsc-line:#7292c7;--bsc-focus:#ffbe2e"
    };
}

/// The gov.br preset as the banner's custom properties: light on the host
/// and in a forced light scheme, dark where the visitor's system asks for it
/// or the site forces it. The design system's tokens: light pure-0, gray-80,
/// gray-60, blue-warm-vivid-70 (its interactive colour), gray-40 and
/// gold-vivid-40 (its focus ring); dark blue-warm-vivid-90, pure-0,
/// blue-warm-20, blue-warm-40 and gold-vivid-20; pill buttons, semibold as the
/// design system's (its sites load Rawline's 600 face anyway), 8 px
/// corners, a dashed focus ring, Rawline (or Raleway) when the page has it.
/// A native test holds every pair to the contrast Biscoito guarantees.
pub const GOVBR_CSS: &str = concat!(
    ":host,.root[data-scheme=light]{--bsc-bg:#fff;--bsc-fg:#333;--bsc-muted:#636363;--bsc-accent:#1351b4;--bsc-on-accent:#fff;--bsc-line:#888;--bsc-focus:#c2850c;",
    "--bsc-radius:8px;--bsc-btn-radius:100em;--bsc-btn-weight:600;--bsc-focus-style:dashed;--bsc-font:Rawline,Raleway,sans-serif}",
    "@media (prefers-color-scheme:dark){:host{",
    govbr_dark!(),
    "}}.root[data-scheme=dark]{",
    govbr_dark!(),
    "}"
);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Auto,
    Light,
    Dark,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Bar,
    Box,
    Center,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Bar => "bar",
            Layout::Box => "box",
            Layout::Center => "center",
        }
    }
}

pub const NECESSARY: &str = "necessary";
pub const ANALYTICS: &str = "analytics";
/// The service Google Analytics is, unless `googleAnalytics.service` names another.
pub const GA_SERVICE: &str = "google-analytics";

impl Service {
    /// A service known only by its title, as a bare string in the config gives.
    pub fn named(id: &str, title: &str) -> Service {
        Service {
            id: id.to_owned(),
            title: title.to_owned(),
            description: Localized::default(),
            provider: String::new(),
            policy_url: None,
            cookies: Vec::new(),
            hosts: Vec::new(),
        }
    }
}

/// The id a service given by its title alone gets: "Google Analytics" is
/// "google-analytics", "Vídeos do Canal" is "videos-do-canal". Empty when
/// the title has no letter or digit to make one from.
pub fn id_from_title(title: &str) -> String {
    let mut id = String::new();
    for c in title.chars() {
        let folded = match c {
            'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
            'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' | 'Ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '-',
        };
        if folded != '-' || !(id.is_empty() || id.ends_with('-')) {
            id.push(folded);
        }
    }
    id.truncate(32);
    while id.ends_with('-') {
        id.pop();
    }
    id
}
pub const DEFAULT_STORAGE_KEY: &str = "biscoito-consent";
pub const MAX_EXPIRY_DAYS: u64 = 730;

fn ga_cookies() -> Vec<CookieInfo> {
    let cookie = |name: &str, pt: &str, en: &str, es: &str| CookieInfo {
        name: name.to_owned(),
        provider: "Google Analytics".to_owned(),
        purpose: Localized(vec![
            (Some(Lang::PtBr), pt.to_owned()),
            (Some(Lang::En), en.to_owned()),
            (Some(Lang::Es), es.to_owned()),
        ]),
        duration: Localized(vec![
            (Some(Lang::PtBr), "2 anos".to_owned()),
            (Some(Lang::En), "2 years".to_owned()),
            (Some(Lang::Es), "2 años".to_owned()),
        ]),
        third_party: true,
    };
    vec![
        cookie(
            "_ga",
            "Distingue visitantes para contar visitas",
            "Tells visitors apart to count visits",
            "Distingue visitantes para contar visitas",
        ),
        cookie(
            "_ga_*",
            "Mantém o estado da sessão de estatística",
            "Keeps the state of the statistics session",
            "Mantiene el estado de la sesión de estadística",
        ),
    ]
}

impl Default for Config {
    fn default() -> Self {
        Config {
            language: None,
            revision: 1,
            revision_date: None,
            expires_after_days: 180,
            policy_url: None,
            categories: vec![
                Category {
                    id: NECESSARY.to_owned(),
                    required: true,
                    title: Localized::default(),
                    description: Localized::default(),
                    cookies: Vec::new(),
                    services: Vec::new(),
                    hosts: Vec::new(),
                    legal_basis: LegalBasis::default_for(true),
                },
                Category {
                    id: ANALYTICS.to_owned(),
                    required: false,
                    title: Localized::default(),
                    description: Localized::default(),
                    cookies: ga_cookies(),
                    services: vec![Service::named(GA_SERVICE, "Google Analytics")],
                    hosts: Vec::new(),
                    legal_basis: LegalBasis::Consent,
                },
            ],
            google_analytics: None,
            storage: StorageSettings {
                key: DEFAULT_STORAGE_KEY.to_owned(),
                cookie: None,
            },
            respect_gpc: true,
            receipt_url: None,
            texts: Vec::new(),
            theme: Theme::default(),
            layout: Layout::Bar,
            floating_button: true,
            reload_on_revoke: true,
            csp: false,
            unresolved: Vec::new(),
        }
    }
}

impl Config {
    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn optional_categories(&self) -> impl Iterator<Item = &Category> {
        self.categories.iter().filter(|c| !c.required)
    }

    /// The service `id` and the category it belongs to.
    pub fn service(&self, id: &str) -> Option<(&Category, &Service)> {
        self.categories
            .iter()
            .find_map(|c| c.services.iter().find(|s| s.id == id).map(|s| (c, s)))
    }

    /// The maintainer's override for `key` in `lang`, if any.
    pub fn text_override(&self, lang: Lang, key: Text) -> Option<&str> {
        self.texts
            .iter()
            .find(|(l, k, _)| *l == lang && *k == key)
            .map(|(_, _, t)| t.as_str())
    }
}

/// One thing wrong with a config, at a field path such as `categories[1].id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl Problem {
    /// One line for the console and the API: `biscoito config: <path>: <message>`.
    pub fn line(&self) -> String {
        let mut s = String::from("biscoito config: ");
        s.push_str(if self.path.is_empty() {
            "(root)"
        } else {
            &self.path
        });
        s.push_str(": ");
        s.push_str(&self.message);
        s
    }
}

/// Cookie names gtag.js sets for analytics.
pub fn is_ga_cookie(name: &str) -> bool {
    name == "_ga" || name.starts_with("_ga_") || name == "_gid" || name.starts_with("_gat")
}

/// Cookie names that analytics and advertising tools set. Declaring them in a
/// required category would make tracking look strictly necessary.
pub fn is_tracking_cookie(name: &str) -> bool {
    const EXACT: [&str; 8] = [
        "_ga", "_gid", "_fbp", "_fbc", "IDE", "NID", "_clck", "_clsk",
    ];
    const PREFIXES: [&str; 7] = ["_ga_", "_gat", "_gcl_", "_hj", "_pk_", "__utm", "_uet"];
    let name = name.trim_end_matches('*');
    EXACT.contains(&name)
        || PREFIXES
            .iter()
            .any(|p| name.starts_with(p) || (name.len() > 2 && p.starts_with(name)))
}

/// YYYY-MM-DD with a month and a day that can exist.
fn is_iso_date(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    let number = |range: std::ops::Range<usize>| {
        b[range]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && (1..=12).contains(&number(5..7))
        && (1..=31).contains(&number(8..10))
}

/// Hosts of analytics and advertising tools. Declaring them under a required
/// category would let the tracker load before any choice.
pub fn is_tracking_host(host: &str) -> bool {
    const SITES: [&str; 12] = [
        "google-analytics.com",
        "googletagmanager.com",
        "doubleclick.net",
        "facebook.net",
        "facebook.com",
        "hotjar.com",
        "clarity.ms",
        "tiktok.com",
        "licdn.com",
        "ads.linkedin.com",
        "addthis.com",
        "sharethis.com",
    ];
    let host = host.strip_prefix("*.").unwrap_or(host);
    SITES.iter().any(|site| is_same_or_subdomain(host, site))
}

/// Validates a JSON config. Every problem found is returned, not just the first.
pub fn from_value(value: &Value) -> Result<Config, Vec<Problem>> {
    let mut problems = Vec::new();
    let config = read_config(value, &mut problems);
    if problems.is_empty() {
        Ok(config)
    } else {
        Err(problems)
    }
}

/// Reads the fields of one JSON object, remembering which ones were used so
/// that the rest can be reported as unknown.
struct Fields<'a, 'p> {
    path: String,
    entries: &'a [(String, Value)],
    used: Vec<bool>,
    problems: &'p mut Vec<Problem>,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        let mut p = String::with_capacity(path.len() + key.len() + 1);
        p.push_str(path);
        p.push('.');
        p.push_str(key);
        p
    }
}

fn index_path(path: &str, i: usize) -> String {
    let mut p = String::from(path);
    p.push('[');
    super::json::push_decimal(&mut p, i as u64);
    p.push(']');
    p
}

fn problem(problems: &mut Vec<Problem>, path: &str, message: &str) {
    problems.push(Problem {
        path: path.to_owned(),
        message: message.to_owned(),
    });
}

/// "must be <expected>, not <what it is>".
fn wrong_type(problems: &mut Vec<Problem>, path: &str, expected: &str, got: &Value) {
    let mut m = String::from("must be ");
    m.push_str(expected);
    m.push_str(", not ");
    m.push_str(got.kind());
    problem(problems, path, &m);
}

impl<'a, 'p> Fields<'a, 'p> {
    /// `None` (with a problem recorded) when `value` is not an object.
    fn open(value: &'a Value, path: String, problems: &'p mut Vec<Problem>) -> Option<Self> {
        match value {
            Value::Object(entries) => {
                for (i, (key, _)) in entries.iter().enumerate() {
                    if entries[..i].iter().any(|(k, _)| k == key) {
                        problem(problems, &child(&path, key), "appears more than once");
                    }
                }
                Some(Fields {
                    path,
                    used: vec![false; entries.len()],
                    entries,
                    problems,
                })
            }
            other => {
                wrong_type(problems, &path, "an object", other);
                None
            }
        }
    }

    /// The value at `key`, marked as used. Its path is built only when a
    /// problem needs it ([`Fields::at`]): most values have none.
    fn take(&mut self, key: &str) -> Option<&'a Value> {
        #[cfg(test)]
        assert!(
            super::schema::declares(&self.path, key),
            "the validator reads {}.{key}, which schema.rs does not declare",
            self.path
        );
        let i = self.entries.iter().position(|(k, _)| k == key)?;
        self.used[i] = true;
        Some(&self.entries[i].1)
    }

    /// The path of the field `key` of this object.
    fn at(&self, key: &str) -> String {
        child(&self.path, key)
    }

    /// Records `message` against the field `key` of this object.
    fn report(&mut self, key: &str, message: &str) {
        let path = self.at(key);
        problem(self.problems, &path, message);
    }

    fn wrong_type(&mut self, key: &str, expected: &str, got: &Value) {
        let path = self.at(key);
        wrong_type(self.problems, &path, expected, got);
    }

    fn boolean(&mut self, key: &str, default: bool) -> bool {
        match self.take(key) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(v) => {
                self.wrong_type(key, "true or false", v);
                default
            }
        }
    }

    fn string(&mut self, key: &str) -> Option<&'a str> {
        match self.take(key)? {
            Value::String(s) => Some(s),
            v => {
                self.wrong_type(key, "a string", v);
                None
            }
        }
    }

    fn whole(&mut self, key: &str, min: u64, max: u64, default: u64, range_text: &str) -> u64 {
        match self.take(key) {
            None => default,
            Some(v) => match v.as_whole() {
                Some(n) if (min..=max).contains(&n) => n,
                _ => {
                    let mut m = String::from("must be a whole number from ");
                    m.push_str(range_text);
                    self.report(key, &m);
                    default
                }
            },
        }
    }

    fn finish(self) {
        for (i, (key, _)) in self.entries.iter().enumerate() {
            let repeated = self.entries[..i].iter().any(|(k, _)| k == key);
            if !self.used[i] && !repeated {
                let path = child(&self.path, key);
                problem(
                    self.problems,
                    &path,
                    "is not a known setting (check its spelling)",
                );
            }
        }
    }
}

fn read_config(value: &Value, problems: &mut Vec<Problem>) -> Config {
    let mut config = Config::default();
    let Some(mut f) = Fields::open(value, String::new(), problems) else {
        return config;
    };
    // Editors' pointer to the JSON Schema: allowed, not used.
    let _ = f.string("$schema");
    if let Some(lang) = f.string("language") {
        if lang != "auto" {
            match parse_lang(lang) {
                Some(l) => config.language = Some(l),
                None => f.report("language", "must be \"auto\", \"pt-BR\", \"en\" or \"es\""),
            }
        }
    }
    config.revision = f.whole("revision", 0, u32::MAX as u64, 1, "0 to 4294967295");
    if let Some(date) = f.string("revisionDate") {
        if is_iso_date(date) {
            config.revision_date = Some(date.to_owned());
        } else {
            f.report(
                "revisionDate",
                "must be a date as YYYY-MM-DD, such as \"2026-12-01\"",
            );
        }
    }
    config.expires_after_days = f.whole(
        "expiresAfterDays",
        1,
        MAX_EXPIRY_DAYS,
        180,
        "1 to 730 (24 months)",
    );
    if let Some(url) = f.string("policyUrl") {
        config.policy_url = check_url(&mut f, "policyUrl", url);
    }
    if let Some(url) = f.string("receiptUrl") {
        config.receipt_url = check_url(&mut f, "receiptUrl", url);
    }
    config.respect_gpc = f.boolean("respectGpc", true);
    config.floating_button = f.boolean("floatingButton", true);
    config.reload_on_revoke = f.boolean("reloadOnRevoke", true);
    config.csp = f.boolean("csp", false);
    if let Some(layout) = f.string("layout") {
        match layout {
            "bar" => config.layout = Layout::Bar,
            "box" => config.layout = Layout::Box,
            "center" => config.layout = Layout::Center,
            _ => f.report("layout", "must be \"bar\", \"box\" or \"center\""),
        }
    }
    if let Some(v) = f.take("categories") {
        config.categories = read_categories(v, &f.at("categories"), f.problems);
    }
    if let Some(v) = f.take("googleAnalytics") {
        let path = f.at("googleAnalytics");
        config.google_analytics = read_google_analytics(v, path, &config.categories, f.problems);
    }
    if let Some(v) = f.take("storage") {
        config.storage = read_storage(v, f.at("storage"), f.problems);
    }
    if let Some(v) = f.take("texts") {
        config.texts = read_texts(v, f.at("texts"), f.problems);
    }
    if let Some(v) = f.take("theme") {
        config.theme = read_theme(v, f.at("theme"), f.problems);
    }
    if let Some(v) = f.take("unresolved") {
        let p = f.at("unresolved");
        for (j, item) in read_list(v, &p, f.problems).iter().enumerate() {
            match item {
                Value::String(s) => config.unresolved.push(s.clone()),
                other => wrong_type(f.problems, &index_path(&p, j), "a string", other),
            }
        }
    }
    f.finish();
    config
}

fn parse_lang(code: &str) -> Option<Lang> {
    super::i18n::LANGS
        .into_iter()
        .find(|l| l.code().eq_ignore_ascii_case(code))
}

/// Accepts relative URLs and http(s) URLs. Browsers ignore tabs and newlines
/// inside a URL and leading control characters, so "java\tscript:" is caught too.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    if cleaned.is_empty() || cleaned.chars().any(|c| c.is_control()) {
        return false;
    }
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']);
    match scheme_end {
        Some(end) if path_start.is_none_or(|p| end < p) => {
            let scheme = cleaned[..end].to_ascii_lowercase();
            scheme == "https" || scheme == "http"
        }
        _ => true,
    }
}

fn check_url(f: &mut Fields, key: &str, url: &str) -> Option<String> {
    if is_safe_url(url) {
        Some(url.trim().to_owned())
    } else {
        f.report(
            key,
            "must be an http(s) or relative URL (javascript:, data: and other schemes are refused)",
        );
        None
    }
}

/// A category's or service's id: lowercase letters, digits, `-` and `_`.
pub const MAX_ID_LEN: usize = 32;

pub fn is_identifier(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn is_cookie_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn read_list<'a>(value: &'a Value, path: &str, problems: &mut Vec<Problem>) -> &'a [Value] {
    match value {
        Value::Array(items) => items,
        other => {
            wrong_type(problems, path, "a list", other);
            &[]
        }
    }
}

fn read_localized(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Localized {
    match value {
        Value::String(s) => Localized::one(s),
        Value::Object(entries) => {
            let mut out = Vec::new();
            for (code, text) in entries {
                match (parse_lang(code), text) {
                    (Some(l), Value::String(t)) => out.push((Some(l), t.clone())),
                    (None, _) => problem(
                        problems,
                        &child(path, code),
                        "is not a supported language (pt-BR, en, es)",
                    ),
                    (_, other) => wrong_type(problems, &child(path, code), "a string", other),
                }
            }
            Localized(out)
        }
        other => {
            wrong_type(
                problems,
                path,
                "a string or an object of texts by language",
                other,
            );
            Localized::default()
        }
    }
}

fn read_categories(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Vec<Category> {
    let items = read_list(value, path, problems);
    let mut categories: Vec<Category> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(mut f) = Fields::open(item, index_path(path, i), problems) else {
            continue;
        };
        let mut category = Category {
            id: String::new(),
            required: f.boolean("required", false),
            title: Localized::default(),
            description: Localized::default(),
            cookies: Vec::new(),
            services: Vec::new(),
            hosts: Vec::new(),
            legal_basis: LegalBasis::Consent,
        };
        match f.string("id") {
            Some(id) if is_identifier(id, MAX_ID_LEN) => {
                if categories.iter().any(|c| c.id == id) {
                    f.report("id", "repeats the id of an earlier category");
                } else if categories
                    .iter()
                    .any(|c| c.services.iter().any(|s| s.id == id))
                {
                    f.report("id", "repeats the id of an earlier service");
                }
                category.id = id.to_owned();
            }
            Some(_) => f.report(
                "id",
                "must be 1 to 32 characters: lowercase letters, digits, - or _",
            ),
            None => f.report("id", "is missing"),
        }
        if let Some(v) = f.take("title") {
            category.title = read_localized(v, &f.at("title"), f.problems);
        }
        if let Some(v) = f.take("description") {
            category.description = read_localized(v, &f.at("description"), f.problems);
        }
        if let Some(v) = f.take("cookies") {
            let p = f.at("cookies");
            for (j, c) in read_list(v, &p, f.problems).iter().enumerate() {
                if let Some(cookie) =
                    read_cookie(c, index_path(&p, j), category.required, f.problems)
                {
                    category.cookies.push(cookie);
                }
            }
        }
        if let Some(v) = f.take("services") {
            let p = f.at("services");
            for (j, item) in read_list(v, &p, f.problems).iter().enumerate() {
                let taken = |id: &str| {
                    id == category.id
                        || category.services.iter().any(|s| s.id == id)
                        || categories
                            .iter()
                            .any(|c| c.id == id || c.services.iter().any(|s| s.id == id))
                };
                if let Some(service) = read_service(
                    item,
                    index_path(&p, j),
                    category.required,
                    &taken,
                    f.problems,
                ) {
                    category.services.push(service);
                }
            }
        }
        if let Some(v) = f.take("hosts") {
            category.hosts = read_hosts(v, &f.at("hosts"), f.problems);
        }
        category.legal_basis = LegalBasis::default_for(category.required);
        if let Some(name) = f.string("legalBasis") {
            match LegalBasis::parse(name) {
                Some(basis) if category.required || basis == LegalBasis::Consent => {
                    category.legal_basis = basis
                }
                // LGPD art. 8 and ANPD's guidance: what the visitor may refuse
                // rests on their consent, never on another basis.
                Some(_) => f.report(
                    "legalBasis",
                    "must be \"consent\" for an optional category: what the visitor may refuse rests on consent (LGPD art. 7 I and art. 8)",
                ),
                None => f.report(
                    "legalBasis",
                    "must be one of consent, legal-obligation, public-policy, research, contract, exercise-of-rights, protection-of-life, health-protection, legitimate-interest, credit-protection, public-service",
                ),
            }
        }
        if category.id == NECESSARY && !category.required {
            f.report("required", "must be true for the \"necessary\" category");
        }
        f.finish();
        categories.push(category);
    }
    if categories.is_empty() && problems.is_empty() {
        problem(problems, path, "must list at least one category");
    }
    categories
}

fn read_hosts(value: &Value, path: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    let mut hosts = Vec::new();
    for (j, h) in read_list(value, path, problems).iter().enumerate() {
        match h {
            Value::String(h) if is_host_pattern(h) => hosts.push(h.clone()),
            Value::String(_) => problem(
                problems,
                &index_path(path, j),
                "must be a host name such as \"cdn.example.org\" or \"*.example.org\": lowercase, no scheme, port or path",
            ),
            other => wrong_type(problems, &index_path(path, j), "a string", other),
        }
    }
    hosts
}

/// A service: a bare string is its title, and its id is made from it.
/// `taken` says whether an id is already a category's or a service's.
fn read_service(
    value: &Value,
    path: String,
    in_required: bool,
    taken: &dyn Fn(&str) -> bool,
    problems: &mut Vec<Problem>,
) -> Option<Service> {
    let (mut service, id_path, id_given) = match value {
        Value::String(title) if title.trim().is_empty() => {
            problem(problems, &path, "must not be empty");
            return None;
        }
        Value::String(title) => (Service::named("", title), path.clone(), false),
        _ => {
            let mut f = Fields::open(value, path, problems)?;
            let mut service = Service::named("", "");
            match f.string("title") {
                Some(title) if !title.trim().is_empty() => service.title = title.to_owned(),
                Some(_) => f.report("title", "must not be empty"),
                None => f.report("title", "is missing"),
            }
            let id_given = match f.string("id") {
                Some(id) if is_identifier(id, MAX_ID_LEN) => {
                    service.id = id.to_owned();
                    true
                }
                Some(_) => {
                    f.report(
                        "id",
                        "must be 1 to 32 characters: lowercase letters, digits, - or _",
                    );
                    true
                }
                None => false,
            };
            if let Some(v) = f.take("description") {
                service.description = read_localized(v, &f.at("description"), f.problems);
            }
            service.provider = f.string("provider").unwrap_or_default().to_owned();
            if let Some(url) = f.string("policyUrl") {
                service.policy_url = check_url(&mut f, "policyUrl", url);
            }
            if let Some(v) = f.take("cookies") {
                let p = f.at("cookies");
                for (j, c) in read_list(v, &p, f.problems).iter().enumerate() {
                    if let Some(cookie) = read_cookie(c, index_path(&p, j), in_required, f.problems)
                    {
                        service.cookies.push(cookie);
                    }
                }
            }
            if let Some(v) = f.take("hosts") {
                service.hosts = read_hosts(v, &f.at("hosts"), f.problems);
            }
            let id_path = f.at("id");
            f.finish();
            (service, id_path, id_given)
        }
    };
    if !id_given {
        service.id = id_from_title(&service.title);
        if service.id.is_empty() && !service.title.trim().is_empty() {
            problem(
                problems,
                &id_path,
                "cannot be made from this title: give the service an \"id\"",
            );
            return None;
        }
    }
    if !service.id.is_empty() && taken(&service.id) {
        let mut m = String::from("\"");
        m.push_str(&service.id);
        m.push_str("\" is already the id of a category or another service: ids of categories and services must all differ");
        if !id_given {
            m.push_str(" (write this service as an object with its own \"id\")");
        }
        problem(problems, &id_path, &m);
    }
    Some(service)
}

/// The id of an optional category, or of a service of one.
fn is_optional_id(categories: &[Category], id: &str) -> bool {
    categories.iter().any(|c| c.id == id && !c.required) || is_optional_service(categories, id)
}

fn is_optional_service(categories: &[Category], id: &str) -> bool {
    categories
        .iter()
        .any(|c| !c.required && c.services.iter().any(|s| s.id == id))
}

/// A lowercase host name, optionally led by "*." for its subdomains.
fn is_host_pattern(pattern: &str) -> bool {
    let host = pattern.strip_prefix("*.").unwrap_or(pattern);
    (1..=253).contains(&host.len())
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn read_cookie(
    value: &Value,
    path: String,
    in_required: bool,
    problems: &mut Vec<Problem>,
) -> Option<CookieInfo> {
    // A bare string is shorthand for a cookie known only by name.
    if let Value::String(name) = value {
        return checked_cookie_name(name, &path, in_required, problems).map(|name| CookieInfo {
            name,
            provider: String::new(),
            purpose: Localized::default(),
            duration: Localized::default(),
            third_party: false,
        });
    }
    let mut f = Fields::open(value, path, problems)?;
    let name = match f.string("name") {
        Some(n) => checked_cookie_name(n, &f.at("name"), in_required, f.problems),
        None => {
            f.report("name", "is missing");
            None
        }
    };
    let provider = f.string("provider").unwrap_or_default().to_owned();
    let purpose = f
        .take("purpose")
        .map(|v| read_localized(v, &f.at("purpose"), f.problems))
        .unwrap_or_default();
    let duration = f
        .take("duration")
        .map(|v| read_localized(v, &f.at("duration"), f.problems))
        .unwrap_or_default();
    let third_party = f.boolean("thirdParty", false);
    f.finish();
    Some(CookieInfo {
        name: name?,
        provider,
        purpose,
        duration,
        third_party,
    })
}

fn checked_cookie_name(
    name: &str,
    path: &str,
    in_required: bool,
    problems: &mut Vec<Problem>,
) -> Option<String> {
    let base = name.strip_suffix('*').unwrap_or(name);
    // Byte and char matches here and below, never str::contains: its substring
    // searcher would be in every visitor's download for these few checks.
    if !is_cookie_token(base) || base.as_bytes().contains(&b'*') {
        problem(
            problems,
            path,
            "must be a cookie name, optionally ending in * to match a prefix",
        );
        return None;
    }
    if in_required && is_tracking_cookie(name) {
        problem(
            problems,
            path,
            "is an analytics or advertising cookie and cannot be in a required category: it needs consent",
        );
    }
    Some(name.to_owned())
}

fn read_google_analytics(
    value: &Value,
    path: String,
    categories: &[Category],
    problems: &mut Vec<Problem>,
) -> Option<GoogleAnalytics> {
    let mut f = Fields::open(value, path, problems)?;
    let id = match f.string("measurementId") {
        Some(id) => {
            let body = id.strip_prefix("G-").unwrap_or("");
            if (4..=16).contains(&body.len())
                && body
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            {
                Some(id.to_owned())
            } else {
                f.report(
                    "measurementId",
                    "must look like G-XXXXXXXXXX (a GA4 measurement id)",
                );
                None
            }
        }
        None => {
            f.report("measurementId", "is missing");
            None
        }
    };
    let mut consent_mode: Vec<(String, Vec<String>)> =
        vec![("analytics_storage".to_owned(), vec![ANALYTICS.to_owned()])];
    if let Some(v) = f.take("consentMode") {
        consent_mode.clear();
        if let Some(mut m) = Fields::open(v, f.at("consentMode"), f.problems) {
            for signal in CONSENT_MODE_SIGNALS {
                let Some(list) = m.take(signal) else {
                    continue;
                };
                let lp = m.at(signal);
                let mut needed = Vec::new();
                for (j, c) in read_list(list, &lp, m.problems).iter().enumerate() {
                    match c.as_str() {
                        Some(id) if is_optional_id(categories, id) => needed.push(id.to_owned()),
                        _ => problem(
                            m.problems,
                            &index_path(&lp, j),
                            "must be the id of an optional category or of one of its services",
                        ),
                    }
                }
                if needed.is_empty() {
                    problem(m.problems, &lp, "must name at least one optional category");
                }
                consent_mode.push((signal.to_owned(), needed));
            }
            m.finish();
        }
    } else if !categories.iter().any(|c| c.id == ANALYTICS && !c.required) {
        f.report(
            "consentMode",
            "is needed: there is no optional \"analytics\" category to map analytics_storage to",
        );
    }
    // Google Analytics is a service: where a signal names the category that
    // holds it, the visitor's choice of that one service is what counts.
    let service = match f.string("service") {
        Some(id) if is_optional_service(categories, id) => Some(id),
        Some(_) => {
            f.report(
                "service",
                "must be the id of a service of an optional category",
            );
            None
        }
        None => Some(GA_SERVICE).filter(|id| is_optional_service(categories, id)),
    };
    if let Some(service) = service {
        let home = categories
            .iter()
            .find(|c| c.services.iter().any(|s| s.id == service));
        for (_, needed) in &mut consent_mode {
            for id in needed.iter_mut() {
                if home.is_some_and(|c| c.id == *id) {
                    *id = service.to_owned();
                }
            }
        }
    }
    f.finish();
    Some(GoogleAnalytics {
        measurement_id: id?,
        consent_mode,
    })
}

fn read_storage(value: &Value, path: String, problems: &mut Vec<Problem>) -> StorageSettings {
    let mut settings = StorageSettings {
        key: DEFAULT_STORAGE_KEY.to_owned(),
        cookie: None,
    };
    let Some(mut f) = Fields::open(value, path, problems) else {
        return settings;
    };
    if let Some(key) = f.string("key") {
        if is_cookie_token(key) && key.len() <= 64 {
            settings.key = key.to_owned();
        } else {
            f.report("key", "must be 1 to 64 letters, digits, - _ or .");
        }
    }
    if let Some(v) = f.take("cookie") {
        settings.cookie = read_cookie_mirror(v, f.at("cookie"), &settings.key, f.problems);
    }
    f.finish();
    settings
}

fn read_cookie_mirror(
    value: &Value,
    path: String,
    default_name: &str,
    problems: &mut Vec<Problem>,
) -> Option<CookieMirror> {
    if matches!(value, Value::Bool(false)) {
        return None;
    }
    let mut mirror = CookieMirror {
        name: default_name.to_owned(),
        domain: None,
        path: "/".to_owned(),
        same_site: SameSite::Lax,
        secure: None,
        trust_every_host: false,
    };
    if matches!(value, Value::Bool(true)) {
        return Some(mirror);
    }
    let mut f = Fields::open(value, path, problems)?;
    if let Some(name) = f.string("name") {
        if is_cookie_token(name) {
            mirror.name = name.to_owned();
        } else {
            f.report("name", "must be a valid cookie name");
        }
    }
    if let Some(domain) = f.string("domain") {
        let bare = domain.strip_prefix('.').unwrap_or(domain);
        if !bare.is_empty()
            && bare.len() <= 253
            && bare.as_bytes().contains(&b'.')
            && bare
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        {
            mirror.domain = Some(bare.to_ascii_lowercase());
        } else {
            f.report("domain", "must be a host name such as \"example.gov.br\"");
        }
    }
    if let Some(cookie_path) = f.string("path") {
        if cookie_path.starts_with('/')
            && !cookie_path
                .bytes()
                .any(|b| b == b';' || b < b' ' || b == 0x7f)
        {
            mirror.path = cookie_path.to_owned();
        } else {
            f.report(
                "path",
                "must start with / and contain no ; or control characters",
            );
        }
    }
    if let Some(same_site) = f.string("sameSite") {
        match same_site.to_ascii_lowercase().as_str() {
            "lax" => mirror.same_site = SameSite::Lax,
            "strict" => mirror.same_site = SameSite::Strict,
            "none" => mirror.same_site = SameSite::None,
            _ => f.report("sameSite", "must be \"Lax\", \"Strict\" or \"None\""),
        }
    }
    if let Some(v) = f.take("secure") {
        match v {
            Value::Bool(b) => mirror.secure = Some(*b),
            other => f.wrong_type("secure", "true or false", other),
        }
    }
    if let Some(v) = f.take("trustEveryHost") {
        match v {
            Value::Bool(b) => mirror.trust_every_host = *b,
            other => f.wrong_type("trustEveryHost", "true or false", other),
        }
    }
    if mirror.same_site == SameSite::None && mirror.secure == Some(false) {
        f.report(
            "sameSite",
            "\"None\" needs secure: browsers refuse SameSite=None cookies without Secure",
        );
    }
    f.finish();
    Some(mirror)
}

fn read_texts(
    value: &Value,
    path: String,
    problems: &mut Vec<Problem>,
) -> Vec<(Lang, Text, String)> {
    let mut out = Vec::new();
    let Some(mut f) = Fields::open(value, path, problems) else {
        return out;
    };
    for (code, texts) in f.entries {
        let lang_path = child(&f.path, code);
        let Some(lang) = parse_lang(code) else {
            problem(
                f.problems,
                &lang_path,
                "is not a supported language (pt-BR, en, es)",
            );
            continue;
        };
        let Some(mut t) = Fields::open(texts, lang_path, f.problems) else {
            continue;
        };
        for (name, text) in t.entries {
            match (Text::from_name(name), text) {
                (Some(key), Value::String(s)) => out.push((lang, key, s.clone())),
                (None, _) => t.report(name, "is not a known text name"),
                (_, other) => t.wrong_type(name, "a string", other),
            }
        }
        t.used.fill(true);
        t.finish();
    }
    f.used.fill(true);
    f.finish();
    out
}

fn is_hex_colour(s: &str) -> bool {
    s.strip_prefix('#')
        .is_some_and(|h| (h.len() == 3 || h.len() == 6) && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// WCAG relative luminance of a `#rgb`/`#rrggbb` colour (already validated).
pub fn luminance(colour: &str) -> f64 {
    let hex = colour.trim_start_matches('#').as_bytes();
    let digit = |i: usize| (hex[i] as char).to_digit(16).unwrap_or(0);
    let channel = |i: usize| -> f64 {
        let value = if hex.len() == 3 {
            digit(i) * 17
        } else {
            digit(2 * i) * 16 + digit(2 * i + 1)
        };
        let c = value as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            pow_2_4((c + 0.055) / 1.055)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
}

/// `x^2.4` for x in (0, 1], as x² times the fifth root of x² by Newton's
/// method: `f64::powf` links libm's `pow` (2 KB of wasm) for this one use.
fn pow_2_4(x: f64) -> f64 {
    let square = x * x;
    let mut root = square.sqrt().sqrt();
    for _ in 0..12 {
        let fourth = root * root * root * root;
        root = (4.0 * root + square / fourth) / 5.0;
    }
    square * root
}

/// WCAG contrast ratio between two luminances.
pub fn contrast(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a > b { (a, b) } else { (b, a) };
    (hi + 0.05) / (lo + 0.05)
}

/// The font list lands inside a stylesheet, so it must not be able to end a
/// declaration or a rule. In ASCII only letters, digits and the separators of a
/// family list pass; any other character (accented and non-Latin family names)
/// passes unless it is a control. Every non-ASCII code point is a name character
/// to the CSS tokenizer, and telling letters from symbols there would ship
/// Unicode's letter tables (2 kB gzipped) to every visitor.
fn is_font_list(font: &str) -> bool {
    !font.is_empty()
        && font.len() <= 200
        && font.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, ' ' | ',' | '\'' | '"' | '-')
                || (!c.is_ascii() && !c.is_control())
        })
}

fn read_theme(value: &Value, path: String, problems: &mut Vec<Problem>) -> Theme {
    let mut theme = Theme::default();
    let Some(mut f) = Fields::open(value, path, problems) else {
        return theme;
    };
    if let Some(scheme) = f.string("scheme") {
        match scheme {
            "auto" => theme.scheme = Scheme::Auto,
            "light" => theme.scheme = Scheme::Light,
            "dark" => theme.scheme = Scheme::Dark,
            _ => f.report("scheme", "must be \"auto\", \"light\" or \"dark\""),
        }
    }
    if let Some(preset) = f.string("preset") {
        match preset {
            "govbr" => theme.preset = Some(Preset::Govbr),
            _ => f.report("preset", "must be \"govbr\""),
        }
    }
    if let Some(accent) = f.string("accent") {
        if !is_hex_colour(accent) {
            f.report("accent", "must be a colour written #rgb or #rrggbb");
        } else if contrast(luminance(accent), 1.0) < 4.5 {
            // The accent colours links and button faces on the white light theme.
            f.report(
                "accent",
                "must contrast at least 4.5:1 with white (WCAG 1.4.3); choose a darker colour",
            );
        } else {
            theme.accent = Some(accent.to_owned());
        }
    }
    if let Some(v) = f.take("radius") {
        match v.as_whole() {
            Some(r) if r <= 24 => theme.radius_px = Some(r),
            _ => f.report("radius", "must be a whole number of pixels from 0 to 24"),
        }
    }
    if let Some(font) = f.string("font") {
        if is_font_list(font) {
            theme.font = Some(font.to_owned());
        } else {
            f.report(
                "font",
                "must be a CSS font-family list (letters, digits, spaces, commas, quotes, hyphens)",
            );
        }
    }
    f.finish();
    theme
}

/// A config with services in two categories, for the engine's tests.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn services_example() -> Config {
    let json = r#"{"categories": [
        {"id": "necessary", "required": true},
        {"id": "analytics", "services": ["Google Analytics",
            {"id": "hotjar", "title": "Hotjar", "cookies": ["_hj*"]}]},
        {"id": "videos", "services": [
            {"id": "youtube", "title": "YouTube", "provider": "Google LLC",
             "policyUrl": "https://policies.google.com/privacy", "hosts": ["*.youtube-nocookie.com"],
             "description": {"pt-BR": "Vídeos das audiências", "en": "Hearing videos"}},
            {"id": "vimeo", "title": "Vimeo"}]}],
        "googleAnalytics": {"measurementId": "G-ABCDEF1234"}}"#;
    from_value(&super::json::parse(json).unwrap()).unwrap()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::json::parse;
    use super::*;

    #[test]
    fn declared_durations_are_read_in_three_languages() {
        const DAY: u64 = 86_400;
        for (text, retention) in [
            ("2 anos", Retention::Seconds(730 * DAY)),
            ("6 meses", Retention::Seconds(180 * DAY)),
            ("1 mês", Retention::Seconds(30 * DAY)),
            ("1 year", Retention::Seconds(365 * DAY)),
            ("30 días", Retention::Seconds(30 * DAY)),
            ("24 horas", Retention::Seconds(DAY)),
            ("Sessão", Retention::Session),
            ("until the browser closes (session)", Retention::Session),
        ] {
            assert_eq!(read_retention(text), Some(retention), "{text}");
        }
        for unknown in [
            "",
            "persistente",
            "dois anos",
            "2",
            "9999999999999999999 anos",
        ] {
            assert_eq!(read_retention(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn biscoitos_own_names_are_the_record_its_copies_its_receipts_and_the_csp_cookie() {
        let mut s = Config::default().storage;
        s.key = "tj-consent".into();
        for own in [
            "tj-consent",
            "tj-consent-local",
            "tj-consent-receipts",
            "__Host-biscoito-csp",
            "biscoito-csp",
        ] {
            assert!(s.is_own(own), "{own}");
        }
        for other in ["tj-consent-x", "tj", "_ga", "tj-consentlocal"] {
            assert!(!s.is_own(other), "{other}");
        }
    }

    #[test]
    fn the_contrast_power_matches_powf_for_every_channel_value() {
        for value in 11..=255u32 {
            let x = (value as f64 / 255.0 + 0.055) / 1.055;
            let (ours, libm) = (pow_2_4(x), x.powf(2.4));
            assert!((ours - libm).abs() <= 1e-14, "{value}: {ours} vs {libm}");
        }
    }

    fn problems_of(json: &str) -> Vec<Problem> {
        from_value(&parse(json).unwrap()).unwrap_err()
    }

    fn paths_of(json: &str) -> Vec<String> {
        problems_of(json).into_iter().map(|p| p.path).collect()
    }

    #[test]
    fn each_problem_names_the_field_it_concerns() {
        // The validator names a field's path only when it reports on it, so
        // every key appears twice in its source: read, then reported.
        let json = r##"{
            "language": "fr", "policyUrl": "javascript:x", "receiptUrl": "data:x",
            "layout": "side", "revision": -1, "respectGpc": "yes",
            "categories": [
                {"id": "necessary", "required": false, "cookies": [{"provider": "x"}], "title": {"fr": "x"}},
                {"id": "Bad Id", "description": 3, "services": [1]}
            ],
            "googleAnalytics": {"measurementId": "UA-1"},
            "storage": {"key": "a b", "cookie": {"name": "a;b", "domain": "localhost", "path": "x", "sameSite": "None", "secure": false}},
            "texts": {"en": {"bannerTitle": 1, "nope": "x"}},
            "theme": {"scheme": "sepia", "accent": "#ffff00", "radius": 99, "font": "x;y"}
        }"##;
        let mut paths = paths_of(json);
        paths.sort();
        let mut expected = [
            "language",
            "policyUrl",
            "receiptUrl",
            "layout",
            "revision",
            "respectGpc",
            "categories[0].required",
            "categories[0].cookies[0].name",
            "categories[0].title.fr",
            "categories[1].id",
            "categories[1].description",
            "categories[1].services[0]",
            "googleAnalytics.measurementId",
            "googleAnalytics.consentMode",
            "storage.key",
            "storage.cookie.name",
            "storage.cookie.domain",
            "storage.cookie.path",
            "storage.cookie.sameSite",
            "texts.en.bannerTitle",
            "texts.en.nope",
            "theme.scheme",
            "theme.accent",
            "theme.radius",
            "theme.font",
        ];
        expected.sort();
        assert_eq!(paths, expected);
    }

    #[test]
    fn consent_mode_problems_name_the_signal_and_the_entry() {
        let json = r#"{"googleAnalytics": {"measurementId": "G-ABCDEF1234",
            "consentMode": {"analytics_storage": ["analytics", "necessary"], "ad_storage": []}}}"#;
        assert_eq!(
            paths_of(json),
            [
                "googleAnalytics.consentMode.analytics_storage[1]",
                "googleAnalytics.consentMode.ad_storage",
            ]
        );
    }

    #[test]
    fn empty_object_is_the_default() {
        assert_eq!(
            from_value(&parse("{}").unwrap()).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn hosts_are_plain_lowercase_names_and_wildcards_cover_subdomains() {
        let config = from_value(
            &parse(
                r#"{"categories": [{"id": "necessary", "required": true, "hosts": ["cdn.gov.br"]},
                {"id": "videos", "hosts": ["*.youtube-nocookie.com", "player.vimeo.com"]}]}"#,
            )
            .unwrap(),
        )
        .unwrap();
        let videos = config.category("videos").unwrap();
        assert!(config.category_declares(videos, "www.youtube-nocookie.com"));
        assert!(config.category_declares(videos, "youtube-nocookie.com"));
        assert!(!config.category_declares(videos, "evilyoutube-nocookie.com"));
        assert!(!config.category_declares(videos, "vimeo.com"));
        assert!(config.category_declares(config.category("necessary").unwrap(), "cdn.gov.br"));
        let problems = from_value(
            &parse(
                r#"{"categories": [{"id": "necessary", "required": true,
                "hosts": ["https://cdn.gov.br", "CDN.gov.br", "cdn.gov.br/x", "*.", 7, "a..b"]}]}"#,
            )
            .unwrap(),
        )
        .unwrap_err();
        let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "categories[0].hosts[0]",
                "categories[0].hosts[1]",
                "categories[0].hosts[2]",
                "categories[0].hosts[3]",
                "categories[0].hosts[4]",
                "categories[0].hosts[5]"
            ]
        );
    }

    #[test]
    fn the_govbr_preset_meets_the_contrast_biscoito_guarantees() {
        // The light block, then the dark one (the forced dark block repeats it).
        let blocks: Vec<&str> = GOVBR_CSS
            .split('{')
            .filter_map(|b| b.split('}').next())
            .filter(|b| b.contains("--bsc-bg"))
            .collect();
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[1], blocks[2]);
        for block in &blocks[..2] {
            let colour = |name: &str| {
                let value = block
                    .split(';')
                    .find_map(|d| d.strip_prefix(name)?.strip_prefix(':'))
                    .unwrap();
                assert!(is_hex_colour(value), "{name}: {value}");
                luminance(value)
            };
            let background = colour("--bsc-bg");
            // Text and links (WCAG 1.4.3), then borders and the focus ring (1.4.11).
            for (name, least) in [
                ("--bsc-fg", 4.5),
                ("--bsc-muted", 4.5),
                ("--bsc-accent", 4.5),
                ("--bsc-line", 3.0),
                ("--bsc-focus", 3.0),
            ] {
                assert!(
                    contrast(colour(name), background) >= least,
                    "{name} in {block}"
                );
            }
            assert!(
                contrast(colour("--bsc-on-accent"), colour("--bsc-accent")) >= 4.5,
                "{block}"
            );
        }
        let config =
            from_value(&parse(r#"{"theme": {"preset": "govbr", "radius": 4}}"#).unwrap()).unwrap();
        assert_eq!(config.theme.preset, Some(Preset::Govbr));
        assert_eq!(config.theme.radius_px, Some(4));
        let problems =
            from_value(&parse(r#"{"theme": {"preset": "material"}}"#).unwrap()).unwrap_err();
        assert_eq!(problems[0].path, "theme.preset");
    }

    #[test]
    fn default_has_necessary_on_and_statistics_optional() {
        let c = Config::default();
        let ids: Vec<_> = c
            .categories
            .iter()
            .map(|c| (c.id.as_str(), c.required))
            .collect();
        assert_eq!(ids, [(NECESSARY, true), (ANALYTICS, false)]);
        assert!(c.respect_gpc);
        assert!(c.receipt_url.is_none());
        assert!(c.expires_after_days <= MAX_EXPIRY_DAYS);
    }

    #[test]
    fn a_full_config_is_read() {
        let c = from_value(
            &parse(
                r##"{
            "language": "en", "revision": 3, "expiresAfterDays": 365, "policyUrl": "/privacidade",
            "categories": [
              {"id": "necessary", "required": true, "cookies": ["PHPSESSID"]},
              {"id": "analytics", "title": {"pt-BR": "Estatística", "en": "Stats"},
               "cookies": [{"name": "_ga*", "provider": "Google", "purpose": "Conta visitas", "duration": "2 anos", "thirdParty": true}],
               "services": ["Google Analytics"]},
              {"id": "video", "title": "Vídeos"}
            ],
            "googleAnalytics": {"measurementId": "G-ABC1234567", "consentMode": {"analytics_storage": ["analytics"], "ad_storage": ["video"]}},
            "storage": {"key": "consent", "cookie": {"domain": ".tj.example.gov.br", "sameSite": "Strict"}},
            "respectGpc": false, "receiptUrl": "https://example.gov.br/recibos",
            "texts": {"pt-BR": {"acceptAll": "Aceitar"}},
            "theme": {"scheme": "dark", "accent": "#004080", "radius": 6, "font": "Verdana, sans-serif"},
            "layout": "box", "floatingButton": false, "reloadOnRevoke": false
        }"##,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(c.language, Some(Lang::En));
        assert_eq!(c.revision, 3);
        assert_eq!(c.categories.len(), 3);
        assert_eq!(c.categories[1].title.get(Lang::En), Some("Stats"));
        assert_eq!(c.categories[1].title.get(Lang::Es), Some("Estatística"));
        assert!(c.categories[1].cookies[0].matches("_ga_XYZ"));
        assert!(!c.categories[1].cookies[0].matches("x_ga"));
        let ga = c.google_analytics.clone().unwrap();
        assert_eq!(
            ga.consent_mode[1],
            ("ad_storage".to_owned(), vec!["video".to_owned()])
        );
        let mirror = c.storage.cookie.clone().unwrap();
        assert_eq!(
            (mirror.name.as_str(), mirror.domain.as_deref()),
            ("consent", Some("tj.example.gov.br"))
        );
        assert_eq!(mirror.same_site, SameSite::Strict);
        assert_eq!(
            c.text_override(Lang::PtBr, Text::AcceptAll),
            Some("Aceitar")
        );
        assert_eq!(c.theme.radius_px, Some(6));
        assert_eq!(c.layout, Layout::Box);
        assert!(!c.respect_gpc && !c.floating_button && !c.reload_on_revoke);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let paths = paths_of(
            r#"{"langauge": "pt-BR", "expiresAfterDays": 900, "policyUrl": "javascript:alert(1)",
                "categories": [{"id": "analytics"}, {"id": "analytics"}, {"id": "Bad Id"}],
                "googleAnalytics": {"measurementId": "UA-1234-1"}, "theme": {"accent": "red"}}"#,
        );
        assert_eq!(
            paths,
            [
                "expiresAfterDays",
                "policyUrl",
                "categories[1].id",
                "categories[2].id",
                "googleAnalytics.measurementId",
                "theme.accent",
                "langauge"
            ]
        );
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let p = problems_of(r#"{"revision": "2", "respectGpc": "yes", "categories": {}}"#);
        assert_eq!(
            p[0].line(),
            "biscoito config: revision: must be a whole number from 0 to 4294967295"
        );
        assert_eq!(
            p[1].line(),
            "biscoito config: respectGpc: must be true or false, not string"
        );
        assert_eq!(
            p[2].line(),
            "biscoito config: categories: must be a list, not object"
        );
        assert_eq!(
            problems_of("[]")[0].line(),
            "biscoito config: (root): must be an object, not array"
        );
    }

    #[test]
    fn analytics_cookies_cannot_be_declared_necessary() {
        let paths = paths_of(
            r#"{"categories": [{"id": "necessary", "required": true, "cookies": ["session", "_ga", {"name": "_gat*"}]}]}"#,
        );
        assert_eq!(
            paths,
            ["categories[0].cookies[1]", "categories[0].cookies[2].name"]
        );
    }

    #[test]
    fn duplicate_keys_and_unknown_nested_keys_are_reported() {
        let paths = paths_of(
            r#"{"revision": 1, "revision": 2, "storage": {"cookie": {"domian": "x.br"}}}"#,
        );
        assert_eq!(paths, ["revision", "storage.cookie.domian"]);
    }

    #[test]
    fn dangerous_url_schemes_are_refused_in_every_disguise() {
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "java\tscript:x",
            "\u{1}javascript:x",
            "data:text/html,x",
            "vbscript:x",
            "",
        ] {
            assert!(!is_safe_url(bad), "{bad:?}");
        }
        for good in [
            "/privacidade",
            "privacidade.html",
            "https://x.gov.br/p",
            "http://localhost:8080/p",
            "?a=b:c",
            "#cookies",
            "/a:b",
        ] {
            assert!(is_safe_url(good), "{good:?}");
        }
    }

    #[test]
    fn measurement_ids_must_be_ga4() {
        for bad in [
            "G-",
            "G-abc12345",
            "UA-123-1",
            "G-ABC",
            "G-ABCDEFGHIJKLMNOPQ",
            "G-ABC DEF",
        ] {
            let json = format!(r#"{{"googleAnalytics": {{"measurementId": "{bad}"}}}}"#);
            assert_eq!(paths_of(&json), ["googleAnalytics.measurementId"], "{bad}");
        }
    }

    #[test]
    fn same_site_none_needs_secure_and_necessary_must_be_required() {
        let paths = paths_of(
            r#"{"storage": {"cookie": {"sameSite": "None", "secure": false}}, "categories": [{"id": "necessary"}]}"#,
        );
        assert_eq!(paths, ["categories[0].required", "storage.cookie.sameSite"]);
    }

    #[test]
    fn accent_colours_must_keep_text_readable() {
        assert_eq!(
            paths_of(r##"{"theme": {"accent": "#ffcc00"}}"##),
            ["theme.accent"]
        );
        assert!(from_value(&parse(r##"{"theme": {"accent": "#6b1d1d"}}"##).unwrap()).is_ok());
        assert!((contrast(luminance("#000"), luminance("#ffffff")) - 21.0).abs() < 1e-9);
        assert!((contrast(luminance("#0b57a4"), 1.0) - 7.2).abs() < 0.1);
    }

    #[test]
    fn font_lists_keep_non_latin_names_and_cannot_break_out_of_css() {
        for font in [
            "Verdana, sans-serif",
            "\"Fira Sans\", Ubuntu",
            "Noto Sans JP, 游ゴシック",
            "Ópera Sans",
        ] {
            assert!(is_font_list(font), "{font}");
        }
        for font in [
            "",
            "a;color:red",
            "a}b",
            "url(x)",
            "a\\62",
            "x/*",
            "a\u{85}b",
            "a\nb",
        ] {
            assert!(!is_font_list(font), "{font:?}");
        }
        assert!(!is_font_list(&"a".repeat(201)));
        assert_eq!(
            paths_of(r#"{"theme": {"font": "serif; x"}}"#),
            ["theme.font"]
        );
    }

    #[test]
    fn texts_reject_unknown_languages_and_names() {
        let paths = paths_of(
            r#"{"texts": {"fr": {"acceptAll": "Oui"}, "en": {"acceptEverything": "Yes", "rejectAll": 5}}}"#,
        );
        assert_eq!(
            paths,
            [
                "texts.fr",
                "texts.en.acceptEverything",
                "texts.en.rejectAll"
            ]
        );
    }

    #[test]
    fn services_are_titles_or_objects_with_ids_unique_in_the_whole_config() {
        let c = services_example();
        let ids: Vec<&str> = c
            .categories
            .iter()
            .flat_map(|c| &c.services)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(ids, ["google-analytics", "hotjar", "youtube", "vimeo"]);
        let (videos, youtube) = c.service("youtube").unwrap();
        assert_eq!(videos.id, "videos");
        assert_eq!(youtube.provider, "Google LLC");
        assert!(
            c.category_declares(videos, "www.youtube-nocookie.com"),
            "a service's hosts are its category's too"
        );
        assert!(c
            .category("analytics")
            .unwrap()
            .all_cookies()
            .any(|k| k.matches("_hjSession")));
        assert_eq!(
            id_from_title("Vídeos do Canal — TV Justiça"),
            "videos-do-canal-tv-justica"
        );
        assert_eq!(id_from_title("  !!"), "");

        let paths = paths_of(
            r#"{"categories": [{"id": "necessary", "required": true},
                {"id": "videos", "services": ["Vídeos", {"id": "videos", "title": "Outro"}, "", {"title": "Sem id"}, "Sem Id", "!!", {"id": "Mau", "title": "x", "extra": 1}]},
                {"id": "youtube", "services": [{"id": "sem-id", "title": "y"}]}]}"#,
        );
        assert_eq!(
            paths,
            [
                "categories[1].services[0]",
                "categories[1].services[1].id",
                "categories[1].services[2]",
                "categories[1].services[4]",
                "categories[1].services[5]",
                "categories[1].services[6].id",
                "categories[1].services[6].extra",
                "categories[2].services[0].id",
            ]
        );
        let message = &problems_of(r#"{"categories": [{"id": "videos", "services": ["Videos"]}]}"#)
            [0]
        .message;
        assert!(
            message.contains("write this service as an object"),
            "{message}"
        );
    }

    #[test]
    fn an_optional_category_rests_on_consent_and_a_required_one_defaults_to_the_public_service() {
        let c = Config::default();
        assert_eq!(c.categories[0].legal_basis, LegalBasis::PublicService);
        assert_eq!(c.categories[1].legal_basis, LegalBasis::Consent);
        let c = from_value(&parse(r#"{"categories": [{"id": "necessary", "required": true, "legalBasis": "legitimate-interest"}]}"#).unwrap()).unwrap();
        assert_eq!(c.categories[0].legal_basis, LegalBasis::LegitimateInterest);
        let problems = problems_of(
            r#"{"categories": [{"id": "necessary", "required": true, "legalBasis": "vontade"},
            {"id": "analytics", "legalBasis": "legitimate-interest"}]}"#,
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].path, "categories[0].legalBasis");
        assert_eq!(problems[1].path, "categories[1].legalBasis");
        assert!(
            problems[1].message.contains("consent"),
            "{}",
            problems[1].message
        );
        for basis in LegalBasis::ALL {
            assert_eq!(LegalBasis::parse(basis.as_str()), Some(basis));
        }
    }

    #[test]
    fn google_analytics_signals_follow_its_service() {
        let c = services_example();
        let ga = c.google_analytics.as_ref().unwrap();
        assert_eq!(
            ga.consent_mode,
            [(
                "analytics_storage".to_owned(),
                vec!["google-analytics".to_owned()]
            )]
        );
        // Without a google-analytics service, the category as before.
        let c = from_value(
            &parse(
                r#"{"categories": [{"id": "analytics", "services": ["Matomo"]}],
            "googleAnalytics": {"measurementId": "G-ABCDEF1234"}}"#,
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(c.google_analytics.unwrap().consent_mode[0].1, ["analytics"]);
        let c = from_value(&parse(r#"{"categories": [{"id": "stats", "services": [{"id": "ga4", "title": "GA"}, "Matomo"]}],
            "googleAnalytics": {"measurementId": "G-ABCDEF1234", "service": "ga4", "consentMode": {"analytics_storage": ["stats"], "ad_storage": ["ga4"]}}}"#).unwrap()).unwrap();
        assert_eq!(
            c.google_analytics.unwrap().consent_mode,
            [
                ("analytics_storage".to_owned(), vec!["ga4".to_owned()]),
                ("ad_storage".to_owned(), vec!["ga4".to_owned()])
            ]
        );
        assert_eq!(
            paths_of(
                r#"{"googleAnalytics": {"measurementId": "G-ABCDEF1234", "service": "youtube"}}"#
            ),
            ["googleAnalytics.service"]
        );
    }
}
