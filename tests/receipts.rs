//! `biscoito receipts` as an institution runs it: the real binary, over
//! HTTP, on SQLite and on a real PostgreSQL.
//!
//! PostgreSQL: `make test-native` runs these under scripts/with-postgres.sh,
//! which starts a throwaway cluster and sets BISCOITO_TEST_POSTGRES. Without
//! it the PostgreSQL tests fail, saying so, rather than pass untested; set
//! BISCOITO_TEST_POSTGRES=skip to leave them out on purpose.
#![cfg(not(target_arch = "wasm32"))]

use biscoito::engine::config::Config;
use biscoito::engine::record::{Method, Record};
use sqlx::{Connection, Executor};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const ORIGIN: &str = "https://www.tjvs.jus.br";
const BEACON_TYPE: &str = "text/plain;charset=UTF-8";

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// A new, empty database for one test.
fn fresh_db(backend: Backend, name: &str) -> Option<String> {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir()
                .join(format!("biscoito-receipts-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Some(format!("sqlite:{}", dir.join("receipts.db").display()))
        }
        Backend::Postgres => {
            let base = match std::env::var("BISCOITO_TEST_POSTGRES") {
                Ok(url) if url == "skip" => {
                    eprintln!("PostgreSQL left out: BISCOITO_TEST_POSTGRES=skip");
                    return None;
                }
                Ok(url) => url,
                Err(_) => panic!(
                    "BISCOITO_TEST_POSTGRES is not set: run under scripts/with-postgres.sh \
                     (make test-native does), or set it to skip"
                ),
            };
            let db = format!("t_{name}");
            block_on(async {
                let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
                conn.execute(format!("DROP DATABASE IF EXISTS {db}").as_str())
                    .await
                    .unwrap();
                conn.execute(format!("CREATE DATABASE {db}").as_str())
                    .await
                    .unwrap();
            });
            let (server, _) = base.rsplit_once('/').unwrap();
            Some(format!("{server}/{db}"))
        }
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// Runs SQL on the database directly, as someone with access to it could.
fn sql(db: &str, statement: &str) -> Result<(), String> {
    block_on(async {
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(db)
            .await
            .map_err(|e| e.to_string())?;
        conn.execute(statement)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    })
}

/// Runs the service until it has logged a refusal for each consent id of `ids`.
fn refusals_logged(db: &str, ids: std::ops::RangeInclusive<usize>) {
    let service = Service::start(db, &[]);
    for n in ids {
        assert_eq!(
            service.beacon(&receipt(&consent_id(n), Method::RejectAll, &[])),
            204
        );
    }
    assert!(service.stop().success());
}

/// A receipt exactly as the banner builds it.
fn receipt(id: &str, method: Method, accepted: &[&str]) -> String {
    let config = Config::default();
    Record::decide(&config, accepted, method, now_ms(), id.to_owned(), "pt-BR")
        .receipt_json("https://www.tjvs.jus.br/servicos?processo=123")
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn consent_id(n: usize) -> String {
    format!("{n:032x}")
}

fn cli(db: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .arg("receipts")
        .args(args)
        .args(["--db", db])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

struct Service {
    child: Child,
    address: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
}

impl Service {
    fn start(db: &str, extra: &[&str]) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_biscoito"))
            .args(["receipts", "serve", "--listen", "127.0.0.1:0", "--db", db])
            .args(extra)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let log = Arc::new(Mutex::new(Vec::new()));
        let address = loop {
            let line = lines
                .next()
                .expect("the service logs where it listens")
                .unwrap();
            log.lock().unwrap().push(line.clone());
            let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
            if entry["fields"]["message"] == "listening" {
                break entry["fields"]["address"]
                    .as_str()
                    .unwrap()
                    .parse()
                    .unwrap();
            }
        };
        let keep = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                keep.lock().unwrap().push(line);
            }
        });
        Service {
            child,
            address,
            log,
        }
    }

    fn request(&self, head: &str, body: &[u8]) -> (u16, String) {
        request(self.address, head, body).expect("the service answers")
    }

    fn post(&self, headers: &[(&str, &str)], body: &str) -> (u16, String) {
        let mut head = format!(
            "POST /receipts HTTP/1.1\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head += &format!("{name}: {value}\r\n");
        }
        self.request(&head, body.as_bytes())
    }

    fn beacon(&self, body: &str) -> u16 {
        self.post(&[("Content-Type", BEACON_TYPE), ("Origin", ORIGIN)], body)
            .0
    }

    /// SIGTERM, as systemd stops it; the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait().unwrap()
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

/// A test that fails half-way must not leave its service running.
impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 exchange on its own connection; None when it could not be had.
fn request(address: SocketAddr, head: &str, body: &[u8]) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let head = format!("{head}Host: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).ok()?;
    // The service may answer (413) and close before a large body is all sent.
    let _ = stream.write_all(body);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.get(9..12)?.parse().ok()?;
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn stores_what_the_banner_sends_and_proves_it(backend: Backend) {
    let Some(db) = fresh_db(backend, "stores") else {
        return;
    };
    let service = Service::start(&db, &["--allow-origin", ORIGIN]);
    let visitor = consent_id(1);
    for (method, accepted) in [
        (Method::AcceptAll, &["analytics"][..]),
        (Method::Custom, &[][..]),
        (Method::RejectAll, &[][..]),
    ] {
        assert_eq!(service.beacon(&receipt(&visitor, method, accepted)), 204);
    }
    // Every type sendBeacon can give a string or a Blob, and none at all.
    let other = receipt(&consent_id(2), Method::RejectAll, &[]);
    for (n, headers) in [
        &[("Content-Type", "application/json")][..],
        &[("Content-Type", "application/octet-stream")][..],
        &[][..],
    ]
    .into_iter()
    .enumerate()
    {
        let other = receipt(&consent_id(2 + n), Method::RejectAll, &[]);
        assert_eq!(service.post(headers, &other).0, 204, "{headers:?}");
    }
    // The portal's own origin may read the answer (CORS); no other origin's
    // request is stored.
    let preflight = "OPTIONS /receipts HTTP/1.1\r\nOrigin: https://www.tjvs.jus.br\r\nAccess-Control-Request-Method: POST\r\n";
    let (status, _) = service.request(preflight, b"");
    assert_eq!(status, 200);
    let (status, body) = service.post(
        &[
            ("Content-Type", BEACON_TYPE),
            ("Origin", "https://outro.example"),
        ],
        &other,
    );
    assert_eq!(status, 403);
    assert_eq!(json(&body)["error"], "origin-not-allowed");
    assert!(service.stop().success());

    let (code, history) = cli(&db, &["lookup", &visitor]);
    assert_eq!(code, 0, "{history}");
    assert!(history.contains("3 receipt(s)"), "{history}");
    let methods: Vec<&str> = ["accept-all", "custom", "reject-all"]
        .into_iter()
        .filter(|m| history.contains(m))
        .collect();
    assert_eq!(methods.len(), 3, "{history}");
    assert!(history.find("accept-all") < history.find("reject-all"));
    assert!(
        !history.contains("processo=123"),
        "the page's query string is not kept: {history}"
    );
    assert_eq!(cli(&db, &["lookup", &consent_id(99)]).0, 1);

    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "{verdict}");
    assert!(verdict.contains("6 receipt(s)"), "{verdict}");

    let (code, csv) = cli(&db, &["export", "--format", "csv"]);
    assert_eq!(code, 0);
    assert_eq!(csv.lines().filter(|l| l.contains(&visitor)).count(), 3);
    assert!(csv.starts_with("seq,received_at,consent_id,method"));
    let (code, lines) = cli(
        &db,
        &["export", "--format", "jsonl", "--from", "2000-01-01"],
    );
    assert_eq!(code, 0);
    let ids: Vec<String> = lines
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| {
            json(l)["receipt"]["record"]["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(ids[..3].iter().all(|id| *id == visitor), "{ids:?}");
    let (_, none) = cli(&db, &["export", "--from", "2100-01-01"]);
    assert!(none.contains("exported 0 receipt(s)"), "{none}");
    assert_eq!(cli(&db, &["export", "--from", "ontem"]).0, 2);
}

#[test]
fn sqlite_stores_what_the_banner_sends_and_proves_it() {
    stores_what_the_banner_sends_and_proves_it(Backend::Sqlite);
}

#[test]
fn postgres_stores_what_the_banner_sends_and_proves_it() {
    stores_what_the_banner_sends_and_proves_it(Backend::Postgres);
}

fn hostile_input_is_refused_and_the_service_stays_up(backend: Backend) {
    let Some(db) = fresh_db(backend, "hostile") else {
        return;
    };
    let service = Service::start(
        &db,
        &[
            "--rate-limit",
            "20",
            "--client-ip-header",
            "X-Forwarded-For",
        ],
    );
    let good = receipt(&consent_id(7), Method::AcceptAll, &["analytics"]);
    let refused = |headers: &[(&str, &str)], body: &str, status: u16, error: &str| {
        let (got, answer) = service.post(headers, body);
        assert_eq!(got, status, "{answer}");
        let answer = json(&answer);
        assert_eq!(answer["error"], error, "{answer}");
        assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
        answer
    };
    let beacon = [("Content-Type", BEACON_TYPE)];
    let big = format!("{{\"page\":\"{}\"}}", "a".repeat(9000));
    refused(&beacon, &big, 413, "body-too-large");
    let chunked = format!("{:x}\r\n{big}\r\n0\r\n\r\n", big.len());
    let (status, _) = service.request(
        "POST /receipts HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n",
        chunked.as_bytes(),
    );
    assert_eq!(status, 413);
    let deep = "[".repeat(4000) + &"]".repeat(4000);
    let answer = refused(&beacon, &deep, 400, "invalid-receipt");
    assert!(answer.get("field").is_none());
    refused(&beacon, "{\"record\":", 400, "invalid-receipt");
    let wrong = good.replace("\"method\":\"accept-all\"", "\"method\":true");
    assert_eq!(
        refused(&beacon, &wrong, 400, "invalid-receipt")["field"],
        "record.method"
    );
    let wrong = good.replace("\"schema\":1", "\"schema\":\"1\"");
    assert_eq!(
        refused(&beacon, &wrong, 400, "invalid-receipt")["field"],
        "record.schema"
    );
    refused(
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &good,
        415,
        "unsupported-content-type",
    );
    refused(
        &[("Content-Type", "text/plain;charset=ISO-8859-1")],
        &good,
        415,
        "unsupported-content-type",
    );
    let (status, _) = service.request("GET /receipts HTTP/1.1\r\n", b"");
    assert_eq!(status, 405);
    let (status, _) = service.request("GET /../../etc/passwd HTTP/1.1\r\n", b"");
    assert_eq!(status, 404);

    // A flood from one address is cut at the limit; another address still gets through.
    let flooder = [
        ("Content-Type", BEACON_TYPE),
        ("X-Forwarded-For", "203.0.113.7"),
        ("User-Agent", "Mozilla/5.0 TesteBiscoito"),
    ];
    let statuses: Vec<u16> = (0..40)
        .map(|n| {
            let distinct = receipt(&consent_id(100 + n), Method::AcceptAll, &["analytics"]);
            service.post(&flooder, &distinct).0
        })
        .collect();
    assert!(
        statuses.iter().filter(|s| **s == 204).count() <= 20,
        "{statuses:?}"
    );
    assert!(statuses.contains(&429), "{statuses:?}");
    let someone_else = [
        ("Content-Type", BEACON_TYPE),
        ("X-Forwarded-For", "198.51.100.1"),
    ];
    assert_eq!(service.post(&someone_else, &good).0, 204);
    let (status, health) = service.request("GET /healthz HTTP/1.1\r\n", b"");
    assert_eq!(
        (status, json(&health)["status"].clone()),
        (200, "ok".into())
    );

    // Data minimisation: neither the address nor the browser is kept or logged.
    let stored_ok = statuses.iter().filter(|s| **s == 204).count() + 1;
    let log = service.log();
    assert!(service.stop().success());
    let (code, stored) = cli(&db, &["export", "--format", "jsonl"]);
    assert_eq!(code, 0);
    assert_eq!(
        stored.lines().filter(|l| l.starts_with('{')).count(),
        stored_ok
    );
    for kept in [&log, &stored] {
        assert!(!kept.contains("203.0.113.7") && !kept.contains("198.51.100.1"));
        assert!(!kept.contains("TesteBiscoito"));
    }
    assert_eq!(cli(&db, &["verify"]).0, 0);
}

#[test]
fn sqlite_hostile_input_is_refused_and_the_service_stays_up() {
    hostile_input_is_refused_and_the_service_stays_up(Backend::Sqlite);
}

#[test]
fn postgres_hostile_input_is_refused_and_the_service_stays_up() {
    hostile_input_is_refused_and_the_service_stays_up(Backend::Postgres);
}

fn edits_and_deletions_break_the_chain_and_are_named(backend: Backend) {
    let Some(db) = fresh_db(backend, "tamper") else {
        return;
    };
    refusals_logged(&db, 1..=5);
    assert_eq!(cli(&db, &["verify"]).0, 0);

    // The tables refuse changes outright...
    let edit =
        "UPDATE receipts SET receipt = replace(receipt, 'reject-all', 'accept-all') WHERE seq = 3";
    assert!(sql(&db, edit).unwrap_err().contains("append-only"));
    let delete = "DELETE FROM receipts WHERE seq = 2";
    assert!(sql(&db, delete).unwrap_err().contains("purge"));
    // ...and whoever removes that guard is still caught by the chain.
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER receipts_never_change; DROP TRIGGER receipts_leave_only_by_purge",
        Backend::Postgres => "DROP TRIGGER receipts_never_change ON receipts; DROP TRIGGER receipts_leave_only_by_purge ON receipts",
    };
    sql(&db, unguard).unwrap();
    sql(&db, edit).unwrap();
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 1);
    assert!(verdict.contains("broken at receipt 3"), "{verdict}");
    assert!(verdict.contains("changed after it was stored"), "{verdict}");

    sql(&db, delete).unwrap();
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 1);
    assert!(verdict.contains("broken at receipt 2"), "{verdict}");
    assert!(verdict.contains("missing"), "{verdict}");
}

#[test]
fn sqlite_edits_and_deletions_break_the_chain_and_are_named() {
    edits_and_deletions_break_the_chain_and_are_named(Backend::Sqlite);
}

#[test]
fn postgres_edits_and_deletions_break_the_chain_and_are_named() {
    edits_and_deletions_break_the_chain_and_are_named(Backend::Postgres);
}

fn a_purge_keeps_the_rest_verifiable(backend: Backend) {
    let Some(db) = fresh_db(backend, "purge") else {
        return;
    };
    let service = Service::start(&db, &[]);
    for n in 1..=3 {
        assert_eq!(
            service.beacon(&receipt(&consent_id(n), Method::RejectAll, &[])),
            204
        );
    }
    std::thread::sleep(Duration::from_millis(1500));
    for n in 4..=5 {
        assert_eq!(
            service.beacon(&receipt(&consent_id(n), Method::RejectAll, &[])),
            204
        );
    }
    let (code, out) = cli(&db, &["purge", "--older-than", "1s"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("removed 3 receipt(s)"), "{out}");
    assert_eq!(cli(&db, &["lookup", &consent_id(1)]).0, 1);
    assert_eq!(cli(&db, &["lookup", &consent_id(4)]).0, 0);
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "{verdict}");
    assert!(verdict.contains("2 receipt(s) after seq 3"), "{verdict}");
    // The chain goes on from where the purge left it.
    assert_eq!(
        service.beacon(&receipt(&consent_id(6), Method::RejectAll, &[])),
        204
    );
    assert!(service.stop().success());
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "{verdict}");
    assert!(verdict.contains("3 receipt(s) after seq 3"), "{verdict}");
    // The purge log itself cannot be rewritten to hide a deletion.
    assert!(sql(&db, "DELETE FROM purges")
        .unwrap_err()
        .contains("append-only"));
    let (code, out) = cli(&db, &["purge", "--older-than", "forever"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--older-than"), "{out}");
}

#[test]
fn sqlite_a_purge_keeps_the_rest_verifiable() {
    a_purge_keeps_the_rest_verifiable(Backend::Sqlite);
}

#[test]
fn postgres_a_purge_keeps_the_rest_verifiable() {
    a_purge_keeps_the_rest_verifiable(Backend::Postgres);
}

fn a_forged_purge_cannot_hide_a_replaced_receipt(backend: Backend) {
    let Some(db) = fresh_db(backend, "forgedpurge") else {
        return;
    };
    refusals_logged(&db, 1..=5);
    // With only the service's own login: a purge that never happened,
    // through receipt 4, which lets receipt 2 be deleted...
    sql(
        &db,
        "INSERT INTO purges (through_seq, through_hash, older_than, purged_at) \
         SELECT seq, hash, 0, 0 FROM receipts WHERE seq = 4",
    )
    .unwrap();
    sql(&db, "DELETE FROM receipts WHERE seq = 2").unwrap();
    // ...and an acceptance the visitor never gave put in its place, below
    // where verify starts walking: the database refuses it.
    let forged = receipt(&consent_id(2), Method::AcceptAll, &["analytics"]).replace('\'', "''");
    let insert = format!(
        "INSERT INTO receipts (seq, received_at, consent_id, receipt, prev_hash, hash) \
         SELECT 2, received_at, '{}', '{forged}', prev_hash, hash FROM receipts WHERE seq = 3",
        consent_id(2)
    );
    let refused = sql(&db, &insert).unwrap_err();
    assert!(refused.contains("head of the consent log"), "{refused}");
    // A purge of rows the log never held is refused too.
    let bogus = sql(
        &db,
        "INSERT INTO purges (through_seq, through_hash, older_than, purged_at) VALUES (9, 'x', 0, 0)",
    )
    .unwrap_err();
    assert!(bogus.contains("a purge ends at a receipt"), "{bogus}");
    // And verify reads the purge log against the rows: receipt 1 and 3 are
    // still there, so no purge through 4 ever ran.
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 1, "{verdict}");
    assert!(
        verdict.contains("broken at receipt 1")
            && verdict.contains("purge log was written by hand"),
        "{verdict}"
    );
}

#[test]
fn sqlite_a_forged_purge_cannot_hide_a_replaced_receipt() {
    a_forged_purge_cannot_hide_a_replaced_receipt(Backend::Sqlite);
}

#[test]
fn postgres_a_forged_purge_cannot_hide_a_replaced_receipt() {
    a_forged_purge_cannot_hide_a_replaced_receipt(Backend::Postgres);
}

fn anyones_claims_are_limited(backend: Backend) {
    let Some(db) = fresh_db(backend, "claims") else {
        return;
    };
    let service = Service::start(
        &db,
        &[
            "--client-ip-header",
            "X-Forwarded-For",
            "--max-per-consent",
            "3",
            "--read-timeout",
            "1",
            "--connection-timeout",
            "3",
        ],
    );
    let from = |forwarded: String, n: usize| {
        let body = receipt(&consent_id(n), Method::RejectAll, &[]);
        service
            .post(
                &[
                    ("Content-Type", BEACON_TYPE),
                    ("X-Forwarded-For", &forwarded),
                ],
                &body,
            )
            .0
    };
    // The limit is on by default (120 a minute). A flooder puts a new
    // address first in X-Forwarded-For each time; the proxy appended the
    // one it saw, which is what counts.
    let spoofed: Vec<u16> = (0..130)
        .map(|n| from(format!("198.51.{}.{}, 203.0.113.7", n / 250, n % 250), n))
        .collect();
    assert!(spoofed.contains(&429), "{spoofed:?}");
    assert!(spoofed.iter().filter(|s| **s == 204).count() <= 120);
    // One host takes a new address of its IPv6 /64 each time: one key.
    let rotated: Vec<u16> = (0..130)
        .map(|n| from(format!("2001:db8:1:2::{:x}", n + 1), 1000 + n))
        .collect();
    assert!(rotated.contains(&429), "{rotated:?}");
    assert_eq!(
        from("2001:db8:1:3::1".into(), 2000),
        204,
        "the next /64 is someone else"
    );
    // One consent id cannot fill the log.
    for _ in 0..3 {
        assert_eq!(from("192.0.2.10".into(), 3000), 204);
    }
    let body = receipt(&consent_id(3000), Method::AcceptAll, &["analytics"]);
    let (status, answer) = service.post(
        &[
            ("Content-Type", BEACON_TYPE),
            ("X-Forwarded-For", "192.0.2.11"),
        ],
        &body,
    );
    assert_eq!(
        (status, json(&answer)["error"].clone()),
        (429, "consent-id-full".into())
    );
    // A client that sends half its headers, and one that goes quiet after
    // its answer, are both cut off.
    for (what, head) in [
        (
            "half a request",
            "POST /receipts HTTP/1.1\r\nContent-Type: text/plain\r\n",
        ),
        (
            "an idle connection",
            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
        ),
    ] {
        let mut stream = TcpStream::connect(service.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        let opened = std::time::Instant::now();
        let mut answer = Vec::new();
        let read = stream.read_to_end(&mut answer);
        assert!(read.is_ok(), "{what}: the service closed it ({read:?})");
        assert!(
            opened.elapsed() < Duration::from_secs(8),
            "{what}: {:?}",
            opened.elapsed()
        );
    }
    assert!(service.stop().success());
}

#[test]
fn sqlite_anyones_claims_are_limited() {
    anyones_claims_are_limited(Backend::Sqlite);
}

#[test]
fn postgres_anyones_claims_are_limited() {
    anyones_claims_are_limited(Backend::Postgres);
}

/// Sends `count` receipts to `address` from `threads` threads; the consent
/// ids of those answered 204, and every other answer.
fn load(
    address: SocketAddr,
    first_id: usize,
    count: usize,
    threads: usize,
) -> (Vec<String>, Vec<String>) {
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let failed = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..threads)
        .map(|thread| {
            let (acknowledged, failed) = (Arc::clone(&acknowledged), Arc::clone(&failed));
            std::thread::spawn(move || {
                for n in (thread..count).step_by(threads) {
                    let id = consent_id(first_id + n);
                    let body = receipt(&id, Method::AcceptAll, &["analytics"]);
                    let head = format!(
                        "POST /receipts HTTP/1.1\r\nContent-Type: {BEACON_TYPE}\r\nContent-Length: {}\r\n",
                        body.len()
                    );
                    match request(address, &head, body.as_bytes()) {
                        Some((204, _)) => acknowledged.lock().unwrap().push(id),
                        other => failed.lock().unwrap().push(format!("{other:?}")),
                    }
                }
            })
        })
        .collect();
    for sender in senders {
        sender.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let failed = failed.lock().unwrap().clone();
    (acknowledged, failed)
}

fn three_processes_on_one_database_lose_nothing(backend: Backend) {
    let Some(db) = fresh_db(backend, "three") else {
        return;
    };
    // Started together, as a load balancer's pool restarts: their
    // migrations race on the empty database.
    let services: Vec<Service> = std::thread::scope(|scope| {
        let starting: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| Service::start(&db, &["--no-rate-limit"])))
            .collect();
        starting.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let per_process = 300;
    let results: Vec<(Vec<String>, Vec<String>)> = std::thread::scope(|scope| {
        let sending: Vec<_> = services
            .iter()
            .enumerate()
            .map(|(i, service)| {
                let address = service.address;
                scope.spawn(move || load(address, i * 10_000, per_process, 6))
            })
            .collect();
        sending.into_iter().map(|s| s.join().unwrap()).collect()
    });
    let logs: Vec<String> = services.iter().map(Service::log).collect();
    for service in services {
        assert!(service.stop().success());
    }
    for (acknowledged, failed) in &results {
        assert!(
            failed.is_empty(),
            "refused: {failed:?}\n{}",
            logs.join("\n")
        );
        assert_eq!(acknowledged.len(), per_process);
    }
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "{verdict}");
    assert!(
        verdict.contains(&format!("{} receipt(s)", 3 * per_process)),
        "{verdict}"
    );
}

#[test]
fn sqlite_three_processes_on_one_database_lose_nothing() {
    three_processes_on_one_database_lose_nothing(Backend::Sqlite);
}

#[test]
fn postgres_three_processes_on_one_database_lose_nothing() {
    three_processes_on_one_database_lose_nothing(Backend::Postgres);
}

#[test]
fn postgres_a_serving_role_that_owns_nothing_cannot_disable_the_guards() {
    let Some(db) = fresh_db(Backend::Postgres, "roles") else {
        return;
    };
    sql(&db, "DROP ROLE IF EXISTS biscoito_servico").unwrap();
    sql(&db, "CREATE ROLE biscoito_servico LOGIN").unwrap();
    let (code, out) = cli(&db, &["migrate", "--grant-to", "biscoito_servico"]);
    assert_eq!(code, 0, "{out}");
    let serving = db.replacen("postgres://biscoito@", "postgres://biscoito_servico@", 1);
    let service = Service::start(&serving, &[]);
    for n in 1..=3 {
        assert_eq!(
            service.beacon(&receipt(&consent_id(n), Method::RejectAll, &[])),
            204
        );
    }
    assert!(service.stop().success());
    assert_eq!(cli(&serving, &["verify"]).0, 0);
    // Whoever holds the service's login, as an attacker would use it.
    for attack in [
        "ALTER TABLE receipts DISABLE TRIGGER ALL",
        "DROP TRIGGER receipts_leave_only_by_purge ON receipts",
        "DELETE FROM receipts WHERE seq = 2",
        "UPDATE receipts SET receipt = receipt WHERE seq = 2",
        "TRUNCATE receipts",
        "INSERT INTO purges (through_seq, through_hash, older_than, purged_at) \
         SELECT seq, hash, 0, 0 FROM receipts WHERE seq = 2",
        "DROP TABLE receipts",
    ] {
        let refused = sql(&serving, attack).expect_err(attack);
        assert!(
            refused.contains("permission denied") || refused.contains("must be owner"),
            "{attack}: {refused}"
        );
    }
    assert_eq!(cli(&db, &["verify"]).0, 0);
    let (code, out) = cli(&db, &["migrate", "--grant-to", "x; DROP TABLE receipts"]);
    assert_eq!(code, 2, "{out}");
}

/// `cli` with the checkpoint key in the environment, as a timer would run it.
fn cli_with_key(db: &str, key: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_biscoito"))
        .arg("receipts")
        .args(args)
        .args(["--db", db])
        .env("BISCOITO_CHECKPOINT_KEY", key)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn a_checkpoint_kept_elsewhere_shows_what_the_chain_cannot(backend: Backend) {
    let Some(db) = fresh_db(backend, "checkpoint") else {
        return;
    };
    refusals_logged(&db, 1..=5);
    let secret = "5f".repeat(32);
    let (code, out) = cli(&db, &["checkpoint"]);
    assert_eq!(code, 2, "no key, no checkpoint: {out}");
    assert!(out.contains("BISCOITO_CHECKPOINT_KEY"), "{out}");
    let (code, line) = cli_with_key(&db, &secret, &["checkpoint"]);
    assert_eq!(code, 0, "{line}");
    let signed = json(line.trim());
    assert_eq!(signed["seq"], 5);
    let dir = std::env::temp_dir().join(format!(
        "biscoito-checkpoint-{backend:?}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{backend:?}.json"));
    std::fs::write(&file, &line).unwrap();
    let file = file.to_str().unwrap();
    let public_key = signed["key"].as_str().unwrap();
    let (code, out) = cli(
        &db,
        &["verify", "--checkpoint", file, "--public-key", public_key],
    );
    assert_eq!(code, 0, "{out}");
    let (_, rows) = cli(&db, &["export", "--format", "jsonl"]);
    let third = json(rows.lines().nth(2).unwrap())["hash"]
        .as_str()
        .unwrap()
        .to_owned();

    // Someone who can lift the guards (the tables' owner) removes the last
    // two receipts and rewrites the third, recomputing its hash: the chain
    // left is whole, and verify alone cannot tell.
    let unguard = match backend {
        Backend::Sqlite => "DROP TRIGGER receipts_never_change; DROP TRIGGER receipts_leave_only_by_purge",
        Backend::Postgres => "DROP TRIGGER receipts_never_change ON receipts; DROP TRIGGER receipts_leave_only_by_purge ON receipts",
    };
    sql(&db, unguard).unwrap();
    sql(&db, "DELETE FROM receipts WHERE seq > 3").unwrap();
    let (_, rows) = cli(&db, &["export", "--format", "jsonl"]);
    let row = json(rows.lines().nth(2).unwrap());
    let forged = receipt(&consent_id(3), Method::AcceptAll, &["analytics"]);
    let received = row["receivedAt"].as_str().unwrap();
    let received_ms = humantime::parse_rfc3339(received)
        .unwrap()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let hash = biscoito::receipts::receipt::link_hash(
        row["prevHash"].as_str().unwrap(),
        3,
        received_ms,
        &consent_id(3),
        &forged,
    );
    sql(
        &db,
        &format!(
            "UPDATE receipts SET receipt = '{}', hash = '{hash}' WHERE seq = 3",
            forged.replace('\'', "''")
        ),
    )
    .unwrap();
    let (code, out) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "the rewritten chain is whole: {out}");

    let (code, out) = cli(
        &db,
        &["verify", "--checkpoint", file, "--public-key", public_key],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the log ends at receipt 3"), "{out}");
    let (code, out) = cli(&db, &["verify", "--expect", &format!("3:{third}")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the log was rewritten up to it"), "{out}");

    // A checkpoint edited to fit the rewritten log, or signed by another key, is refused.
    let edited = dir.join(format!("{backend:?}-edited.json"));
    std::fs::write(&edited, line.replace("\"seq\":5", "\"seq\":3")).unwrap();
    let (code, out) = cli(&db, &["verify", "--checkpoint", edited.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("changed after it was signed"), "{out}");
    let (_, other) = cli_with_key(&db, &"6a".repeat(32), &["checkpoint"]);
    let other_file = dir.join(format!("{backend:?}-other.json"));
    std::fs::write(&other_file, &other).unwrap();
    let (code, out) = cli(
        &db,
        &[
            "verify",
            "--checkpoint",
            other_file.to_str().unwrap(),
            "--public-key",
            public_key,
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("not with --public-key"), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sqlite_a_checkpoint_kept_elsewhere_shows_what_the_chain_cannot() {
    a_checkpoint_kept_elsewhere_shows_what_the_chain_cannot(Backend::Sqlite);
}

#[test]
fn postgres_a_checkpoint_kept_elsewhere_shows_what_the_chain_cannot() {
    a_checkpoint_kept_elsewhere_shows_what_the_chain_cannot(Backend::Postgres);
}

#[test]
fn lookup_shows_terminal_escapes_in_a_receipt_instead_of_obeying_them() {
    let Some(db) = fresh_db(Backend::Sqlite, "escapes") else {
        return;
    };
    let service = Service::start(&db, &[]);
    let hostile = receipt(&consent_id(9), Method::RejectAll, &[]).replace(
        "https://www.tjvs.jus.br/servicos",
        "https://www.tjvs.jus.br/\\u001b]0;janela-tomada\\u0007\\u001b[2J",
    );
    assert!(hostile.contains("\\u001b"), "{hostile}");
    assert_eq!(service.beacon(&hostile), 204);
    assert!(service.stop().success());
    let (code, out) = cli(&db, &["lookup", &consent_id(9)]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(out.contains("\\u{1b}]0;janela-tomada\\u{7}"), "{out}");
}

fn a_receipt_sent_again_is_stored_once(backend: Backend) {
    let Some(db) = fresh_db(backend, "again") else {
        return;
    };
    let service = Service::start(&db, &[]);
    let body = receipt(&consent_id(1), Method::AcceptAll, &["analytics"]);
    for _ in 0..3 {
        assert_eq!(service.beacon(&body), 204, "acknowledged every time");
    }
    let changed = receipt(&consent_id(1), Method::RejectAll, &[]);
    assert_eq!(service.beacon(&changed), 204);
    assert!(service.stop().success());
    let (code, out) = cli(&db, &["lookup", &consent_id(1), "--json"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out.lines().filter(|l| l.starts_with('{')).count(),
        2,
        "{out}"
    );
    assert_eq!(cli(&db, &["verify"]).0, 0);
}

#[test]
fn sqlite_a_receipt_sent_again_is_stored_once() {
    a_receipt_sent_again_is_stored_once(Backend::Sqlite);
}

#[test]
fn postgres_a_receipt_sent_again_is_stored_once() {
    a_receipt_sent_again_is_stored_once(Backend::Postgres);
}

fn csp_reports_are_counted_and_listed_without_who_sent_them(backend: Backend) {
    let Some(db) = fresh_db(backend, "leaks") else {
        return;
    };
    let service = Service::start(&db, &["--client-ip-header", "X-Forwarded-For"]);
    let post = |content_type: &str, body: &str| {
        let head = format!(
            "POST /csp-reports HTTP/1.1\r\nContent-Type: {content_type}\r\nX-Forwarded-For: 203.0.113.9\r\nUser-Agent: NavegadorDeTeste\r\nContent-Length: {}\r\n",
            body.len()
        );
        service.request(&head, body.as_bytes())
    };
    // report-uri, as Chromium and Firefox send it, twice from one page.
    let old = r#"{"csp-report": {"document-uri": "https://www.tjvs.jus.br/servicos?cpf=12345678900",
        "blocked-uri": "https://connect.facebook.net/en_US/fbevents.js", "effective-directive": "script-src-elem"}}"#;
    for _ in 0..2 {
        assert_eq!(post("application/csp-report", old).0, 204);
    }
    // report-to, a batch.
    let new = r#"[{"type": "csp-violation", "body": {"documentURL": "https://www.tjvs.jus.br/",
        "blockedURL": "https://www.googletagmanager.com/gtag/js?id=G-1", "effectiveDirective": "script-src-elem"}}]"#;
    assert_eq!(post("application/reports+json", new).0, 204);
    let (status, answer) = post("application/csp-report", "{\"csp-report\": {}}");
    assert_eq!(
        (status, json(&answer)["error"].clone()),
        (400, "invalid-report".into())
    );
    assert_eq!(post("text/plain", old).0, 415);
    assert!(service.stop().success());

    let (code, out) = cli(&db, &["leaks"]);
    assert_eq!(code, 0, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("2  connect.facebook.net")
            && lines[0].contains("script-src-elem  /servicos"),
        "{out}"
    );
    assert!(lines[1].contains("1  www.googletagmanager.com"), "{out}");
    let (_, listed) = cli(&db, &["leaks", "--json"]);
    let first = json(listed.lines().next().unwrap());
    assert_eq!(
        (first["host"].as_str(), first["count"].as_i64()),
        (Some("connect.facebook.net"), Some(2))
    );
    // Nothing that tells who sent them, and no query string.
    let (_, everything) = cli(&db, &["leaks", "--since", "2000-01-01", "--json"]);
    for kept in [&everything, &listed] {
        assert!(
            !kept.contains("203.0.113.9")
                && !kept.contains("NavegadorDeTeste")
                && !kept.contains("12345678900"),
            "{kept}"
        );
    }
    // Reports are not receipts: the chain is untouched.
    let (code, verdict) = cli(&db, &["verify"]);
    assert_eq!(code, 0, "{verdict}");
    assert!(verdict.contains("0 receipt(s)"), "{verdict}");
}

#[test]
fn sqlite_csp_reports_are_counted_and_listed_without_who_sent_them() {
    csp_reports_are_counted_and_listed_without_who_sent_them(Backend::Sqlite);
}

#[test]
fn postgres_csp_reports_are_counted_and_listed_without_who_sent_them() {
    csp_reports_are_counted_and_listed_without_who_sent_them(Backend::Postgres);
}

fn sigterm_loses_nothing_acknowledged(backend: Backend) {
    let Some(db) = fresh_db(backend, "sigterm") else {
        return;
    };
    // 800 receipts from one address: a load test, so no rate limit.
    let service = Service::start(&db, &["--no-rate-limit"]);
    let address = service.address;
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let senders: Vec<_> = (0..8)
        .map(|sender| {
            let acknowledged = Arc::clone(&acknowledged);
            std::thread::spawn(move || {
                for n in 0..100 {
                    let id = consent_id(sender * 1000 + n);
                    let body = receipt(&id, Method::AcceptAll, &["analytics"]);
                    let head = format!(
                        "POST /receipts HTTP/1.1\r\nContent-Type: {BEACON_TYPE}\r\nContent-Length: {}\r\n",
                        body.len()
                    );
                    match request(address, &head, body.as_bytes()) {
                        Some((204, _)) => acknowledged.lock().unwrap().push(id),
                        Some(_) => {}
                        None => break, // the service is gone
                    }
                }
            })
        })
        .collect();
    while acknowledged.lock().unwrap().len() < 150 {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(service.stop().success());
    for sender in senders {
        sender.join().unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let (code, stored) = cli(&db, &["export", "--format", "jsonl"]);
    assert_eq!(code, 0);
    let stored: std::collections::HashSet<String> = stored
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| json(l)["consentId"].as_str().unwrap().to_owned())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    assert!(acknowledged.len() >= 150);
    assert_eq!(cli(&db, &["verify"]).0, 0);
}

#[test]
fn sqlite_sigterm_loses_nothing_acknowledged() {
    sigterm_loses_nothing_acknowledged(Backend::Sqlite);
}

#[test]
fn postgres_sigterm_loses_nothing_acknowledged() {
    sigterm_loses_nothing_acknowledged(Backend::Postgres);
}

#[test]
fn an_unusable_database_is_a_clear_error() {
    let (code, out) = cli("mysql://db/receipts", &["verify"]);
    assert_eq!(code, 2);
    assert!(out.contains("sqlite:FILE or postgres://"), "{out}");
    let (code, out) = cli(
        "postgres://nobody@127.0.0.1:1/none?connect_timeout=2",
        &["verify"],
    );
    assert_eq!(code, 2);
    assert!(out.contains("biscoito receipts:"), "{out}");
}

/// A receipt from `page`, of a record first made `ago_ms` before it was
/// last changed (0: a first choice), for `revision`.
fn receipt_at(
    id: &str,
    method: Method,
    accepted: &[&str],
    page: &str,
    ago_ms: u64,
    revision: u64,
) -> String {
    let mut record = Record::decide(
        &Config::default(),
        accepted,
        method,
        now_ms(),
        id.to_owned(),
        "pt-BR",
    );
    record.created_ms -= ago_ms;
    record.revision = revision;
    record.receipt_json(page)
}

fn consent_statistics_for_the_data_protection_officer(backend: Backend) {
    let Some(db) = fresh_db(backend, "stats") else {
        return;
    };
    let dir =
        std::env::temp_dir().join(format!("biscoito-stats-{}-{backend:?}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let token = "7f3a9c2e51b04d86a1e0c9b27d5f6e4830a1b2c3d4e5f60718293a4b5c6d7e8f";
    let token_file = dir.join("token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    let service = Service::start(
        &db,
        &[
            "--no-rate-limit",
            "--stats-token-file",
            token_file.to_str().unwrap(),
        ],
    );
    let services = "https://www.tjvs.jus.br/servicos?processo=1";
    let news = "https://www.tjvs.jus.br/noticias";
    for (n, method, accepted, page, revision) in [
        (1, Method::AcceptAll, &["analytics"][..], services, 1),
        (2, Method::AcceptAll, &["analytics"][..], services, 1),
        (3, Method::AcceptAll, &["analytics"][..], news, 2),
        (4, Method::RejectAll, &[][..], services, 1),
        (5, Method::RejectAll, &[][..], news, 2),
        (6, Method::Custom, &["analytics"][..], news, 2),
    ] {
        let body = receipt_at(&consent_id(n), method, accepted, page, 0, revision);
        assert_eq!(service.beacon(&body), 204);
    }
    // Visitor 1 changes their mind a day later: a revocation.
    let later = receipt_at(&consent_id(1), Method::RejectAll, &[], news, 86_400_000, 1);
    assert_eq!(service.beacon(&later), 204);

    // Exact shares of a known mix (k 1: every group on its own).
    let (code, out) = cli(&db, &["stats", "--by", "day", "--json", "--k", "1"]);
    assert_eq!(code, 0, "{out}");
    let stats = json(&out);
    let total = &stats["total"];
    assert_eq!(
        [
            &total["firstChoices"],
            &total["acceptAll"],
            &total["rejectAll"],
            &total["custom"],
            &total["changes"],
            &total["revocations"]
        ],
        [6, 3, 2, 1, 1, 1].map(serde_json::Value::from).each_ref()
    );
    // Required categories are everyone's: no opt-in rate for them.
    assert_eq!(
        stats["ids"],
        serde_json::json!(["analytics", "google-analytics"])
    );
    assert_eq!(total["optedIn"]["analytics"], 4);
    let revision = |r: &str| {
        stats["revisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == r)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            revision("1")["firstChoices"].clone(),
            revision("2")["firstChoices"].clone()
        ),
        (3.into(), 3.into())
    );
    let pages: Vec<&str> = stats["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(pages, ["/noticias", "/servicos"], "by page, no query");

    let (code, text) = cli(&db, &["stats", "--revision", "2", "--k", "1"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("revision 2 only"), "{text}");
    let total_line = text.lines().find(|l| l.starts_with("total")).unwrap();
    assert!(
        total_line
            .split_whitespace()
            .take(5)
            .eq(["total", "3", "33%", "33%", "33%"]),
        "{total_line}"
    );

    let (code, csv) = cli(&db, &["stats", "--csv", "--k", "1"]);
    assert_eq!(code, 0, "{csv}");
    assert!(csv.starts_with("group,key,first_choices,accept_all,reject_all,custom,gpc,changes,revocations,opted_in:analytics,opted_in:google-analytics\n"), "{csv}");
    assert!(csv.contains("\ntotal,,6,3,2,1,0,1,1,4,4\n"), "{csv}");

    let page = dir.join("estatisticas.html");
    let (code, _) = cli(
        &db,
        &[
            "stats",
            "--html",
            page.to_str().unwrap(),
            "--lang",
            "en",
            "--k",
            "1",
        ],
    );
    assert_eq!(code, 0);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<svg role=\"img\" aria-labelledby=\"metodos-t metodos-d\""),
        "{html}"
    );
    assert!(html.contains("<caption>How visitors made their first choice, per period</caption>"));
    assert!(!html.contains("<script"), "no script");

    // A small log cannot single anyone out: with k 4, /servicos (3 choices)
    // joins /noticias (4), the smallest group shown, so that the groups
    // still add up to the total; by default (k 10) seven choices show nothing.
    let (code, out) = cli(&db, &["stats", "--json", "--k", "4"]);
    assert_eq!(code, 0, "{out}");
    let folded = json(&out);
    let pages: Vec<(String, u64)> = folded["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_owned(),
                g["firstChoices"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [(
            "/noticias and 1 pages with fewer than 4 choices each".to_owned(),
            6
        )]
    );
    let (code, out) = cli(&db, &["stats", "--json"]);
    assert_eq!(code, 0, "{out}");
    let withheld = json(&out);
    assert_eq!(
        (withheld["withheld"].as_bool(), withheld["k"].as_u64()),
        (Some(true), Some(10))
    );
    assert_eq!(withheld["total"]["firstChoices"], 0);
    assert!(withheld["pages"].as_array().unwrap().is_empty());
    // From the running service, only with the token.
    let get = |auth: Option<&str>, query: &str| {
        let mut head = format!("GET /estatisticas{query} HTTP/1.1\r\n");
        if let Some(auth) = auth {
            head += &format!("Authorization: {auth}\r\n");
        }
        service.request(&head, b"")
    };
    assert_eq!(get(None, "").0, 401);
    assert_eq!(get(Some("Bearer nao-e-o-token"), "").0, 401);
    let (status, body) = get(Some(&format!("Bearer {token}")), "?by=month&k=1");
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("<h1>Estatísticas de consentimento</h1>"),
        "{body}"
    );
    // The service folds at least as much as its default: k=1 is raised to 10.
    assert!(
        body.contains("Menos de 10 escolhas no período inteiro: nada é mostrado."),
        "{body}"
    );
    let (status, body) = get(Some(&format!("Bearer {token}")), "?by=year");
    assert_eq!((status, json(&body)["field"].as_str()), (400, Some("by")));
    assert!(service.stop().success());
    // Off unless a token is given.
    let plain = Service::start(&db, &[]);
    assert_eq!(plain.request("GET /estatisticas HTTP/1.1\r\n", b"").0, 404);
    assert!(plain.stop().success());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sqlite_consent_statistics_for_the_data_protection_officer() {
    consent_statistics_for_the_data_protection_officer(Backend::Sqlite);
}

#[test]
fn postgres_consent_statistics_for_the_data_protection_officer() {
    consent_statistics_for_the_data_protection_officer(Backend::Postgres);
}
