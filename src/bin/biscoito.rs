//! `biscoito check site-config.json`: the same validation the banner runs,
//! plus the LGPD/ANPD compliance lint. Exit 0 clean, 1 with findings, 2 when
//! the file cannot be read or the command is misused.
//!
//! `biscoito schema` prints the config's JSON Schema and `biscoito reference
//! en|pt-BR` its Markdown reference, both generated from `engine::schema`.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use biscoito::engine::{config, json, lint};
    use std::process::exit;

    use biscoito::engine::schema::generate;

    const USAGE: &str =
        "usage: biscoito check <config.json> | biscoito schema | biscoito reference en|pt-BR";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["check", path] => path,
        ["schema"] => {
            print!("{}", generate::json_schema());
            exit(0);
        }
        ["reference", lang @ ("en" | "pt-BR")] => {
            print!("{}", generate::reference(lang));
            exit(0);
        }
        _ => {
            eprintln!("{USAGE}");
            exit(2);
        }
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("biscoito: cannot read {path}: {e}");
            exit(2);
        }
    };
    let value = match json::parse(&text) {
        Ok(v) => v,
        Err(e) => {
            println!("{path}: not valid JSON: {e}");
            exit(1);
        }
    };
    let problems = config::from_value(&value).err().unwrap_or_default();
    let findings = lint::lint(&value);
    for p in &problems {
        println!("{path}: error: {}", p.line());
    }
    for f in &findings {
        println!("{path}: {}:\n  pt-BR: {}\n  en: {}", f.path, f.pt_br, f.en);
    }
    if problems.is_empty() && findings.is_empty() {
        println!("{path}: ok");
        exit(0);
    }
    println!(
        "{path}: {} error(s), {} compliance finding(s)",
        problems.len(),
        findings.len()
    );
    exit(1);
}

#[cfg(target_arch = "wasm32")]
fn main() {}
