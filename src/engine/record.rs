//! The consent record: what the visitor decided, when, how, and for which
//! revision of the policy. It is the proof LGPD art. 8 §2 asks the
//! controller to keep, and the only thing that can ever turn on an optional
//! category.

use super::config::{Config, LegalBasis};
use super::json::{Value, Writer};

/// Bump when the stored shape changes; records of other versions are ignored.
pub const SCHEMA: u64 = 1;
const DAY_MS: u64 = 86_400_000;
/// How far a record's clock may run ahead of ours before it counts as forged.
pub(crate) const CLOCK_SKEW_MS: u64 = 10 * 60 * 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    AcceptAll,
    RejectAll,
    Custom,
    Gpc,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::AcceptAll => "accept-all",
            Method::RejectAll => "reject-all",
            Method::Custom => "custom",
            Method::Gpc => "gpc",
        }
    }
    fn parse(s: &str) -> Option<Method> {
        [
            Method::AcceptAll,
            Method::RejectAll,
            Method::Custom,
            Method::Gpc,
        ]
        .into_iter()
        .find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: String,
    pub revision: u64,
    /// One entry per category of the config, required ones included (always
    /// true). A category with services is true only when all of them are.
    pub decisions: Vec<(String, bool)>,
    /// One entry per service of the config. `None` for a record stored before
    /// services could be chosen one by one: each of its category decisions
    /// stands for that category's services.
    pub services: Option<Vec<(String, bool)>>,
    /// Each category's legal basis as the visitor was shown it (empty in a
    /// record stored before bases were recorded).
    pub legal_bases: Vec<(String, String)>,
    pub method: Method,
    pub created_ms: u64,
    pub updated_ms: u64,
    pub expires_ms: u64,
    /// The language the banner was shown in, part of what the visitor was told.
    pub language: String,
}

/// Why a stored record does not count as consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    Malformed,
    UnknownSchema,
    /// Made under an earlier revision of the policy: the visitor is asked again.
    OtherRevision,
    /// Made under a later revision than this page's (a page from a cache, or a
    /// sibling site not yet updated): not consent here, but not this page's
    /// to delete either.
    NewerRevision,
    Expired,
    FromTheFuture,
    /// The config has a category the visitor was never asked about.
    MissingCategory,
    /// The config has a service the visitor was never asked about.
    MissingService,
    /// Claims a required category was refused, or the dates do not add up.
    Tampered,
}

impl Invalid {
    pub fn as_str(self) -> &'static str {
        match self {
            Invalid::Malformed => "malformed",
            Invalid::UnknownSchema => "unknown-schema",
            Invalid::OtherRevision => "other-revision",
            Invalid::NewerRevision => "newer-revision",
            Invalid::Expired => "expired",
            Invalid::FromTheFuture => "from-the-future",
            Invalid::MissingCategory => "missing-category",
            Invalid::MissingService => "missing-service",
            Invalid::Tampered => "tampered",
        }
    }
}

impl Record {
    /// A new decision. `accepted` lists the optional categories and services
    /// the visitor turned on (a category turns on all its services);
    /// everything else optional is refused, whatever else `accepted` holds.
    pub fn decide(
        config: &Config,
        accepted: &[&str],
        method: Method,
        now_ms: u64,
        id: String,
        language: &str,
    ) -> Record {
        let mut decisions = Vec::with_capacity(config.categories.len());
        let mut services = Vec::new();
        let mut legal_bases = Vec::with_capacity(config.categories.len());
        for c in &config.categories {
            let whole = c.required || accepted.contains(&c.id.as_str());
            let mut every_service_on = true;
            for s in &c.services {
                let on = whole || accepted.contains(&s.id.as_str());
                every_service_on &= on;
                services.push((s.id.clone(), on));
            }
            // Choosing each service of a category is choosing the category.
            let on = whole || (!c.services.is_empty() && every_service_on);
            decisions.push((c.id.clone(), on));
            legal_bases.push((c.id.clone(), c.legal_basis.as_str().to_owned()));
        }
        Record {
            id,
            revision: config.revision,
            decisions,
            services: Some(services),
            legal_bases,
            method,
            created_ms: now_ms,
            updated_ms: now_ms,
            expires_ms: now_ms.saturating_add(config.expires_after_days * DAY_MS),
            language: language.to_owned(),
        }
    }

    /// A later decision by the same visitor keeps the consent id and creation time.
    pub fn revise(
        &self,
        config: &Config,
        accepted: &[&str],
        method: Method,
        now_ms: u64,
        language: &str,
    ) -> Record {
        let mut next = Record::decide(config, accepted, method, now_ms, self.id.clone(), language);
        if self.revision == config.revision && self.created_ms <= now_ms {
            next.created_ms = self.created_ms;
        }
        next
    }

    /// Whether the whole category is accepted (every service of it, if it has any).
    pub fn accepted(&self, category: &str) -> bool {
        self.decisions.iter().any(|(id, on)| id == category && *on)
    }

    /// Whether `service`, of `category`, is accepted.
    pub fn service_accepted(&self, service: &str, category: &str) -> bool {
        match &self.services {
            Some(services) => services.iter().any(|(id, on)| id == service && *on),
            None => self.accepted(category),
        }
    }

    /// Whether this record says no, by name, to `id` of `category` (`id`
    /// equal to `category` for a category without services). A service it
    /// does not name is refused when its category is: the record may come
    /// from a sibling site whose category holds other services, and reading
    /// a partial "no" as a whole one errs on the side of refusing.
    fn names_as_refused(&self, id: &str, category: &str) -> bool {
        for (name, on) in self.services.iter().flatten() {
            if name == id {
                return !on;
            }
        }
        for (name, on) in &self.decisions {
            if name == category {
                return !on;
            }
        }
        false
    }

    /// This record with whatever `later` refuses taken away, or `None` when
    /// `later` withdraws nothing. `later` may come from another host (the
    /// parent-domain cookie mirror): it can only ever take consent away,
    /// never add any, and it need not have been made under this config.
    pub fn narrowed_by(&self, config: &Config, later: &Record, now_ms: u64) -> Option<Record> {
        let mut kept = Vec::new();
        let mut withdrawn = false;
        for category in config.categories.iter().filter(|c| !c.required) {
            if category.services.is_empty() {
                if self.accepted(&category.id) {
                    if later.names_as_refused(&category.id, &category.id) {
                        withdrawn = true;
                    } else {
                        kept.push(category.id.as_str());
                    }
                }
                continue;
            }
            for service in &category.services {
                if self.service_accepted(&service.id, &category.id) {
                    if later.names_as_refused(&service.id, &category.id) {
                        withdrawn = true;
                    } else {
                        kept.push(service.id.as_str());
                    }
                }
            }
        }
        if !withdrawn {
            return None;
        }
        let method = if kept.is_empty() {
            Method::RejectAll
        } else {
            Method::Custom
        };
        let mut narrowed = self.revise(config, &kept, method, now_ms, &self.language);
        // Taking consent away does not renew what is left of it.
        narrowed.expires_ms = narrowed.expires_ms.min(self.expires_ms);
        Some(narrowed)
    }

    /// The categories and services this record accepts: given back to
    /// [`Record::decide`], they make the same choice.
    pub fn accepted_ids(&self) -> Vec<&str> {
        let mut ids = Vec::new();
        for list in [Some(&self.decisions), self.services.as_ref()]
            .into_iter()
            .flatten()
        {
            for (id, on) in list {
                if *on {
                    ids.push(id.as_str());
                }
            }
        }
        ids
    }

    pub fn to_json(&self) -> String {
        let mut w = Writer::new();
        self.write(&mut w);
        w.finish()
    }

    fn write(&self, w: &mut Writer) {
        w.begin_object();
        w.key("schema");
        w.whole(SCHEMA);
        w.key("id");
        w.string(&self.id);
        w.key("revision");
        w.whole(self.revision);
        w.key("decisions");
        w.begin_object();
        for (id, on) in &self.decisions {
            w.key(id);
            w.boolean(*on);
        }
        w.end_object();
        if let Some(services) = &self.services {
            w.key("services");
            w.begin_object();
            for (id, on) in services {
                w.key(id);
                w.boolean(*on);
            }
            w.end_object();
        }
        if !self.legal_bases.is_empty() {
            w.key("legalBasis");
            w.begin_object();
            for (id, basis) in &self.legal_bases {
                w.key(id);
                w.string(basis);
            }
            w.end_object();
        }
        w.key("method");
        w.string(self.method.as_str());
        w.key("createdAt");
        w.whole(self.created_ms);
        w.key("updatedAt");
        w.whole(self.updated_ms);
        w.key("expiresAt");
        w.whole(self.expires_ms);
        w.key("language");
        w.string(&self.language);
        w.end_object();
    }

    /// The record as `Biscoito.consent()` and event details show it: the same
    /// shape as the stored JSON.
    pub fn view(&self) -> RecordView<'_> {
        RecordView(self)
    }

    /// What is sent to the controller's receipt endpoint: the record and the
    /// page it was given on, and nothing that identifies the person.
    pub fn receipt_json(&self, page_url: &str) -> String {
        let mut w = Writer::new();
        w.begin_object();
        w.key("record");
        self.write(&mut w);
        w.key("page");
        w.string(strip_query(page_url));
        w.end_object();
        w.finish()
    }

    /// Reads a stored record. Anything unexpected makes it [`Invalid::Malformed`].
    pub fn from_value(value: &Value) -> Result<Record, Invalid> {
        read(value)
    }

    /// The same reading, naming the field that stopped it: what the receipts
    /// service answers a client with.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_value_naming_field(value: &Value) -> Result<Record, BadField> {
        read(value)
    }

    /// Whether this record is consent under `config` at `now_ms`.
    pub fn check(&self, config: &Config, now_ms: u64) -> Result<(), Invalid> {
        if self.revision < config.revision {
            return Err(Invalid::OtherRevision);
        }
        if self.revision > config.revision {
            return Err(Invalid::NewerRevision);
        }
        let latest_allowed = now_ms.saturating_add(CLOCK_SKEW_MS);
        if self.created_ms > latest_allowed || self.updated_ms > latest_allowed {
            return Err(Invalid::FromTheFuture);
        }
        let longest = config.expires_after_days * DAY_MS;
        if self.created_ms > self.updated_ms
            || self.expires_ms > self.updated_ms.saturating_add(longest)
        {
            return Err(Invalid::Tampered);
        }
        if now_ms >= self.expires_ms {
            return Err(Invalid::Expired);
        }
        for category in &config.categories {
            let whole = match self.decisions.iter().find(|(id, _)| *id == category.id) {
                None => return Err(Invalid::MissingCategory),
                Some((_, false)) if category.required => return Err(Invalid::Tampered),
                Some((_, on)) => *on,
            };
            let Some(services) = &self.services else {
                continue;
            };
            for service in &category.services {
                match services.iter().find(|(id, _)| *id == service.id) {
                    None => return Err(Invalid::MissingService),
                    // A whole category accepted means each of its services
                    // is; a record that says otherwise was edited.
                    Some((_, false)) if category.required || whole => {
                        return Err(Invalid::Tampered)
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }
}

/// How [`read`] reports a field it cannot take: the browser only needs the
/// reason, so the field names cost nothing in its build.
trait Fault {
    fn at(field: &'static str, why: Invalid) -> Self;
}

impl Fault for Invalid {
    fn at(_: &'static str, why: Invalid) -> Invalid {
        why
    }
}

/// A record's field that could not be read, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadField {
    pub field: &'static str,
    pub why: Invalid,
}

#[cfg(not(target_arch = "wasm32"))]
impl BadField {
    /// What the field must hold, in words for an error message.
    pub fn expected(&self) -> &'static str {
        match (self.field, self.why) {
            ("schema", Invalid::UnknownSchema) => "must be 1, the only record schema there is",
            ("schema" | "revision" | "createdAt" | "updatedAt" | "expiresAt", _) => {
                "must be a whole number from 0 to 2^53 - 1"
            }
            ("id", _) => "must be a string of 1 to 64 characters",
            ("decisions" | "services", _) => "must be an object whose values are true or false",
            ("legalBasis", _) => "must be an object whose values are legal-basis names",
            ("method", _) => "must be one of accept-all, reject-all, custom, gpc",
            _ => "must be a string",
        }
    }
}

impl Fault for BadField {
    fn at(field: &'static str, why: Invalid) -> BadField {
        BadField { field, why }
    }
}

fn read<E: Fault>(value: &Value) -> Result<Record, E> {
    use Invalid::Malformed;
    let bad = |field| E::at(field, Malformed);
    let schema = value
        .get("schema")
        .and_then(Value::as_whole)
        .ok_or_else(|| bad("schema"))?;
    if schema != SCHEMA {
        return Err(E::at("schema", Invalid::UnknownSchema));
    }
    let text = |key| {
        value
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| bad(key))
    };
    let whole = |key| {
        value
            .get(key)
            .and_then(Value::as_whole)
            .ok_or_else(|| bad(key))
    };
    let id = text("id")?;
    if id.is_empty() || id.len() > 64 {
        return Err(bad("id"));
    }
    let choices = |key| match value.get(key) {
        Some(Value::Object(entries)) => entries
            .iter()
            .map(|(k, v)| v.as_bool().map(|b| (k.clone(), b)).ok_or_else(|| bad(key)))
            .collect::<Result<Vec<_>, _>>(),
        _ => Err(bad(key)),
    };
    let decisions = choices("decisions")?;
    let services = match value.get("services") {
        None => None,
        Some(_) => Some(choices("services")?),
    };
    let legal_bases = match value.get("legalBasis") {
        None => Vec::new(),
        Some(Value::Object(entries)) => entries
            .iter()
            .map(|(k, v)| {
                v.as_str()
                    .and_then(LegalBasis::parse)
                    .map(|b| (k.clone(), b.as_str().to_owned()))
                    .ok_or_else(|| bad("legalBasis"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(_) => return Err(bad("legalBasis")),
    };
    Ok(Record {
        id: id.to_owned(),
        revision: whole("revision")?,
        decisions,
        services,
        legal_bases,
        method: Method::parse(text("method")?).ok_or_else(|| bad("method"))?,
        created_ms: whole("createdAt")?,
        updated_ms: whole("updatedAt")?,
        expires_ms: whole("expiresAt")?,
        language: text("language")?.to_owned(),
    })
}

/// A page address without its query string and fragment, which can carry
/// what identifies a person (a CPF in a search, a case number).
pub fn strip_query(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// Serializes a [`Record`] in its stored shape, decisions as an object.
pub struct RecordView<'a>(&'a Record);

/// Decisions or legal bases by id, as a JSON object.
struct EntryMap<'a, V>(&'a [(String, V)]);

impl<V: serde::Serialize> serde::Serialize for EntryMap<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (id, value) in self.0 {
            map.serialize_entry(id, value)?;
        }
        map.end()
    }
}

/// A map, not a struct, to serde: the same object for every format here, and
/// serde-wasm-bindgen then has no use for its cache of interned field names
/// (a hash map, over 2 kB of every visitor's download).
impl serde::Serialize for RecordView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        // Numbers go out as f64, which is what they are in JavaScript (all of
        // them whole and below 2^53, as Record::from_value checks): the u64
        // path of serde-wasm-bindgen brings core::fmt along for its error text.
        let number = |n: u64| n as f64;
        let mut out = s.serialize_map(None)?;
        out.serialize_entry("schema", &number(SCHEMA))?;
        out.serialize_entry("id", &r.id)?;
        out.serialize_entry("revision", &number(r.revision))?;
        out.serialize_entry("decisions", &EntryMap(&r.decisions))?;
        if let Some(services) = &r.services {
            out.serialize_entry("services", &EntryMap(services))?;
        }
        if !r.legal_bases.is_empty() {
            out.serialize_entry("legalBasis", &EntryMap(&r.legal_bases))?;
        }
        out.serialize_entry("method", r.method.as_str())?;
        out.serialize_entry("createdAt", &number(r.created_ms))?;
        out.serialize_entry("updatedAt", &number(r.updated_ms))?;
        out.serialize_entry("expiresAt", &number(r.expires_ms))?;
        out.serialize_entry("language", &r.language)?;
        out.end()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::json::parse;
    use super::*;

    const NOW: u64 = 1_790_000_000_000;

    #[test]
    fn the_api_view_has_the_stored_shape() {
        let r = record(&["analytics"]);
        let view: serde_json::Value = serde_json::to_value(r.view()).unwrap();
        let stored: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(as_javascript(view), as_javascript(stored));
    }

    /// JSON as JavaScript sees it: every number a double.
    fn as_javascript(value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value as J;
        match value {
            J::Number(n) => n.as_f64().map_or(J::Null, |f| serde_json::json!(f)),
            J::Object(o) => J::Object(o.into_iter().map(|(k, v)| (k, as_javascript(v))).collect()),
            J::Array(a) => J::Array(a.into_iter().map(as_javascript).collect()),
            other => other,
        }
    }

    fn record(accepted: &[&str]) -> Record {
        Record::decide(
            &Config::default(),
            accepted,
            Method::Custom,
            NOW,
            "abc".into(),
            "pt-BR",
        )
    }

    fn reparse(text: &str) -> Result<Record, Invalid> {
        Record::from_value(&parse(text).map_err(|_| Invalid::Malformed)?)
    }

    #[test]
    fn round_trip_through_json() {
        let r = record(&["analytics"]);
        assert_eq!(reparse(&r.to_json()), Ok(r.clone()));
        assert!(r.accepted("necessary") && r.accepted("analytics"));
        assert_eq!(r.check(&Config::default(), NOW + 1), Ok(()));
    }

    #[test]
    fn unknown_categories_in_a_decision_are_never_accepted() {
        let r = record(&["marketing", "analytics"]);
        assert!(!r.accepted("marketing"));
        assert_eq!(r.decisions.len(), 2);
    }

    #[test]
    fn validity_rules() {
        let config = Config::default();
        let r = record(&[]);
        assert_eq!(r.check(&config, NOW), Ok(()));
        let expiry = NOW + config.expires_after_days * DAY_MS;
        assert_eq!(r.check(&config, expiry - 1), Ok(()));
        assert_eq!(r.check(&config, expiry), Err(Invalid::Expired));
        assert_eq!(
            r.check(&config, NOW - CLOCK_SKEW_MS - 1),
            Err(Invalid::FromTheFuture)
        );
        let bumped = Config {
            revision: 2,
            ..Config::default()
        };
        assert_eq!(r.check(&bumped, NOW), Err(Invalid::OtherRevision));
        let mut stretched = r.clone();
        stretched.expires_ms += DAY_MS;
        assert_eq!(stretched.check(&config, NOW), Err(Invalid::Tampered));
        let mut refused_necessary = r.clone();
        refused_necessary.decisions[0].1 = false;
        assert_eq!(
            refused_necessary.check(&config, NOW),
            Err(Invalid::Tampered)
        );
        let mut missing = r;
        missing.decisions.pop();
        assert_eq!(missing.check(&config, NOW), Err(Invalid::MissingCategory));
    }

    #[test]
    fn corrupt_or_foreign_records_are_malformed_never_a_panic() {
        for text in [
            "{}",
            "null",
            "[]",
            r#"{"schema":1}"#,
            r#"{"schema":1,"id":"a","revision":1,"decisions":{"analytics":"yes"},"method":"custom","createdAt":1,"updatedAt":1,"expiresAt":2,"language":"pt-BR"}"#,
            r#"{"schema":1,"id":"a","revision":-1,"decisions":{},"method":"custom","createdAt":1,"updatedAt":1,"expiresAt":2,"language":"x"}"#,
            r#"{"schema":1,"id":"a","revision":1,"decisions":{},"method":"sure","createdAt":1,"updatedAt":1,"expiresAt":2,"language":"x"}"#,
            r#"{"schema":1,"id":"","revision":1,"decisions":{},"method":"custom","createdAt":1,"updatedAt":1,"expiresAt":2,"language":"x"}"#,
            r#"{"schema":1,"id":"a","revision":1.5,"decisions":{},"method":"custom","createdAt":1,"updatedAt":1,"expiresAt":2,"language":"x"}"#,
        ] {
            assert_eq!(reparse(text), Err(Invalid::Malformed), "{text}");
        }
        assert_eq!(reparse(r#"{"schema":2}"#), Err(Invalid::UnknownSchema));
    }

    #[test]
    fn revising_keeps_the_consent_id_and_creation_time() {
        let first = record(&[]);
        let later = first.revise(
            &Config::default(),
            &["analytics"],
            Method::AcceptAll,
            NOW + 5000,
            "en",
        );
        assert_eq!(
            (later.id.as_str(), later.created_ms, later.updated_ms),
            ("abc", NOW, NOW + 5000)
        );
        assert!(later.accepted("analytics"));
        assert_eq!(later.check(&Config::default(), NOW + 6000), Ok(()));
    }

    #[test]
    fn receipts_carry_no_query_string() {
        let json = record(&[]).receipt_json("https://x.gov.br/processo?cpf=123#top");
        assert!(json.contains(r#""page":"https://x.gov.br/processo""#));
        assert!(!json.contains("cpf"));
    }

    #[test]
    fn a_decision_per_service_and_a_category_accepted_only_whole() {
        use super::super::config::services_example;
        let c = services_example();
        let decide =
            |ids: &[&str]| Record::decide(&c, ids, Method::Custom, NOW, "x".into(), "pt-BR");
        let some = decide(&["youtube", "google-analytics"]);
        assert!(!some.accepted("videos") && !some.accepted("analytics"));
        assert!(some.service_accepted("youtube", "videos"));
        assert!(!some.service_accepted("vimeo", "videos"));
        let whole = decide(&["videos", "google-analytics", "hotjar"]);
        assert!(
            whole.accepted("videos") && whole.accepted("analytics"),
            "every service chosen is the category chosen"
        );
        assert!(whole.service_accepted("vimeo", "videos"));
        // What a record accepts, given back, makes the same choice.
        let ids = some.accepted_ids();
        assert_eq!(ids, ["necessary", "google-analytics", "youtube"]);
        assert_eq!(decide(&ids).decisions, some.decisions);
        assert_eq!(decide(&ids).services, some.services);
        // Both are stored, with each category's legal basis, and read back.
        let json = some.to_json();
        assert!(json.contains(r#""services":{"google-analytics":true,"hotjar":false,"youtube":true,"vimeo":false}"#), "{json}");
        assert!(json.contains(r#""legalBasis":{"necessary":"public-service","analytics":"consent","videos":"consent"}"#), "{json}");
        assert_eq!(reparse(&json).unwrap(), some);
        assert!(some
            .receipt_json("https://x.gov.br/")
            .contains(r#""youtube":true"#));
        assert_eq!(some.check(&c, NOW), Ok(()));
    }

    #[test]
    fn records_from_before_services_stay_valid_and_a_new_service_asks_again() {
        use super::super::config::services_example;
        let c = services_example();
        // As the previous release stored it: decisions per category only.
        let legacy = reparse(r#"{"schema":1,"id":"abc","revision":1,"decisions":{"necessary":true,"analytics":true,"videos":false},"method":"custom","createdAt":1790000000000,"updatedAt":1790000000000,"expiresAt":1805552000000,"language":"pt-BR"}"#).unwrap();
        assert_eq!(legacy.check(&c, NOW), Ok(()));
        assert!(legacy.service_accepted("hotjar", "analytics"));
        assert!(!legacy.service_accepted("youtube", "videos"));
        // A record that has services must cover every service of the config.
        let made = Record::decide(&c, &["youtube"], Method::Custom, NOW, "x".into(), "pt-BR");
        let mut more = c.clone();
        more.categories[2]
            .services
            .push(super::super::config::Service::named(
                "dailymotion",
                "Dailymotion",
            ));
        assert_eq!(made.check(&more, NOW), Err(Invalid::MissingService));
        // A whole category with one of its services refused was edited.
        let mut edited = Record::decide(&c, &["videos"], Method::Custom, NOW, "x".into(), "pt-BR");
        edited.services.as_mut().unwrap()[3].1 = false;
        assert_eq!(edited.check(&c, NOW), Err(Invalid::Tampered));
        assert_eq!(
            reparse(
                &made
                    .to_json()
                    .replace(r#""youtube":true"#, r#""youtube":1"#)
            ),
            Err(Invalid::Malformed)
        );
        assert_eq!(
            reparse(&made.to_json().replace(r#""consent""#, r#""whim""#)),
            Err(Invalid::Malformed)
        );
    }
}
