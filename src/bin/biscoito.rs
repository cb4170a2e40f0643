//! The native `biscoito` command. Each subcommand only wires flags to the
//! library: `engine` (check, schema, reference, import-govbr), `scan` and
//! `receipts` (whose own exit codes are in src/receipts/cli.rs).
//!
//! Exit codes, stable for CI: 0 clean; 1 findings (config errors or
//! compliance findings for `check`; violation, missing or broken for
//! `scan`); 2 could not run (unreadable file, bad flags, no browser,
//! unreachable site). Ctrl+C during a scan closes its browser and exits 130.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use biscoito::csp_servers::{self, Reporting};
    use biscoito::engine::config::Config;
    use biscoito::engine::csp::Policy;
    use biscoito::engine::i18n::Lang;
    use biscoito::engine::schema::generate;
    use biscoito::engine::{config, govbr, json, lint};
    use biscoito::receipts;
    use biscoito::scan::{self, report, write_config, CannotRun, Options, Progress};
    use biscoito::terminal::printable;
    use clap::{Parser, Subcommand, ValueEnum};
    use std::io::IsTerminal;
    use std::path::PathBuf;
    use std::process::exit;
    use std::time::Duration;

    #[derive(Parser)]
    #[command(
        name = "biscoito",
        version,
        about = "Biscoito's native tools: check a config, audit a site, keep the consent log."
    )]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Validate a config and run the LGPD/ANPD compliance lint (exit 0 clean, 1 findings).
        Check { config: PathBuf },
        /// Print the config's JSON Schema.
        Schema,
        /// Print src/browser/guard-hosts.js (for `make docs`).
        #[command(hide = true)]
        GuardHosts,
        /// Print the config's Markdown reference.
        Reference {
            #[arg(value_parser = ["en", "pt-BR"])]
            lang: String,
        },
        /// Audit a site: what it sets and sends before a choice, after
        /// "Rejeitar todos" and after "Aceitar todos" (exit 0 clean, 1 violation,
        /// missing or broken, 2 could not run).
        Scan(ScanArgs),
        /// Turn a gov.br Design System cookie bar configuration (br-cookiebar
        /// JSON) into a Biscoito config on stdout; what has no place in it,
        /// and what the old setup lacked, go to stderr (exit 0 written, 1 not
        /// a br-cookiebar configuration, 2 unreadable).
        #[command(name = "import-govbr")]
        ImportGovbr { cookiebar: PathBuf },
        /// Write the web server's configuration for a Content-Security-Policy
        /// that follows each visitor's consent (config key "csp": true; exit 0
        /// written, 2 bad config or flags).
        Csp(CspArgs),
        /// Print the cookie declaration for a policy page (HTML or Markdown),
        /// from the config: the same content as data-biscoito="declaration".
        Declaration(DeclarationArgs),
        /// The consent log the institution keeps itself: serve (POST
        /// /receipts), verify, lookup, export, purge (docs/receipts.md).
        Receipts(receipts::cli::Args),
    }

    #[derive(clap::Args)]
    struct CspArgs {
        /// The site's Biscoito config (JSON), the one the pages carry.
        #[arg(long)]
        config: PathBuf,
        #[arg(long, value_enum)]
        server: CspServer,
        /// Where to write: nginx gets http.conf (http context) and server.conf
        /// (server or location), Apache biscoito-csp.conf, Caddy biscoito-csp.caddy.
        #[arg(long)]
        out: PathBuf,
        /// The site's own policy, merged in (default: scripts may also be inline).
        #[arg(long, value_name = "POLICY")]
        base_policy: Option<String>,
        /// Content-Security-Policy-Report-Only, reporting to this URL (the
        /// receipts service's /csp-reports, through the portal's proxy). An
        /// absolute https URL also gets report-to and Reporting-Endpoints.
        #[arg(long, value_name = "URL")]
        report_only: Option<String>,
    }

    #[derive(clap::Args)]
    struct DeclarationArgs {
        /// The site's Biscoito config (JSON).
        #[arg(long)]
        config: PathBuf,
        #[arg(long, value_enum, default_value_t = DeclarationLang::PtBr)]
        lang: DeclarationLang,
        #[arg(long, value_enum, default_value_t = DeclarationFormat::Html)]
        format: DeclarationFormat,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum DeclarationLang {
        #[value(name = "pt-BR")]
        PtBr,
        En,
        Es,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum DeclarationFormat {
        /// One self-contained page.
        Html,
        /// Markdown with tables, for a CMS page or a PDF.
        Md,
    }

    fn declaration_command(args: DeclarationArgs) {
        let config = read_valid_config(&args.config);
        let lang = match args.lang {
            DeclarationLang::PtBr => Lang::PtBr,
            DeclarationLang::En => Lang::En,
            DeclarationLang::Es => Lang::Es,
        };
        print!(
            "{}",
            match args.format {
                DeclarationFormat::Html => biscoito::declaration_page::page(&config, lang),
                DeclarationFormat::Md => biscoito::engine::declaration::markdown(&config, lang),
            }
        );
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum CspServer {
        Nginx,
        Apache,
        Caddy,
    }

    /// The config in FILE, or exit 2 naming each problem.
    fn read_valid_config(path: &PathBuf) -> Config {
        let text = read(path);
        let shown = path.display().to_string();
        let value = json::parse(&text).unwrap_or_else(|e| {
            eprintln!("biscoito: {shown}: not valid JSON: {e}");
            exit(2);
        });
        config::from_value(&value).unwrap_or_else(|problems| {
            for p in problems {
                eprintln!("biscoito: {shown}: error: {}", p.line());
            }
            exit(2);
        })
    }

    fn csp_command(args: CspArgs) {
        let shown = args.config.display().to_string();
        let config = read_valid_config(&args.config);
        if !config.csp {
            eprintln!("biscoito: {shown}: note: \"csp\" is not true, so the banner writes no consent cookie and every visitor gets the strict policy");
        }
        let policy = Policy::new(&config, args.base_policy.as_deref()).unwrap_or_else(|e| {
            eprintln!("biscoito: {e}");
            exit(2);
        });
        // The URL goes inside a quoted header in each server's own syntax.
        if let Some(uri) = &args.report_only {
            let plain =
                (uri.starts_with('/') || uri.starts_with("https://") || uri.starts_with("http://"))
                    && !uri
                        .chars()
                        .any(|c| c.is_whitespace() || c.is_control() || "\"';,`$%{}\\".contains(c));
            if !plain {
                eprintln!("biscoito: --report-only {uri:?}: give a path such as /csp-reports or an http(s) URL, without spaces, quotes, ; , $ % {{ }} or \\");
                exit(2);
            }
        }
        let reporting = args.report_only.as_deref().map(|uri| Reporting { uri });
        let files = match args.server {
            CspServer::Nginx => {
                let (http, server) = csp_servers::nginx(&policy, &shown, reporting.as_ref());
                vec![("http.conf", http), ("server.conf", server)]
            }
            CspServer::Apache => vec![(
                "biscoito-csp.conf",
                csp_servers::apache(&policy, &shown, reporting.as_ref()),
            )],
            CspServer::Caddy => vec![(
                "biscoito-csp.caddy",
                csp_servers::caddy(&policy, &shown, reporting.as_ref()),
            )],
        };
        if let Err(e) = std::fs::create_dir_all(&args.out) {
            eprintln!("biscoito: cannot make {}: {e}", args.out.display());
            exit(2);
        }
        for (name, text) in files {
            let path = args.out.join(name);
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("biscoito: cannot write {}: {e}", path.display());
                exit(2);
            }
            println!("{}", path.display());
        }
    }

    #[derive(clap::Args)]
    struct ScanArgs {
        /// The start page, e.g. https://www.exemplo.jus.br/
        url: String,
        /// Most pages to visit in each pass.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=2000))]
        pages: u16,
        /// How many links away from the start page to follow (sitemap.xml entries count as one).
        #[arg(long, default_value_t = 3)]
        depth: u8,
        /// Tabs open at once.
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=32))]
        concurrency: u8,
        /// Seconds a page may take to load before it is reported as broken.
        #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=600))]
        timeout: u16,
        /// Milliseconds to wait after load (and after a click) for late scripts.
        #[arg(long, default_value_t = 3000)]
        wait: u32,
        /// Chromium or Chrome to drive (default: CHROMIUM_PATH, then chromium on PATH).
        #[arg(long, env = "CHROMIUM_PATH")]
        browser: Option<PathBuf>,
        /// An extra Chromium flag, e.g. --browser-arg=--proxy-server=http://proxy:3128 (repeatable;
        /// never written into the reports, since it may hold a proxy's password).
        #[arg(long = "browser-arg", allow_hyphen_values = true)]
        browser_args: Vec<String>,
        /// Run Chromium without its sandbox, which cannot run as root or without
        /// user namespaces (many CI containers). A hostile page then meets a
        /// browser with one wall fewer: only for sites you trust.
        #[arg(long)]
        no_sandbox: bool,
        /// Let pages reach private, loopback and link-local addresses (10/8,
        /// 192.168/16, 169.254.169.254…) other than the scanned host's. Off by
        /// default: a hostile page could otherwise read the scanner's network.
        #[arg(long)]
        allow_private: bool,
        /// Judge against this config instead of the page's #biscoito-config.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Write the report as JSON (docs/scan-report.schema.json).
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
        /// Write a self-contained HTML report.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Write the config with undeclared items placed (or listed under "unresolved").
        #[arg(long = "write-config", value_name = "FILE")]
        write_config: Option<PathBuf>,
        /// Language of the summary and the HTML report (default: from LANG).
        #[arg(long, value_enum)]
        lang: Option<ReportLang>,
        /// Progress display (auto: a bar on a terminal, plain lines otherwise).
        #[arg(long, value_enum, default_value_t = ProgressStyle::Auto)]
        progress: ProgressStyle,
    }

    #[derive(Clone, Copy, ValueEnum)]
    enum ReportLang {
        #[value(name = "pt-BR")]
        PtBr,
        En,
    }

    #[derive(Clone, Copy, PartialEq, ValueEnum)]
    enum ProgressStyle {
        Auto,
        Bar,
        Lines,
        None,
    }

    pub fn main() {
        let cli = Cli::parse();
        match cli.command {
            Command::Check { config } => check(&config),
            Command::Schema => print!("{}", generate::json_schema()),
            Command::GuardHosts => print!("{}", biscoito::scan::catalogue::guard_hosts_js()),
            Command::Reference { lang } => print!("{}", generate::reference(&lang)),
            Command::Scan(args) => scan_command(args),
            Command::ImportGovbr { cookiebar } => import_govbr(&cookiebar),
            Command::Csp(args) => csp_command(args),
            Command::Declaration(args) => declaration_command(args),
            Command::Receipts(args) => exit(receipts::cli::run(args)),
        }
    }

    fn read(path: &PathBuf) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| {
            eprintln!("biscoito: cannot read {}: {e}", path.display());
            exit(2);
        })
    }

    fn check(path: &PathBuf) {
        let text = read(path);
        let path = path.display();
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
        if let Ok(c) = config::from_value(&value) {
            if !c.unresolved.is_empty() {
                println!(
                    "{path}: note: {} item(s) under \"unresolved\" wait for a category",
                    c.unresolved.len()
                );
            }
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

    fn print_findings(path: &str, heading: &str, findings: &[lint::Finding]) {
        for f in findings {
            eprintln!(
                "{path}: {heading}: {}:\n  pt-BR: {}\n  en: {}",
                f.path, f.pt_br, f.en
            );
        }
    }

    fn import_govbr(path: &PathBuf) {
        let text = read(path);
        let path = path.display().to_string();
        let imported = json::parse(&text)
            .map_err(|e| format!("not valid JSON: {e}"))
            .and_then(|value| govbr::import(&value));
        let imported = imported.unwrap_or_else(|e| {
            eprintln!("{path}: {e}");
            exit(1);
        });
        let output = json::to_pretty(&imported.config);
        // What is written must be what the banner accepts: the same reader.
        let written = json::parse(&output).expect("the importer writes JSON");
        let config = match config::from_value(&written) {
            Ok(config) => config,
            Err(problems) => {
                for p in &problems {
                    eprintln!("{path}: the imported config would be refused: {}", p.line());
                }
                exit(1);
            }
        };
        print!("{output}");
        print_findings(&path, "not imported", &imported.unmapped);
        print_findings(&path, "old setup", &imported.old_setup);
        let findings = lint::lint(&written);
        print_findings(&path, "compliance (biscoito check)", &findings);
        let cookies: usize = config.categories.iter().map(|c| c.cookies.len()).sum();
        eprintln!(
            "{path}: imported {} categories and {cookies} cookies; {} item(s) not imported, {} note(s) on the old setup, {} compliance finding(s) left to fix",
            config.categories.len(),
            imported.unmapped.len(),
            imported.old_setup.len(),
            findings.len()
        );
    }

    /// The command line as the reports show it: a `--browser-arg` value may
    /// hold a proxy's credentials, and reports are shared.
    fn report_command(args: impl Iterator<Item = String>) -> String {
        let mut words = vec!["biscoito".to_owned()];
        let mut hide_next = false;
        for arg in args {
            let word = if std::mem::take(&mut hide_next) {
                "…".to_owned()
            } else if arg == "--browser-arg" {
                hide_next = true;
                arg
            } else if arg.starts_with("--browser-arg=") {
                "--browser-arg=…".to_owned()
            } else if arg.contains(' ') {
                format!("'{arg}'")
            } else {
                arg
            };
            words.push(word);
        }
        words.join(" ")
    }

    fn scan_command(args: ScanArgs) {
        let lang = report::Lang::from_env(args.lang.map(|l| match l {
            ReportLang::PtBr => "pt-BR",
            ReportLang::En => "en",
        }));
        // `biscoito check` first: a config with errors is no yardstick.
        let config = args.config.as_ref().map(|path| {
            let text = read(path);
            let value = json::parse(&text).unwrap_or_else(|e| {
                eprintln!("biscoito: {}: not valid JSON: {e}", path.display());
                exit(2);
            });
            for f in lint::lint(&value) {
                eprintln!(
                    "biscoito: {}: {}: {}",
                    path.display(),
                    f.path,
                    lang.pick(f.en, f.pt_br)
                );
            }
            match config::from_value(&value) {
                Ok(c) => (text, c),
                Err(problems) => {
                    for p in problems {
                        eprintln!("biscoito: {}: error: {}", path.display(), p.line());
                    }
                    exit(2);
                }
            }
        });
        let options = Options {
            url: args.url.clone(),
            pages: args.pages.into(),
            depth: args.depth.into(),
            concurrency: args.concurrency.into(),
            timeout: Duration::from_secs(args.timeout.into()),
            wait: Duration::from_millis(args.wait.into()),
            browser: args.browser.clone(),
            browser_args: args.browser_args.clone(),
            no_sandbox: args.no_sandbox,
            allow_private: args.allow_private,
            config,
        };
        let style = match args.progress {
            ProgressStyle::Auto if std::io::stderr().is_terminal() => ProgressStyle::Bar,
            ProgressStyle::Auto => ProgressStyle::Lines,
            other => other,
        };
        let bar = (style == ProgressStyle::Bar).then(|| {
            let bar = indicatif::ProgressBar::new(options.pages as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{prefix:>15} [{bar:30}] {pos}/{len} {wide_msg}",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar
        });
        let progress = |p: Progress| match (&bar, style) {
            (Some(bar), _) => {
                bar.set_prefix(p.phase.as_str());
                bar.set_length(p.total as u64);
                bar.set_position(p.done as u64);
                bar.set_message(printable(p.url));
            }
            (None, ProgressStyle::Lines) => {
                eprintln!(
                    "[{}] {}/{} {}",
                    p.phase.as_str(),
                    p.done,
                    p.total,
                    printable(p.url)
                )
            }
            _ => {}
        };
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                eprintln!("biscoito: cannot start: {e}");
                exit(2);
            });
        let outcome = runtime.block_on(async {
            tokio::select! {
                outcome = scan::run(&options, &progress) => Some(outcome),
                _ = tokio::signal::ctrl_c() => None,
            }
        });
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let outcome = match outcome {
            // The scan's future, and with it the browser (killed on drop), is gone.
            None => {
                // The browser is killed as its handle drops; its helpers may
                // still be writing to the profile for a moment: it must stay gone.
                if let Some(profile) = scan::chromium::profile_dir() {
                    for _ in 0..30 {
                        let _ = std::fs::remove_dir_all(profile);
                        std::thread::sleep(Duration::from_millis(200));
                        if !profile.exists() {
                            break;
                        }
                    }
                }
                eprintln!("biscoito: interrupted; the browser it started was closed");
                exit(130);
            }
            Some(Err(CannotRun(why))) => {
                eprintln!("biscoito: {why}");
                exit(2);
            }
            Some(Ok(outcome)) => outcome,
        };
        let command = report_command(std::env::args().skip(1));
        let date = report::now_rfc3339();
        print!("{}", printable(&report::terminal(&outcome, lang)));
        let write = |path: &PathBuf, text: &str| {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("biscoito: cannot write {}: {e}", path.display());
                exit(2);
            }
        };
        if let Some(path) = &args.json {
            let r = report::report(&outcome, &command, &date);
            write(
                path,
                &(serde_json::to_string_pretty(&r).expect("the report serialises") + "\n"),
            );
        }
        if let Some(path) = &args.html {
            write(path, &report::html(&outcome, lang, &command, &date));
        }
        if let Some(path) = &args.write_config {
            match write_config::write_config(
                &outcome.artifacts.config_json,
                &outcome.config,
                &outcome.findings,
            ) {
                Ok((text, placed)) => {
                    write(path, &text);
                    for line in placed.added {
                        eprintln!("biscoito: {}: added {line}", path.display());
                    }
                    for line in placed.unresolved {
                        eprintln!("biscoito: {}: unresolved {line}", path.display());
                    }
                }
                Err(why) => {
                    eprintln!("biscoito: {why}");
                    exit(2);
                }
            }
        }
        exit(if report::summary(&outcome).passed {
            0
        } else {
            1
        });
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    cli::main();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
