//! The rules that turn a config, whatever storage held and the browser's
//! signals into what may run and whether to ask.

use super::config::{is_ga_cookie, Category, Config, CookieInfo};
use super::json::Value;
use super::record::{Invalid, Method, Record, CLOCK_SKEW_MS};

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
    /// `store` writes this host's copy only: the record came from the cookie
    /// mirror, which already holds the later word (written back, it could
    /// erase a sibling's refusal of a service this host does not know).
    pub store_here_only: bool,
    /// Why a cookie mirror was not read, for the console.
    pub mirror_set_aside: Option<Invalid>,
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
                    store_here_only: false,
                    mirror_set_aside: None,
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
            store_here_only: false,
            mirror_set_aside: None,
        };
    }
    Decision {
        record: None,
        store: false,
        clear_stored: discarded.is_some() && !keep_stored,
        discarded,
        store_here_only: false,
        mirror_set_aside: None,
    }
}

/// What the parent-domain cookie mirror changes in `decision`, which was
/// made from this host's own storage. `mirrors` holds every cookie of the
/// mirror's name the page sees (a host-only cookie, or one with a longer
/// path, can sit beside the real one; each is read). The browser cannot
/// tell which host under the domain wrote them, so unless the maintainer
/// trusts every host there (`trust_every_host`), a mirror can only narrow:
/// what it refuses later than this host's record is taken away here, and a
/// refusal of everything optional is taken as this host's answer. A wider
/// choice, an unreadable mirror or one from another config changes nothing
/// here and never clears this host's record.
pub fn follow_mirror(
    config: &Config,
    mut decision: Decision,
    mirrors: impl IntoIterator<Item = Result<Value, ()>>,
    trust_every_host: bool,
    now_ms: u64,
    new_id: impl FnOnce() -> String,
) -> Decision {
    // Only what was written after this host's own record can change it, and
    // never from the future: a date far ahead would otherwise outrank every
    // later choice made here.
    let local_updated = decision.record.as_ref().map_or(0, |r| r.updated_ms);
    let latest_allowed = now_ms.saturating_add(CLOCK_SKEW_MS);
    let mut later = Vec::new();
    for mirror in mirrors {
        match mirror
            .map_err(|_| Invalid::Malformed)
            .and_then(|v| Record::from_value(&v))
        {
            Ok(r) if r.updated_ms > local_updated && r.updated_ms <= latest_allowed => {
                later.push(r)
            }
            Ok(_) => {}
            Err(why) => decision.mirror_set_aside = Some(why),
        }
    }
    let newest_valid = later
        .iter()
        .filter(|r| r.check(config, now_ms).is_ok())
        .max_by_key(|r| r.updated_ms);
    if let (true, Some(mirrored)) = (trust_every_host, newest_valid) {
        decision.record = Some(mirrored.clone());
        decision.store = false;
        return decision;
    }
    match &decision.record {
        Some(local) => {
            let mut current = local.clone();
            let mut narrowed = false;
            // Each refusal is taken away, in any order: the result is the same.
            for refusal in &later {
                if let Some(less) = current.narrowed_by(config, refusal, now_ms) {
                    current = less;
                    narrowed = true;
                }
            }
            if narrowed {
                decision.record = Some(current);
                decision.store = true;
                decision.store_here_only = true;
            }
        }
        None => {
            // A refusal made on a sibling under this very config answers
            // the question here too, under this host's own consent id (an id
            // read from the mirror could be one its writer chose).
            let refusal = newest_valid.filter(|r| {
                !config
                    .categories
                    .iter()
                    .any(|c| !c.required && partly_accepted(c, Some(r)))
            });
            if let Some(refusal) = refusal {
                let method = match refusal.method {
                    Method::Gpc => Method::Gpc,
                    _ => Method::RejectAll,
                };
                decision.record = Some(Record::decide(
                    config,
                    &[],
                    method,
                    now_ms,
                    new_id(),
                    &refusal.language,
                ));
                // A newer revision's record stays for the pages that have it.
                decision.store = decision.discarded != Some(Invalid::NewerRevision);
                decision.store_here_only = true;
            }
        }
    }
    decision
}

/// Whether content needing every one of `ids` may run. Each is a category
/// (accepted whole: every one of its services), a service, or either led by
/// `!`: refused (content for visitors who said no, such as a cookieless
/// counter; it waits, like the rest, until the visitor has chosen).
/// Required categories and their services are always allowed; an id the
/// config does not know never is, and neither is an empty list.
pub fn allows<'a>(
    config: &Config,
    record: Option<&Record>,
    ids: impl IntoIterator<Item = &'a str>,
) -> bool {
    let mut any = false;
    for id in ids {
        any = true;
        let ok = match id.strip_prefix('!') {
            Some(refused) => refuses(config, record, refused),
            None => accepts(config, record, id),
        };
        if !ok {
            return false;
        }
    }
    any
}

fn accepts(config: &Config, record: Option<&Record>, id: &str) -> bool {
    if let Some(category) = config.category(id) {
        return category.required || record.is_some_and(|r| r.accepted(id));
    }
    match config.service(id) {
        Some((category, _)) if category.required => true,
        Some((category, _)) => record.is_some_and(|r| r.service_accepted(id, &category.id)),
        None => false,
    }
}

/// Whether `category` is accepted at least in part: required, accepted
/// whole, or one of its services accepted.
fn partly_accepted(category: &Category, record: Option<&Record>) -> bool {
    category.required
        || record.is_some_and(|r| {
            r.accepted(&category.id)
                || category
                    .services
                    .iter()
                    .any(|s| r.service_accepted(&s.id, &category.id))
        })
}

/// The visitor has chosen, and refused `id` entirely: a category none of
/// whose services is accepted, or a service.
fn refuses(config: &Config, record: Option<&Record>, id: &str) -> bool {
    let Some(record) = record else { return false };
    if let Some(category) = config.category(id) {
        return !partly_accepted(category, Some(record));
    }
    match config.service(id) {
        Some((category, _)) => !category.required && !record.service_accepted(id, &category.id),
        None => false,
    }
}

/// What a gated element waits for, from its `data-category` and
/// `data-service` attributes: the ids that must be allowed, as one
/// attribute's text. When it names services, they decide, as in
/// vanilla-cookieconsent v3, where `data-category="videos"
/// data-service="youtube"` runs once YouTube is accepted; the category then
/// only says where the service belongs. A service the config places in
/// another category than the one beside it is returned too, so that the
/// console can name both.
pub fn gate_needs<'a>(
    config: &Config,
    category: &'a str,
    service: &'a str,
) -> (&'a str, Option<&'a str>) {
    let mut names_a_service = false;
    let mut misplaced = None;
    for id in category_list(service) {
        names_a_service = true;
        if let Some((owner, _)) = config.service(id.trim_start_matches('!')) {
            if !category.trim().is_empty()
                && !category_list(category).any(|c| c.trim_start_matches('!') == owner.id)
            {
                misplaced = Some(id);
            }
        }
    }
    if names_a_service {
        (service, misplaced)
    } else {
        (category, None)
    }
}

/// Splits a `data-category` or `data-service` attribute ("analytics
/// marketing" or "analytics,marketing").
pub fn category_list(attribute: &str) -> impl Iterator<Item = &str> {
    attribute
        .split([' ', ',', '\t', '\n'])
        .filter(|s| !s.is_empty())
}

/// The optional categories and services accepted before and not now: what
/// a change revokes.
pub fn revoked<'a>(
    config: &'a Config,
    before: Option<&'a Record>,
    after: Option<&Record>,
) -> Vec<&'a str> {
    let Some(before) = before else {
        return Vec::new();
    };
    let mut lost = Vec::new();
    let mut consider = |id: &'a str| {
        // Optional (refused without a record), accepted before, not now.
        if !accepts(config, None, id)
            && accepts(config, Some(before), id)
            && !accepts(config, after, id)
            && !lost.contains(&id)
        {
            lost.push(id);
        }
    };
    for id in before.accepted_ids() {
        consider(id);
    }
    // A record from before services accepted a category's services with it.
    if before.services.is_none() {
        for category in &config.categories {
            if before.accepted(&category.id) {
                for service in &category.services {
                    consider(&service.id);
                }
            }
        }
    }
    lost
}

/// Whether a cookie called `name` must go under `record`: a refused category
/// or service declares it (or, for Google Analytics' own cookies, one of
/// the categories or services its signals need is refused), and nothing
/// accepted declares it too.
pub fn cookie_doomed(config: &Config, record: Option<&Record>, name: &str) -> bool {
    let declares = |cookies: &[CookieInfo]| cookies.iter().any(|k| k.matches(name));
    let mut refused_owner = false;
    let mut allowed_owner = false;
    for c in &config.categories {
        // A category's own cookie table, beside its services', may belong to
        // any of them: it stays while the category is accepted at least in
        // part, and goes when the category is refused entirely.
        if declares(&c.cookies) {
            let partly = partly_accepted(c, record);
            allowed_owner |= partly;
            refused_owner |= !partly;
        }
        for s in &c.services {
            if declares(&s.cookies) {
                let ok = accepts(config, record, &s.id);
                allowed_owner |= ok;
                refused_owner |= !ok;
            }
        }
    }
    let mut refused_ga = false;
    if let (true, Some(ga)) = (is_ga_cookie(name), &config.google_analytics) {
        for (_, needed) in &ga.consent_mode {
            refused_ga |= needed.iter().any(|id| !accepts(config, record, id));
        }
    }
    (refused_owner || refused_ga) && !allowed_owner
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
        // The default's analytics is one service, Google Analytics.
        assert_eq!(
            revoked(&c, Some(&on), Some(&off)),
            ["analytics", "google-analytics"]
        );
        assert!(revoked(&c, Some(&off), Some(&on)).is_empty());
        assert_eq!(
            revoked(&c, Some(&on), None),
            ["analytics", "google-analytics"]
        );
    }

    /// What a page load ten seconds after NOW decides from this host's
    /// `local` record and the `mirrors` the page sees.
    fn at_page_load(
        c: &Config,
        local: Option<&Record>,
        mirrors: impl IntoIterator<Item = Result<Value, ()>>,
        trust_every_host: bool,
    ) -> Decision {
        let here = evaluate(c, local.and_then(stored), NOW + 10_000, false, id, "pt-BR");
        follow_mirror(c, here, mirrors, trust_every_host, NOW + 10_000, id)
    }

    /// What the page reads from a mirror cookie holding `text`.
    fn mirror_text(text: &str) -> Result<Value, ()> {
        parse(text).map_err(|_| ())
    }

    /// `record` with every decision flipped to true, as a sibling host
    /// that wants this visitor measured would write it.
    fn forged_acceptance(record: &Record, config: &Config, id: &str) -> String {
        let mut forged = Record::decide(
            config,
            &["analytics"],
            Method::AcceptAll,
            NOW + 5_000,
            id.into(),
            "pt-BR",
        );
        forged.created_ms = record.created_ms;
        forged.to_json()
    }

    #[test]
    fn a_sibling_cannot_opt_in_a_visitor_who_refused_here() {
        let c = Config::default();
        let refused = Record::decide(&c, &[], Method::RejectAll, NOW, "mine".into(), "pt-BR");
        let local = evaluate(&c, stored(&refused), NOW + 10_000, false, id, "pt-BR");
        let forged = [mirror_text(&forged_acceptance(&refused, &c, "attacker-id"))];
        let d = follow_mirror(&c, local, forged, false, NOW + 10_000, id);
        assert!(!allows(&c, d.record.as_ref(), ["analytics"]));
        assert_eq!(
            d.record.as_ref().unwrap().id,
            "mine",
            "the consent id stays this host's"
        );
        assert!(!d.store, "nothing to write");
    }

    #[test]
    fn a_sibling_cannot_opt_in_a_visitor_who_never_chose() {
        let c = Config::default();
        let nothing = evaluate(&c, None, NOW, false, id, "pt-BR");
        let blank = Record::decide(&c, &[], Method::RejectAll, NOW, "x".into(), "pt-BR");
        let forged = [mirror_text(&forged_acceptance(&blank, &c, "attacker-id"))];
        let d = follow_mirror(&c, nothing, forged, false, NOW + 10_000, id);
        assert!(d.show_banner(), "asked, not opted in");
        assert!(!allows(&c, d.record.as_ref(), ["analytics"]));
    }

    #[test]
    fn a_malformed_or_foreign_mirror_never_clears_this_hosts_record() {
        let c = Config::default();
        let mine = analytics_on(&c, Method::AcceptAll);
        let foreign_config = super::super::config::services_example();
        let foreign = Record::decide(
            &foreign_config,
            &["videos", "analytics"],
            Method::Custom,
            NOW + 1,
            "other".into(),
            "pt-BR",
        );
        for mirror in [
            Err(()),
            mirror_text("{\"schema\": 1}"),
            mirror_text(&foreign.to_json()),
        ] {
            let d = at_page_load(&c, Some(&mine), [mirror.clone()], false);
            assert!(allows(&c, d.record.as_ref(), ["analytics"]), "{mirror:?}");
            assert!(!d.clear_stored && !d.store, "{mirror:?}");
        }
        let d = at_page_load(&c, Some(&mine), [Err(())], false);
        assert_eq!(
            d.mirror_set_aside,
            Some(Invalid::Malformed),
            "the console says why"
        );
    }

    #[test]
    fn a_later_refusal_on_a_sibling_applies_here_and_an_earlier_one_does_not() {
        let c = Config::default();
        let mine = analytics_on(&c, Method::AcceptAll);
        let revoked_there = Record::decide(
            &c,
            &[],
            Method::RejectAll,
            NOW + 5_000,
            "sibling".into(),
            "en",
        );
        let d = at_page_load(
            &c,
            Some(&mine),
            [mirror_text(&revoked_there.to_json())],
            false,
        );
        let record = d.record.as_ref().unwrap();
        assert!(!allows(&c, Some(record), ["analytics"]));
        assert_eq!(
            (record.id.as_str(), record.method),
            ("x", Method::RejectAll)
        );
        assert!(
            record.expires_ms <= mine.expires_ms,
            "narrowing renews nothing"
        );
        assert!(
            d.store && d.store_here_only,
            "kept here, the mirror left as it is"
        );
        // A refusal older than this host's acceptance was answered here since.
        let earlier = Record::decide(
            &c,
            &[],
            Method::RejectAll,
            NOW - 5_000,
            "sibling".into(),
            "en",
        );
        let d = at_page_load(&c, Some(&mine), [mirror_text(&earlier.to_json())], false);
        assert!(allows(&c, d.record.as_ref(), ["analytics"]) && !d.store);
    }

    #[test]
    fn a_refusal_behind_a_shadowing_cookie_of_the_same_name_still_counts() {
        let c = Config::default();
        let mine = analytics_on(&c, Method::AcceptAll);
        let revoked_there =
            Record::decide(&c, &[], Method::RejectAll, NOW + 5_000, "s".into(), "en");
        let local = evaluate(&c, stored(&mine), NOW + 10_000, false, id, "pt-BR");
        let both = [
            mirror_text(&mine.to_json()),
            mirror_text(&revoked_there.to_json()),
        ];
        let d = follow_mirror(&c, local, both, false, NOW + 10_000, id);
        assert!(!allows(&c, d.record.as_ref(), ["analytics"]));
    }

    #[test]
    fn a_sibling_with_other_categories_withdraws_only_what_it_names() {
        let here = super::super::config::services_example();
        let mine = Record::decide(
            &here,
            &["videos", "analytics"],
            Method::AcceptAll,
            NOW,
            "x".into(),
            "pt-BR",
        );
        // The sibling knows only the default config (analytics and Google
        // Analytics) and its visitor refused there.
        let sibling = Config::default();
        let refused = Record::decide(
            &sibling,
            &[],
            Method::RejectAll,
            NOW + 5_000,
            "s".into(),
            "pt-BR",
        );
        let d = at_page_load(&here, Some(&mine), [mirror_text(&refused.to_json())], false);
        let r = d.record.as_ref();
        assert!(
            allows(&here, r, ["youtube"]) && allows(&here, r, ["vimeo"]),
            "videos were never its to refuse"
        );
        assert!(!allows(&here, r, ["google-analytics"]) && !allows(&here, r, ["hotjar"]));
    }

    #[test]
    fn a_category_without_services_is_narrowed_as_one() {
        let c = super::super::config::from_value(
            &parse(r#"{"categories": [{"id": "necessary", "required": true}, {"id": "marketing"}, {"id": "maps"}]}"#).unwrap(),
        )
        .unwrap();
        let mine = Record::decide(
            &c,
            &["marketing", "maps"],
            Method::AcceptAll,
            NOW,
            "x".into(),
            "pt-BR",
        );
        let mut there = Record::decide(
            &c,
            &["maps"],
            Method::Custom,
            NOW + 5_000,
            "s".into(),
            "pt-BR",
        );
        let d = at_page_load(&c, Some(&mine), [mirror_text(&there.to_json())], false);
        let r = d.record.as_ref();
        assert!(!allows(&c, r, ["marketing"]) && allows(&c, r, ["maps"]));
        // A sibling that never heard of "maps" leaves it alone.
        there.decisions.retain(|(id, _)| id != "maps");
        let d = at_page_load(&c, Some(&mine), [mirror_text(&there.to_json())], false);
        assert!(allows(&c, d.record.as_ref(), ["maps"]));
    }

    #[test]
    fn a_refusal_made_on_a_sibling_answers_here_under_an_id_of_this_hosts() {
        let c = Config::default();
        let refused = Record::decide(
            &c,
            &[],
            Method::RejectAll,
            NOW,
            "chosen-by-whoever-wrote-it".into(),
            "en",
        );
        let nothing = evaluate(&c, None, NOW + 10_000, false, id, "pt-BR");
        let d = follow_mirror(
            &c,
            nothing,
            [mirror_text(&refused.to_json())],
            false,
            NOW + 10_000,
            id,
        );
        let record = d.record.as_ref().unwrap();
        assert_eq!(
            (record.id.as_str(), record.method),
            ("fresh", Method::RejectAll)
        );
        assert!(!d.show_banner() && d.store && d.store_here_only);
    }

    #[test]
    fn trusting_every_host_takes_the_siblings_later_acceptance_but_not_an_earlier_or_foreign_one() {
        let c = Config::default();
        let refused = Record::decide(&c, &[], Method::RejectAll, NOW, "mine".into(), "pt-BR");
        let accepted_there = Record::decide(
            &c,
            &["analytics"],
            Method::AcceptAll,
            NOW + 5_000,
            "s".into(),
            "pt-BR",
        );
        let d = at_page_load(
            &c,
            Some(&refused),
            [mirror_text(&accepted_there.to_json())],
            true,
        );
        assert!(allows(&c, d.record.as_ref(), ["analytics"]));
        let later_here = Record::decide(
            &c,
            &[],
            Method::RejectAll,
            NOW + 6_000,
            "mine".into(),
            "pt-BR",
        );
        let d = at_page_load(
            &c,
            Some(&later_here),
            [mirror_text(&accepted_there.to_json())],
            true,
        );
        assert!(
            !allows(&c, d.record.as_ref(), ["analytics"]),
            "this host's later word stands"
        );
        let bumped = Config {
            revision: 2,
            ..Config::default()
        };
        let d = follow_mirror(
            &bumped,
            evaluate(&bumped, None, NOW, false, id, "pt-BR"),
            [mirror_text(&accepted_there.to_json())],
            true,
            NOW + 10_000,
            id,
        );
        assert!(
            d.show_banner(),
            "a record of another revision is no consent here"
        );
    }

    #[test]
    fn a_service_beside_its_category_decides_alone() {
        let c = super::super::config::services_example();
        let youtube_only =
            Record::decide(&c, &["youtube"], Method::Custom, NOW, "x".into(), "pt-BR");
        let (needs, misplaced) = gate_needs(&c, "videos", "youtube");
        assert_eq!((needs, misplaced), ("youtube", None));
        assert!(
            allows(&c, Some(&youtube_only), category_list(needs)),
            "YouTube alone is enough"
        );
        let (needs, _) = gate_needs(&c, "videos", "");
        assert!(
            !allows(&c, Some(&youtube_only), category_list(needs)),
            "the whole category is not"
        );
        // A service put beside a category it is not in is named.
        assert_eq!(
            gate_needs(&c, "analytics", "youtube"),
            ("youtube", Some("youtube"))
        );
        assert_eq!(
            gate_needs(&c, "", "youtube").1,
            None,
            "no category beside it: nothing to contradict"
        );
        assert_eq!(gate_needs(&c, "videos", "!vimeo").1, None);
    }

    #[test]
    fn category_lists_split_on_spaces_and_commas() {
        assert_eq!(
            category_list(" analytics, video\tads ").collect::<Vec<_>>(),
            ["analytics", "video", "ads"]
        );
    }

    #[test]
    fn services_categories_and_refusals_gate_content() {
        let c = super::super::config::services_example();
        let r = Record::decide(
            &c,
            &["youtube", "google-analytics"],
            Method::Custom,
            NOW,
            "x".into(),
            "pt-BR",
        );
        let r = Some(&r);
        assert!(allows(&c, r, ["youtube"]));
        assert!(!allows(&c, r, ["vimeo"]));
        assert!(
            !allows(&c, r, ["videos"]),
            "a category needs all its services"
        );
        assert!(allows(&c, r, ["!vimeo"]) && !allows(&c, r, ["!youtube"]));
        assert!(
            !allows(&c, r, ["!videos"]),
            "one video service is on: the category is not refused"
        );
        assert!(!allows(&c, r, ["!necessary"]) && !allows(&c, r, ["!nonsense"]));
        assert!(
            !allows(&c, None, ["!videos"]),
            "nothing runs for a refusal before the visitor chose"
        );
        let none = Record::decide(&c, &[], Method::RejectAll, NOW, "x".into(), "pt-BR");
        assert!(allows(&c, Some(&none), ["!videos", "!analytics"]));
        // Cookies go with their service; Google Analytics' with its service.
        assert!(cookie_doomed(&c, r, "_hjSession_1"));
        assert!(!cookie_doomed(&c, r, "_ga"));
        assert!(cookie_doomed(&c, Some(&none), "_ga_ABC"));
        assert!(!cookie_doomed(&c, Some(&none), "PHPSESSID"));
        // A category's own table stays while any of its services is accepted.
        let mut shared = c.clone();
        shared.categories[1].cookies.push(CookieInfo {
            name: "_compartilhado".into(),
            provider: String::new(),
            purpose: Default::default(),
            duration: Default::default(),
            third_party: false,
        });
        assert!(!cookie_doomed(&shared, r, "_compartilhado"));
        assert!(cookie_doomed(&shared, Some(&none), "_compartilhado"));
        assert!(
            cookie_doomed(&shared, None, "_compartilhado"),
            "before any choice it goes"
        );
        // Turning one service off revokes it and its category, not the others.
        let all = Record::decide(
            &c,
            &["videos", "analytics"],
            Method::AcceptAll,
            NOW,
            "x".into(),
            "pt-BR",
        );
        assert_eq!(
            revoked(&c, Some(&all), r),
            ["analytics", "videos", "hotjar", "vimeo"]
        );
    }
}
