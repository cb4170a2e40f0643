//! What the fuzz targets check, shared with `tests/fuzz_corpus.rs`, which
//! replays the kept corpus and crash reproducers in every `cargo test`.

use biscoito::engine::config::{self, Config};
use biscoito::engine::record::Record;
use biscoito::engine::{html, i18n::Lang, json, lint, policy};

const NOW: u64 = 1_790_000_000_000;

/// Any text as a site config: parsing, validation, the compliance lint and
/// rendering never panic, and an accepted config never starts with consent.
pub fn config_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(value) = json::parse(text) else { return };
    let _ = lint::lint(&value);
    if let Ok(config) = config::from_value(&value) {
        for lang in [Lang::PtBr, Lang::En, Lang::Es] {
            let _ = html::banner(&config, lang);
            let _ = html::preferences(&config, lang, None);
        }
        let decision = policy::evaluate(&config, None, NOW, false, String::new, "pt-BR");
        assert!(decision.record.is_none() && decision.show_banner());
        for category in config.optional_categories() {
            assert!(!policy::allows(&config, None, [category.id.as_str()]));
        }
    }
}

/// Any text in storage: reading it never panics, and only a record that
/// checks against the config counts as consent.
pub fn record_text(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::default();
    let parsed = json::parse(text).map_err(|_| ());
    let checks = parsed
        .clone()
        .ok()
        .and_then(|v| Record::from_value(&v).ok())
        .is_some_and(|r| r.check(&config, NOW).is_ok());
    let decision = policy::evaluate(&config, Some(parsed), NOW, false, String::new, "pt-BR");
    assert_eq!(decision.record.is_some(), checks);
    assert_eq!(decision.show_banner(), !checks);
}
