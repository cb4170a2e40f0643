//! `biscoito receipts`: the consent log an institution keeps itself, the
//! proof LGPD art. 8 §2 asks the controller for.
//!
//! Laid out like a small axum + sqlx service: `receipt` reads what a banner
//! sends (through `engine::record`, never a second definition of it),
//! `store` keeps it in a hash-chained, append-only table, `server` is the
//! HTTP edge, and this file turns stored rows into what people read
//! (lookup, export).

pub mod checkpoint;
pub mod cli;
pub mod leak;
pub mod receipt;
pub mod server;
pub mod stats;
pub mod stats_page;
pub mod store;

use receipt::reread;
use std::io::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use store::Row;

/// How long receipts are kept when `purge` is not told: claims against
/// the public administration lapse after five years (Decreto 20.910/1932,
/// art. 1), counted from the last day a consent was in force, and a consent
/// lasts at most two years (engine::config::MAX_EXPIRY_DAYS).
pub const DEFAULT_RETENTION: &str = "7years";

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// `2026-12-01` (midnight UTC) or an RFC 3339 time, in ms since 1970.
pub fn parse_time(text: &str) -> Result<i64, String> {
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    let time = humantime::parse_rfc3339_weak(&full).map_err(|e| {
        format!("{text:?} is not a date (2026-12-01) or time (2026-12-01T10:00:00Z): {e}")
    })?;
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .map_err(|_| format!("{text:?} is before 1970"))
}

/// A retention period such as `7years`, `18months` or `400days`.
pub fn parse_period(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("{text:?} is not a period such as 7years, 18months or 400days: {e}"))
}

/// The day of `ms`, YYYY-MM-DD (UTC).
pub fn format_day(ms: i64) -> String {
    format_time(ms)[..10].to_owned()
}

pub fn format_time(ms: i64) -> String {
    let time = UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(time).to_string()
}

/// A stored receipt in the fields people ask about.
struct Readable {
    method: String,
    revision: u64,
    language: String,
    page: String,
    accepted: Vec<String>,
    refused: Vec<String>,
    created_ms: u64,
    updated_ms: u64,
    expires_ms: u64,
}

fn readable(row: &Row) -> Result<Readable, String> {
    let receipt = reread(&row.receipt).map_err(|r| {
        format!(
            "receipt {} is unreadable ({} {}): run `biscoito receipts verify`",
            row.seq,
            r.field.unwrap_or_default(),
            r.message
        )
    })?;
    let record = receipt.record;
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    for (id, on) in record
        .decisions
        .iter()
        .chain(record.services.iter().flatten())
    {
        if *on { &mut accepted } else { &mut refused }.push(id.clone());
    }
    Ok(Readable {
        method: record.method.as_str().to_owned(),
        revision: record.revision,
        language: record.language,
        page: receipt.page,
        accepted,
        refused,
        created_ms: record.created_ms,
        updated_ms: record.updated_ms,
        expires_ms: record.expires_ms,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

/// Writes rows for a spreadsheet (CSV) or a program (JSON Lines).
pub enum Export<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

const CSV_HEADER: [&str; 14] = [
    "seq",
    "received_at",
    "consent_id",
    "method",
    "revision",
    "language",
    "page",
    "accepted",
    "refused",
    "created_at",
    "updated_at",
    "expires_at",
    "prev_hash",
    "hash",
];

impl<W: Write> Export<W> {
    pub fn new(format: Format, out: W) -> Result<Export<W>, String> {
        Ok(match format {
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record(CSV_HEADER).map_err(|e| e.to_string())?;
                Export::Csv(Box::new(csv))
            }
            Format::Jsonl => Export::Jsonl(out),
        })
    }

    pub fn write(&mut self, row: &Row) -> Result<(), String> {
        match self {
            Export::Csv(csv) => {
                let r = readable(row)?;
                csv.write_record([
                    row.seq.to_string(),
                    format_time(row.received_ms),
                    row.consent_id.clone(),
                    r.method,
                    r.revision.to_string(),
                    r.language,
                    r.page,
                    r.accepted.join(" "),
                    r.refused.join(" "),
                    format_time(r.created_ms as i64),
                    format_time(r.updated_ms as i64),
                    format_time(r.expires_ms as i64),
                    row.prev_hash.clone(),
                    row.hash.clone(),
                ])
                .map_err(|e| e.to_string())
            }
            Export::Jsonl(out) => {
                let receipt: serde_json::Value =
                    serde_json::from_str(&row.receipt).map_err(|e| e.to_string())?;
                let line = serde_json::json!({
                    "seq": row.seq,
                    "receivedAt": format_time(row.received_ms),
                    "consentId": row.consent_id,
                    "receipt": receipt,
                    "prevHash": row.prev_hash,
                    "hash": row.hash,
                });
                writeln!(out, "{line}").map_err(|e| e.to_string())
            }
        }
    }

    pub fn finish(self) -> Result<(), String> {
        match self {
            Export::Csv(mut csv) => csv.flush(),
            Export::Jsonl(mut out) => out.flush(),
        }
        .map_err(|e| e.to_string())
    }
}

/// One consent's history as lines a person reads.
pub fn history_text(rows: &[Row]) -> Result<String, String> {
    let mut text = String::new();
    for row in rows {
        let r = readable(row)?;
        let list = |ids: &[String]| {
            if ids.is_empty() {
                "-".to_owned()
            } else {
                ids.join(" ")
            }
        };
        text.push_str(&format!(
            "{}  #{}  {}  revision {}  {}\n    accepted: {}\n    refused:  {}\n    page: {}\n    hash: {}\n",
            format_time(row.received_ms),
            row.seq,
            r.method,
            r.revision,
            r.language,
            list(&r.accepted),
            list(&r.refused),
            r.page,
            row.hash,
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_periods_read_as_the_docs_write_them() {
        assert_eq!(parse_time("1970-01-02").unwrap(), 86_400_000);
        assert_eq!(parse_time("1970-01-01T00:00:01Z").unwrap(), 1000);
        assert!(parse_time("ontem").is_err());
        assert_eq!(parse_period("400days").unwrap().as_secs(), 400 * 86_400);
        assert!(parse_period(DEFAULT_RETENTION).unwrap().as_secs() > 7 * 365 * 86_400);
        assert!(parse_period("sempre").is_err());
        assert_eq!(format_time(86_400_000), "1970-01-02T00:00:00.000Z");
    }
}
