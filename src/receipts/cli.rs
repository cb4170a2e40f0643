//! `biscoito receipts …`: flags, and what each command prints and exits with.
//!
//! Exit codes: 0 done (verify: the chain holds, with every head expected;
//! lookup: receipts found); 1 verify found a break or a checkpoint that does
//! not hold, checkpoint found the chain broken, or lookup found nothing; 2
//! could not run (bad flags, unreachable database).

use super::checkpoint::{self, Checkpoint};
use super::server::{self, Options};
use super::store::{Break, Store};
use super::{
    format_day, format_time, history_text, now_ms, parse_period, parse_time, Export, Format,
    DEFAULT_RETENTION,
};
use super::{stats, stats_page};
use crate::terminal::printable;
use axum::http::HeaderName;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
    /// The consent log: sqlite:FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(
        long,
        global = true,
        env = "BISCOITO_RECEIPTS_DB",
        default_value = "sqlite:receipts.db"
    )]
    db: String,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Receive receipts over HTTP: POST /receipts, GET /healthz.
    Serve {
        /// Address and port to listen on (behind the portal's reverse proxy).
        #[arg(long, default_value = "127.0.0.1:8787")]
        listen: SocketAddr,
        /// An origin whose pages may send receipts, e.g. https://www.tjvs.jus.br
        /// (repeatable; none: any origin).
        #[arg(long = "allow-origin", value_name = "ORIGIN")]
        allow_origins: Vec<String>,
        /// Most receipts a minute from one address, an IPv6 /64 counting as
        /// one (kept in memory only).
        #[arg(long, value_name = "PER_MINUTE", default_value = "120")]
        rate_limit: NonZeroU32,
        /// No rate limit: for a load test, never for a service on the internet.
        #[arg(long, conflicts_with = "rate_limit")]
        no_rate_limit: bool,
        /// The header in which the reverse proxy passes the visitor's address
        /// (X-Real-IP, X-Forwarded-For: the last entry, the one the proxy
        /// added, counts), for the rate limit.
        #[arg(long, value_name = "HEADER")]
        client_ip_header: Option<HeaderName>,
        /// Most receipts kept for one consent id (a visitor who changes their
        /// mind every day for years stays well under it).
        #[arg(long, value_name = "COUNT", default_value = "1000")]
        max_per_consent: u32,
        /// Seconds a client has to send a request's headers, and again its body.
        #[arg(long, value_name = "SECONDS", default_value = "10")]
        read_timeout: u64,
        /// Seconds a connection may stay open at all, idle or not.
        #[arg(long, value_name = "SECONDS", default_value = "60")]
        connection_timeout: u64,
        /// Serve the statistics page at GET /estatisticas to requests that
        /// carry the token in this file (Authorization: Bearer …); default:
        /// the BISCOITO_STATS_TOKEN environment variable; neither: off.
        #[arg(long, value_name = "FILE")]
        stats_token_file: Option<PathBuf>,
    },
    /// Create or update the tables (every command does when it may), and
    /// with --grant-to let a role that does not own them serve.
    Migrate {
        /// A PostgreSQL role to serve as: it may append and read, and may not
        /// delete, change, purge, or drop or disable the tables' triggers.
        #[arg(long, value_name = "ROLE")]
        grant_to: Option<String>,
    },
    /// Check that no receipt was edited or removed outside a purge (exit 1 names the first).
    Verify {
        /// A head written down before, SEQ:HASH: the log must still hold it
        /// (repeatable). Rows removed after it, or a chain rewritten before
        /// it, show only this way.
        #[arg(long, value_name = "SEQ:HASH")]
        expect: Vec<String>,
        /// A file `checkpoint` printed: its signature is checked, then its
        /// head as with --expect (repeatable).
        #[arg(long, value_name = "FILE")]
        checkpoint: Vec<PathBuf>,
        /// The checkpoints must be signed with this key (hexadecimal), not
        /// only with the key they carry.
        #[arg(long, value_name = "HEX")]
        public_key: Option<String>,
    },
    /// The Content-Security-Policy violations visitors' browsers reported
    /// (POST /csp-reports), most reported first.
    Leaks {
        /// First day counted (2026-01-01); default: the last 30 days.
        #[arg(long)]
        since: Option<String>,
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// Consent statistics for the data protection officer: first choices, how
    /// they were made, opt-in per category and service, later changes and
    /// revocations, per period, config revision and page.
    Stats {
        /// First day or time included (default: the log's start).
        #[arg(long)]
        from: Option<String>,
        /// First day or time no longer included (default: now).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = stats::Period::Week)]
        by: stats::Period,
        /// Only receipts of this config revision.
        #[arg(long)]
        revision: Option<u64>,
        /// Periods, revisions and pages with fewer choices than this are
        /// folded together, so that no one can be singled out.
        #[arg(long, default_value_t = stats::DEFAULT_K, value_parser = clap::value_parser!(u64).range(1..))]
        k: u64,
        /// The same data as one JSON object.
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// The same data as CSV, counts per group.
        #[arg(long)]
        csv: bool,
        /// Also write a self-contained page with charts to FILE.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// The page's language.
        #[arg(long, value_enum, default_value_t = PageLang::PtBr)]
        lang: PageLang,
    },
    /// Print the head, signed, to keep where the database login cannot write
    /// (refused when the chain does not hold).
    Checkpoint {
        /// The secret key, 64 hexadecimal characters (`openssl rand -hex 32`);
        /// default: the BISCOITO_CHECKPOINT_KEY environment variable.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
    /// Every receipt of one consent, oldest first (exit 1 when there is none).
    Lookup {
        /// The code the preferences dialog shows the visitor.
        consent_id: String,
        /// JSON Lines, as `export --format jsonl` writes them.
        #[arg(long)]
        json: bool,
    },
    /// Receipts received in a period, to stdout.
    Export {
        /// First day or time included (2026-01-01 or 2026-01-01T12:00:00Z).
        #[arg(long)]
        from: Option<String>,
        /// First day or time no longer included.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
    },
    /// Remove receipts older than a retention period; the rest still verify.
    Purge {
        /// e.g. 7years, 18months, 400days.
        #[arg(long, default_value = DEFAULT_RETENTION)]
        older_than: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum PageLang {
    #[value(name = "pt-BR")]
    PtBr,
    En,
}

impl From<PageLang> for stats_page::Lang {
    fn from(lang: PageLang) -> Self {
        match lang {
            PageLang::PtBr => stats_page::Lang::PtBr,
            PageLang::En => stats_page::Lang::En,
        }
    }
}

/// `--from`/`--to` as milliseconds: the log's start and now by default.
fn period(from: Option<&str>, to: Option<&str>) -> Result<(i64, i64), String> {
    let from = from
        .map(parse_time)
        .transpose()
        .map_err(|e| format!("--from: {e}"))?;
    let to = to
        .map(parse_time)
        .transpose()
        .map_err(|e| format!("--to: {e}"))?;
    let (from, to) = (from.unwrap_or(0), to.unwrap_or_else(|| now_ms() + 1));
    if from >= to {
        return Err("--from must come before --to".into());
    }
    Ok((from, to))
}

async fn stats_command(
    store: &Store,
    (from, to): (Option<String>, Option<String>),
    (by, revision, k): (stats::Period, Option<u64>, u64),
    (json, csv, html, lang): (bool, bool, Option<PathBuf>, PageLang),
) -> i32 {
    let (from, to) = match period(from.as_deref(), to.as_deref()) {
        Ok(period) => period,
        Err(e) => return cannot(e),
    };
    let stats = match stats::compute(store, from, to, by, revision, k).await {
        Ok(stats) => stats,
        Err(e) => return cannot(e),
    };
    if let Some(path) = html {
        if let Err(e) = std::fs::write(&path, stats_page::page(&stats, lang.into())) {
            return cannot(format!("{}: {e}", path.display()));
        }
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&stats).unwrap_or_default()
        );
    } else if csv {
        match stats::csv(&stats) {
            Ok(text) => print!("{text}"),
            Err(e) => return cannot(e),
        }
    } else {
        print!("{}", printable(&stats::text(&stats)));
    }
    0
}

fn cannot(why: impl std::fmt::Display) -> i32 {
    eprintln!("biscoito receipts: {why}");
    2
}

/// Runs a receipts command and gives its exit code.
pub fn run(args: Args) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return cannot(format!("cannot start: {e}")),
    };
    runtime.block_on(command(args))
}

async fn command(args: Args) -> i32 {
    if let Command::Serve { .. } = args.command {
        // Structured logs for journald and log shippers; BISCOITO_LOG=debug for more.
        let filter = tracing_subscriber::EnvFilter::try_from_env("BISCOITO_LOG")
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .init();
    }
    let store = match Store::open(&args.db).await {
        Ok(store) => store,
        Err(e) => return cannot(format!("{}: {e}", args.db)),
    };
    match args.command {
        Command::Serve {
            listen,
            allow_origins,
            rate_limit,
            no_rate_limit,
            client_ip_header,
            max_per_consent,
            read_timeout,
            connection_timeout,
            stats_token_file,
        } => {
            let stats_token = match stats_token_file {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => Some(text.trim().to_owned()),
                    Err(e) => return cannot(format!("--stats-token-file {}: {e}", path.display())),
                },
                None => std::env::var("BISCOITO_STATS_TOKEN")
                    .ok()
                    .map(|t| t.trim().to_owned()),
            };
            // A guessable token would put every visitor's choices in reach.
            if stats_token.as_ref().is_some_and(|t| t.len() < 32) {
                return cannot(
                    "the statistics token must be at least 32 characters (openssl rand -hex 32)",
                );
            }
            let options = Options {
                listen,
                allow_origins,
                rate_limit: (!no_rate_limit).then_some(rate_limit),
                client_ip_header,
                max_per_consent,
                read_timeout: Duration::from_secs(read_timeout.max(1)),
                connection_timeout: Duration::from_secs(connection_timeout.max(1)),
                stats_token,
            };
            match server::serve(store, options).await {
                Ok(()) => 0,
                Err(e) => {
                    tracing::error!(error = %e, "cannot serve");
                    2
                }
            }
        }
        Command::Migrate { grant_to } => {
            println!("the tables are current");
            match grant_to {
                None => 0,
                Some(role) => match store.grant_serving(&role).await {
                    Ok(()) => {
                        println!("{role} may now append and read receipts, and nothing else");
                        0
                    }
                    Err(e) => cannot(e),
                },
            }
        }
        Command::Verify {
            expect,
            checkpoint,
            public_key,
        } => {
            let mut expected = Vec::new();
            for text in &expect {
                match text
                    .split_once(':')
                    .and_then(|(seq, hash)| Some((seq.trim().parse().ok()?, hash.trim())))
                {
                    Some((seq, hash)) => {
                        expected.push((seq, hash.to_owned(), format!("--expect {text}")))
                    }
                    None => {
                        return cannot(format!(
                            "--expect {text:?}: write it SEQ:HASH, as verify prints the head"
                        ))
                    }
                }
            }
            for path in &checkpoint {
                let text = match std::fs::read_to_string(path) {
                    Ok(text) => text,
                    Err(e) => return cannot(format!("{}: {e}", path.display())),
                };
                match Checkpoint::read(&text, public_key.as_deref()) {
                    Ok(c) => expected.push((
                        c.seq,
                        c.hash,
                        format!("checkpoint {} (key {})", path.display(), c.key),
                    )),
                    Err(why) => {
                        println!("checkpoint {} is refused: {why}", path.display());
                        return 1;
                    }
                }
            }
            verify(&store, &expected).await
        }
        Command::Leaks { since, json } => {
            let since = match since.as_deref() {
                None => format_day(now_ms() - 30 * 86_400_000),
                Some(text) => match parse_time(text) {
                    Ok(ms) => format_day(ms),
                    Err(e) => return cannot(format!("--since: {e}")),
                },
            };
            let leaks = match store.leaks(&since).await {
                Ok(leaks) => leaks,
                Err(e) => return cannot(e),
            };
            for (leak, count, first, last) in &leaks {
                if json {
                    let line = serde_json::json!({
                        "path": leak.path, "host": leak.host, "directive": leak.directive,
                        "count": count, "firstDay": first, "lastDay": last,
                    });
                    println!("{line}");
                } else {
                    println!(
                        "{}",
                        printable(&format!(
                            "{count:>7}  {:<32} {:<16} {}  ({first} to {last})",
                            leak.host, leak.directive, leak.path
                        ))
                    );
                }
            }
            if !json {
                println!("{} blocked host(s) and page(s) since {since}", leaks.len());
            }
            0
        }
        Command::Checkpoint { key_file } => {
            let key = match checkpoint::signing_key(key_file.as_deref()) {
                Ok(key) => key,
                Err(e) => return cannot(e),
            };
            let verdict = match store.verify().await {
                Ok(verdict) => verdict,
                Err(e) => return cannot(e),
            };
            if verdict.broken.is_some() {
                eprintln!("biscoito receipts: the chain does not hold, so there is no head to sign; run verify");
                return 1;
            }
            let (seq, hash) = &verdict.head;
            println!(
                "{}",
                checkpoint::sign(&key, *seq, hash, &format_time(now_ms())).to_line()
            );
            0
        }
        Command::Lookup { consent_id, json } => lookup(&store, &consent_id, json).await,
        Command::Export { from, to, format } => export(&store, from, to, format).await,
        Command::Stats {
            from,
            to,
            by,
            revision,
            k,
            json,
            csv,
            html,
            lang,
        } => {
            stats_command(
                &store,
                (from, to),
                (by, revision, k),
                (json, csv, html, lang),
            )
            .await
        }
        Command::Purge { older_than } => purge(&store, &older_than).await,
    }
}

/// Walks the chain, then holds it to each head written down before
/// (seq, hash, where it came from).
async fn verify(store: &Store, expected: &[(i64, String, String)]) -> i32 {
    let verdict = match store.verify().await {
        Ok(verdict) => verdict,
        Err(e) => return cannot(e),
    };
    let Some(broken) = &verdict.broken else {
        println!(
            "the chain holds: {} receipt(s) after seq {}; head: seq {} hash {}",
            verdict.rows, verdict.anchor.0, verdict.head.0, verdict.head.1
        );
        let mut failed = false;
        for (seq, hash, from) in expected {
            let (anchor, head) = (&verdict.anchor, &verdict.head);
            let found = if *seq > head.0 {
                Err(format!(
                    "the log ends at receipt {}: every receipt after it up to {seq} was removed",
                    head.0
                ))
            } else if *seq < anchor.0 {
                println!("{from}: receipt {seq} was purged since (the log starts after {}); nothing before the purge can be checked", anchor.0);
                continue;
            } else if *seq == anchor.0 {
                Ok(anchor.1.clone())
            } else {
                match store.hash_at(*seq).await {
                    Ok(Some(found)) => Ok(found),
                    Ok(None) => Err(format!("receipt {seq} is not in the log")),
                    Err(e) => return cannot(e),
                }
            };
            match found {
                Ok(found) if found == *hash => {
                    println!(
                        "{from}: holds (receipt {seq} and every one before it are as they were)"
                    )
                }
                Ok(found) => {
                    failed = true;
                    println!("{from}: receipt {seq} now has hash {found}, not {hash}: the log was rewritten up to it")
                }
                Err(why) => {
                    failed = true;
                    println!("{from}: {why}")
                }
            }
        }
        if failed {
            return 1;
        }
        if expected.is_empty() {
            println!("(keep the head somewhere else too, signed: `biscoito receipts checkpoint`; rows removed after it cannot show here)");
        }
        return 0;
    };
    let why = match broken {
        Break::Missing { seq, next_kept } => format!(
            "receipt {seq} is missing: the next one kept is {next_kept}, and no purge removed it"
        ),
        Break::Unlinked { seq } => format!(
            "receipt {seq} does not point at the hash of receipt {}: a receipt was removed or replaced before it",
            seq - 1
        ),
        Break::Edited { seq } => {
            format!("receipt {seq} was changed after it was stored: its hash no longer matches")
        }
        Break::Unreadable { seq, why } => format!("receipt {seq} is no longer a receipt: {why}"),
        Break::UnderPurge { seq, purged_through } => format!(
            "receipt {seq} is still there, though the purge log says every receipt through {purged_through} was removed: the purge log was written by hand, or the receipt was put back"
        ),
    };
    println!("the chain is broken at receipt {}: {why}", broken.seq());
    println!(
        "{} receipt(s) before it hold (after seq {})",
        verdict.rows, verdict.anchor.0
    );
    1
}

async fn lookup(store: &Store, consent_id: &str, json: bool) -> i32 {
    let rows = match store.lookup(consent_id.trim()).await {
        Ok(rows) => rows,
        Err(e) => return cannot(e),
    };
    if rows.is_empty() {
        eprintln!("biscoito receipts: no receipt of consent {consent_id:?}");
        return 1;
    }
    if json {
        let mut out = match Export::new(Format::Jsonl, std::io::stdout().lock()) {
            Ok(out) => out,
            Err(e) => return cannot(e),
        };
        for row in &rows {
            if let Err(e) = out.write(row) {
                return cannot(e);
            }
        }
        return out.finish().map_or_else(cannot, |()| 0);
    }
    match history_text(&rows) {
        Ok(text) => {
            println!(
                "consent {}: {} receipt(s)",
                printable(consent_id),
                rows.len()
            );
            print!("{}", printable(&text));
            0
        }
        Err(e) => cannot(e),
    }
}

async fn export(store: &Store, from: Option<String>, to: Option<String>, format: Format) -> i32 {
    let from = match from.as_deref().map(parse_time).transpose() {
        Ok(from) => from.unwrap_or(0),
        Err(e) => return cannot(format!("--from: {e}")),
    };
    let to = match to.as_deref().map(parse_time).transpose() {
        Ok(to) => to.unwrap_or(i64::MAX),
        Err(e) => return cannot(format!("--to: {e}")),
    };
    let mut out = match Export::new(format, std::io::stdout().lock()) {
        Ok(out) => out,
        Err(e) => return cannot(e),
    };
    let written = store
        .each_between(from, to, |row| {
            out.write(&row).map_err(super::store::StoreError)
        })
        .await;
    match written
        .map_err(|e| e.to_string())
        .and_then(|n| out.finish().map(|()| n))
    {
        Ok(n) => {
            eprintln!("biscoito receipts: exported {n} receipt(s)");
            0
        }
        Err(e) => cannot(e),
    }
}

async fn purge(store: &Store, older_than: &str) -> i32 {
    let period = match parse_period(older_than) {
        Ok(period) => period,
        Err(e) => return cannot(format!("--older-than: {e}")),
    };
    let now = now_ms();
    let cutoff = now.saturating_sub(period.as_millis().min(i64::MAX as u128) as i64);
    match store.purge(cutoff, now).await {
        Ok(purged) if purged.rows == 0 => {
            println!("nothing received before {}", format_time(cutoff));
            0
        }
        Ok(purged) => {
            println!(
                "removed {} receipt(s) received before {} (through seq {}); the rest still verify",
                purged.rows,
                format_time(cutoff),
                purged.through_seq
            );
            0
        }
        Err(e) => cannot(e),
    }
}
