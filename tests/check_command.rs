//! The `biscoito check` command on the sample configs in tests/configs.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

fn check(file: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .args([
            "check",
            &format!("{}/tests/configs/{file}", env!("CARGO_MANIFEST_DIR")),
        ])
        .output()
        .expect("run biscoito");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_good_config_passes() {
    let (code, out) = check("good.json");
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("good.json: ok\n"), "{out}");
}

#[test]
fn a_bad_config_lists_errors_and_findings_in_both_languages() {
    let (code, out) = check("bad.json");
    assert_eq!(code, 1, "{out}");
    for expected in [
        "error: biscoito config: expiresAfterDays: must be a whole number from 1 to 730",
        "error: biscoito config: policyUrl: must be an http(s) or relative URL",
        "error: biscoito config: categories[0].cookies[0]: is an analytics or advertising cookie",
        "error: biscoito config: categories[1].enabled: is not a known setting",
        "categories[1].enabled:\n  pt-BR: Categoria pré-ativada",
        "  en: A pre-ticked category",
        "3 compliance finding(s)",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn an_optional_category_resting_on_anything_but_consent_is_an_error_and_explained() {
    let (code, out) = check("legal-basis.json");
    assert_eq!(code, 1, "{out}");
    for expected in [
        "error: biscoito config: categories[1].legalBasis: must be \"consent\" for an optional category",
        "categories[1].legalBasis:\n  pt-BR: Categoria opcional com base legal diferente de consentimento",
        "Ofício 6/2022",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[test]
fn misuse_and_missing_files_exit_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .arg("lint")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(check("does-not-exist.json").0, 2);
}

fn declaration(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .arg("declaration")
        .args(args)
        .output()
        .expect("run biscoito");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_declaration_command_writes_the_policy_page_s_content_as_html_or_markdown() {
    let good = format!("{}/tests/configs/good.json", env!("CARGO_MANIFEST_DIR"));
    let (code, html, _) = declaration(&["--config", &good]);
    assert_eq!(code, 0);
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"pt-BR\">"),
        "{html}"
    );
    assert!(html.contains("<h1>Declaração de cookies</h1>"));
    assert!(html.contains("<caption>Cookies e armazenamento: Estatísticas</caption>"));
    assert!(html.contains("<code>*.google-analytics.com</code>"));
    let (code, md, _) = declaration(&["--config", &good, "--format", "md", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        md.starts_with("## Cookies and similar technologies\n"),
        "{md}"
    );
    assert!(md.contains("| `_ga*` | Google Analytics |"), "{md}");
    // A config Biscoito would refuse gets no declaration: exit 2, each problem named.
    let bad = format!("{}/tests/configs/bad.json", env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = declaration(&["--config", &bad]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("error: biscoito config: expiresAfterDays"),
        "{err}"
    );
}
