//! The rules that turn a config, whatever storage held and the browser's
//! signals into what may run and whether to ask.

use super::config::Config;
use super::json::Value;
use super::record::{Invalid, Method, Record};

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// The consent in force, if any. `None` means nothing optional runs.
    pub record: Option<Record>,
    /// A new record made here (from GPC) that the caller must store.
    pub store: bool,
    /// Why a stored record was set aside, for the console.
    pub discarded: Option<Invalid>,
    /// Whether the caller must delete the stored text: set aside and not
    /// replaced, unless it belongs to a newer policy revision.
    pub clear_stored: bool,
}

impl Decision {
    /// The visitor is asked exactly when no consent is in force. The browser
    /// layer asks the same of its state when it draws, since the page may
    /// have chosen through the API in between.
    pub fn show_banner(&self) -> bool {
        self.record.is_none()
    }
}

/// What the page starts with. `stored` is the parsed JSON from storage
/// (`Err` when the text was not JSON at all).
pub fn evaluate(
    config: &Config,
    stored: Option<Result<Value, ()>>,
    now_ms: u64,
    gpc: bool,
    new_id: impl FnOnce() -> String,
    language: &str,
) -> Decision {
    let mut discarded = None;
    if let Some(stored) = stored {
        let checked = stored
            .map_err(|_| Invalid::Malformed)
            .and_then(|v| Record::from_value(&v))
            .and_then(|r| r.check(config, now_ms).map(|_| r));
        match checked {
            Ok(record) => {
                return Decision {
                    record: Some(record),
                    store: false,
                    discarded: None,
                    clear_stored: false,
                }
            }
            Err(why) => discarded = Some(why),
        }
    }
    // A choice made under a newer policy stays for the pages that have it.
    let keep_stored = discarded == Some(Invalid::NewerRevision);
    if gpc && config.respect_gpc {
        // The signal is the visitor's refusal, given in advance: record it
        // as such rather than asking a question already answered.
        let record = Record::decide(config, &[], Method::Gpc, now_ms, new_id(), language);
        return Decision {
            record: Some(record),
            store: !keep_stored,
            discarded,
            clear_stored: false,
        };
    }
    Decision {
        record: None,
        store: false,
        clear_stored: discarded.is_some() && !keep_stored,
        discarded,
    }
}

/// Whether content needing every one of `categories` may run. Required
/// categories are always allowed; a category the config does not know never is.
pub fn allows<'a>(
    config: &Config,
    record: Option<&Record>,
    categories: impl IntoIterator<Item = &'a str>,
) -> bool {
    let mut any = false;
    for id in categories {
        any = true;
        let ok = match config.category(id) {
            Some(c) if c.required => true,
            Some(_) => record.is_some_and(|r| r.accepted(id)),
            None => false,
        };
        if !ok {
            return false;
        }
    }
    any
}

/// Splits a `data-category` attribute ("analytics marketing" or "analytics,marketing").
pub fn category_list(attribute: &str) -> impl Iterator<Item = &str> {
    attribute
        .split([' ', ',', '\t', '\n'])
        .filter(|s| !s.is_empty())
}

/// The optional categories accepted before and refused now: what a change revokes.
pub fn revoked<'a>(
    config: &Config,
    before: Option<&'a Record>,
    after: Option<&Record>,
) -> Vec<&'a str> {
    let Some(before) = before else {
        return Vec::new();
    };
    before
        .accepted_ids()
        .filter(|id| config.category(id).is_some_and(|c| !c.required))
        .filter(|id| !after.is_some_and(|a| a.accepted(id)))
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::super::json::parse;
    use super::*;

    const NOW: u64 = 1_790_000_000_000;

    /// A record accepting analytics, made with `method` at NOW.
    fn analytics_on(c: &Config, method: Method) -> Record {
        Record::decide(c, &["analytics"], method, NOW, "x".into(), "pt-BR")
    }

    /// What storage would hand back for `record`.
    fn stored(record: &Record) -> Option<Result<Value, ()>> {
        Some(Ok(parse(&record.to_json()).unwrap()))
    }

    fn id() -> String {
        "fresh".to_owned()
    }

    #[test]
    fn nothing_stored_asks_and_allows_nothing_optional() {
        let c = Config::default();
        let d = evaluate(&c, None, NOW, false, id, "pt-BR");
        assert!(d.show_banner() && d.record.is_none());
        assert!(!allows(&c, d.record.as_ref(), ["analytics"]));
        assert!(allows(&c, d.record.as_ref(), ["necessary"]));
    }

    #[test]
    fn a_valid_record_is_used_without_asking() {
        let c = Config::default();
        let r = analytics_on(&c, Method::AcceptAll);
        let d = evaluate(&c, stored(&r), NOW + 1000, true, id, "pt-BR");
        assert!(!d.show_banner() && !d.store);
        assert!(allows(&c, d.record.as_ref(), ["analytics"]));
        assert!(allows(&c, d.record.as_ref(), ["analytics", "necessary"]));
        assert!(!allows(&c, d.record.as_ref(), ["analytics", "marketing"]));
        assert!(!allows(&c, d.record.as_ref(), []));
    }

    #[test]
    fn corrupt_or_stale_storage_asks_again_and_says_why() {
        let c = Config::default();
        let d = evaluate(&c, Some(Err(())), NOW, false, id, "pt-BR");
        assert_eq!(
            (d.show_banner(), d.discarded),
            (true, Some(Invalid::Malformed))
        );
        let old = analytics_on(&c, Method::AcceptAll);
        let bumped = Config {
            revision: 2,
            ..Config::default()
        };
        let d = evaluate(&bumped, stored(&old), NOW, false, id, "pt-BR");
        assert_eq!(
            (d.show_banner(), d.discarded),
            (true, Some(Invalid::OtherRevision))
        );
        assert!(!allows(&bumped, d.record.as_ref(), ["analytics"]));
        assert!(d.clear_stored, "a stale record is deleted");
    }

    #[test]
    fn a_page_of_an_older_revision_asks_but_keeps_a_newer_record() {
        let newer = Config {
            revision: 2,
            ..Config::default()
        };
        let record = analytics_on(&newer, Method::AcceptAll);
        let older = Config::default();
        let d = evaluate(&older, stored(&record), NOW, false, id, "pt-BR");
        assert_eq!(
            (d.show_banner(), d.discarded, d.clear_stored, d.store),
            (true, Some(Invalid::NewerRevision), false, false)
        );
        assert!(!allows(&older, d.record.as_ref(), ["analytics"]));
        // With GPC the stale page refuses for itself without overwriting.
        let d = evaluate(&older, stored(&record), NOW, true, id, "pt-BR");
        assert_eq!(
            (d.show_banner(), d.store, d.clear_stored),
            (false, false, false)
        );
        assert!(!allows(&older, d.record.as_ref(), ["analytics"]));
    }

    #[test]
    fn gpc_is_a_stored_refusal_unless_the_site_opts_out_of_honouring_it() {
        let c = Config::default();
        let d = evaluate(&c, None, NOW, true, id, "pt-BR");
        let r = d.record.as_ref().unwrap();
        assert!(!d.show_banner() && d.store);
        assert_eq!((r.method, r.id.as_str()), (Method::Gpc, "fresh"));
        assert!(!allows(&c, Some(r), ["analytics"]));
        let ignoring = Config {
            respect_gpc: false,
            ..Config::default()
        };
        assert!(evaluate(&ignoring, None, NOW, true, id, "pt-BR").show_banner());
    }

    #[test]
    fn an_explicit_choice_outranks_gpc() {
        let c = Config::default();
        let r = analytics_on(&c, Method::Custom);
        let d = evaluate(&c, stored(&r), NOW, true, id, "pt-BR");
        assert!(allows(&c, d.record.as_ref(), ["analytics"]));
    }

    #[test]
    fn revocation_lists_what_was_turned_off() {
        let c = Config::default();
        let on = analytics_on(&c, Method::AcceptAll);
        let off = on.revise(&c, &[], Method::RejectAll, NOW, "pt-BR");
        assert_eq!(revoked(&c, Some(&on), Some(&off)), ["analytics"]);
        assert!(revoked(&c, Some(&off), Some(&on)).is_empty());
        assert_eq!(revoked(&c, Some(&on), None), ["analytics"]);
    }

    #[test]
    fn category_lists_split_on_spaces_and_commas() {
        assert_eq!(
            category_list(" analytics, video\tads ").collect::<Vec<_>>(),
            ["analytics", "video", "ads"]
        );
    }
}
