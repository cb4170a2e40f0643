//! Property tests of the stored-record rules: whatever storage holds, the
//! only way to "consent" is a well-formed record of this revision, in date,
//! that answers every category, and a damaged record never grants more than
//! the visitor chose.

#![cfg(not(target_arch = "wasm32"))]

use biscoito::engine::config::Config;
use biscoito::engine::json::{parse, Value};
use biscoito::engine::policy::{allows, evaluate};
use biscoito::engine::record::{Invalid, Method, Record};
use proptest::prelude::*;

const DAY_MS: u64 = 86_400_000;
const NOW: u64 = 1_790_000_000_000;

fn config_with(optional: &[&str], revision: u64, days: u64) -> Config {
    let mut text = String::from(r#"{"categories":[{"id":"necessary","required":true}"#);
    for id in optional {
        text.push_str(&format!(r#",{{"id":"{id}"}}"#));
    }
    text.push_str(&format!(
        r#"],"revision":{revision},"expiresAfterDays":{days}}}"#
    ));
    biscoito::engine::config::from_value(&parse(&text).unwrap()).unwrap()
}

const IDS: [&str; 4] = ["analytics", "marketing", "video", "chat"];

fn scenario() -> impl Strategy<Value = (Config, Vec<&'static str>, Method, u64)> {
    (
        proptest::sample::subsequence(IDS.to_vec(), 0..=4),
        any::<u32>(),
        1u64..=730,
        proptest::sample::subsequence(IDS.to_vec(), 0..=4),
        prop_oneof![
            Just(Method::AcceptAll),
            Just(Method::RejectAll),
            Just(Method::Custom),
            Just(Method::Gpc)
        ],
        0u64..=NOW,
    )
        .prop_map(|(optional, revision, days, accepted, method, now)| {
            (
                config_with(&optional, revision as u64, days),
                accepted,
                method,
                now,
            )
        })
}

fn stored(record: &Record) -> Value {
    parse(&record.to_json()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_in_storage_is_never_a_crash_and_never_consent_unless_it_checks(text in ".{0,300}") {
        let config = Config::default();
        let parsed = parse(&text).map_err(|_| ());
        let decision = evaluate(&config, Some(parsed.clone()), NOW, false, || "new".into(), "pt-BR");
        let checks = parsed.ok()
            .and_then(|v| Record::from_value(&v).ok())
            .is_some_and(|r| r.check(&config, NOW).is_ok());
        prop_assert_eq!(decision.record.is_some(), checks);
        prop_assert_eq!(decision.show_banner(), !checks);
    }

    #[test]
    fn a_decision_survives_storage_and_grants_exactly_what_was_chosen(
        (config, accepted, method, now) in scenario()
    ) {
        let record = Record::decide(&config, &accepted, method, now, "id-1".into(), "en");
        let back = Record::from_value(&stored(&record)).unwrap();
        prop_assert_eq!(&back, &record);
        prop_assert!(back.check(&config, now).is_ok());
        for category in &config.categories {
            let granted = allows(&config, Some(&back), [category.id.as_str()]);
            prop_assert_eq!(granted, category.required || accepted.contains(&category.id.as_str()));
        }
        prop_assert!(!allows(&config, Some(&back), ["not-configured"]));
    }

    #[test]
    fn a_record_stops_counting_at_expiry_on_another_revision_and_before_its_time(
        (config, accepted, method, now) in scenario()
    ) {
        let record = Record::decide(&config, &accepted, method, now, "id-1".into(), "en");
        let expiry = now + config.expires_after_days * DAY_MS;
        prop_assert!(record.check(&config, expiry - 1).is_ok());
        prop_assert_eq!(record.check(&config, expiry), Err(Invalid::Expired));
        let mut revised = config.clone();
        revised.revision = config.revision.wrapping_add(1) % (u32::MAX as u64 + 1);
        // A later policy asks again; a page still on an earlier one (the
        // revision wrapped round) sets the newer record aside without deleting it.
        let why = if revised.revision > config.revision { Invalid::OtherRevision } else { Invalid::NewerRevision };
        prop_assert_eq!(record.check(&revised, now), Err(why));
        // Beyond the tolerated clock skew, a record dated after "now" is refused.
        if now > 11 * 60_000 {
            prop_assert!(record.check(&config, now - 11 * 60_000).is_err());
        }
    }

    #[test]
    fn a_new_category_asks_again((config, accepted, method, now) in scenario()) {
        let record = Record::decide(&config, &accepted, method, now, "id-1".into(), "en");
        let mut grown = config.clone();
        let mut extra = config.categories[0].clone();
        extra.id = "newcomer".into();
        extra.required = false;
        grown.categories.push(extra);
        prop_assert_eq!(record.check(&grown, now), Err(Invalid::MissingCategory));
    }

    #[test]
    fn a_damaged_record_never_grants_what_the_visitor_refused(
        (config, accepted, method, now) in scenario(),
        position in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let record = Record::decide(&config, &accepted, method, now, "id-1".into(), "en");
        let mut bytes = record.to_json().into_bytes();
        let i = position.index(bytes.len());
        bytes[i] = byte;
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        let Ok(value) = parse(&text) else { return Ok(()) };
        let Ok(damaged) = Record::from_value(&value) else { return Ok(()) };
        if damaged.check(&config, now).is_ok() {
            for category in &config.categories {
                if allows(&config, Some(&damaged), [category.id.as_str()]) {
                    prop_assert!(record.accepted(&category.id), "{} granted by {}", category.id, text);
                }
            }
        }
    }
}
