//! Replays the fuzzers' kept corpus and crash reproducers (fuzz/seeds and
//! fuzz/regressions) through the same checks, so a fixed crash stays fixed.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../fuzz/checks.rs"]
mod checks;

fn replay(target: &str, check: fn(&[u8])) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in [
        root.join("seeds").join(target),
        root.join("regressions").join(target),
    ] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            check(&std::fs::read(entry.path()).unwrap());
            count += 1;
        }
    }
    assert!(count > 0, "no corpus for {target}");
}

#[test]
fn config_corpus_replays_cleanly() {
    replay("config", checks::config_text);
}

#[test]
fn record_corpus_replays_cleanly() {
    replay("record", checks::record_text);
}
