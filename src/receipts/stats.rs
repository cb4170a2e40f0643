//! `biscoito receipts stats`: what the consent log says about choices, for
//! the data protection officer. How many visitors choose, how (accept all,
//! reject all, a choice of their own), what each category and service gets,
//! how many take consent back; per period, per config revision and per page,
//! so that a new banner or policy can be compared before and after.
//!
//! Read from the receipts themselves (through `receipt::reread`, the
//! banner's own record reader), streamed in chain order, never all in memory.

use super::receipt::reread;
use super::store::{Store, StoreError};
use super::{format_day, format_time};
use crate::engine::record::Method;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// The period `ms` falls in: its day, the Monday of its week, or its month.
    pub fn key(self, ms: i64) -> String {
        const DAY: i64 = 86_400_000;
        match self {
            Period::Day => format_day(ms),
            // 1970-01-01 was a Thursday: three days after a Monday.
            Period::Week => {
                let day = ms.div_euclid(DAY);
                format_day((day - (day + 3).rem_euclid(7)) * DAY)
            }
            Period::Month => format_day(ms)[..7].to_owned(),
        }
    }
}

/// The counts of one group of receipts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// A visitor's first choice (its record was made, not changed).
    pub first_choices: u64,
    pub accept_all: u64,
    pub reject_all: u64,
    pub custom: u64,
    /// Refusals the browser's Global Privacy Control signal made.
    pub gpc: u64,
    /// Later choices of a visitor who had chosen before.
    pub changes: u64,
    /// Changes that took back something the visitor had accepted.
    pub revocations: u64,
    /// Among first choices: how many accepted each optional category and service.
    pub opted_in: BTreeMap<String, u64>,
}

impl Tally {
    /// The choices it counts: first ones and later ones.
    pub fn choices(&self) -> u64 {
        self.first_choices + self.changes
    }

    fn add(&mut self, other: &Tally) {
        self.first_choices += other.first_choices;
        self.accept_all += other.accept_all;
        self.reject_all += other.reject_all;
        self.custom += other.custom;
        self.gpc += other.gpc;
        self.changes += other.changes;
        self.revocations += other.revocations;
        for (id, n) in &other.opted_in {
            *self.opted_in.entry(id.clone()).or_default() += n;
        }
    }

    /// `part` as a whole percentage of the first choices.
    pub fn share(&self, part: u64) -> Option<u64> {
        (self.first_choices > 0).then(|| (part * 100 + self.first_choices / 2) / self.first_choices)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Group {
    pub key: String,
    #[serde(flatten)]
    pub tally: Tally,
}

/// The smallest group shown on its own: below it, a period, revision or
/// page could single out a visitor of a small intranet.
pub const DEFAULT_K: u64 = 10;

/// Groups with fewer than `k` choices are not shown on their own: they are
/// folded into one "other" group, and when that one is still too small, it
/// joins the smallest group shown. So every group shown has at least `k`
/// choices and the groups still add up to the total: nothing small can be
/// found by subtraction either.
fn fold(groups: Vec<Group>, k: u64, what: &str) -> Vec<Group> {
    let (mut shown, small): (Vec<Group>, Vec<Group>) =
        groups.into_iter().partition(|g| g.tally.choices() >= k);
    if small.is_empty() {
        return shown;
    }
    let mut other = Group {
        key: format!("{} {what} with fewer than {k} choices each", small.len()),
        tally: Tally::default(),
    };
    for group in &small {
        other.tally.add(&group.tally);
    }
    if other.tally.choices() >= k || shown.is_empty() {
        shown.push(other);
        return shown;
    }
    if let Some(smallest) = shown.iter_mut().min_by_key(|g| g.tally.choices()) {
        smallest.key = format!("{} and {}", smallest.key, other.key);
        smallest.tally.add(&other.tally);
    }
    shown
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    /// First moment counted and first moment no longer counted, RFC 3339.
    pub from: String,
    pub to: String,
    pub by: Period,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<u64>,
    /// The smallest group shown on its own (see `fold`).
    pub k: u64,
    /// Fewer than `k` choices in the whole period: nothing is shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
    /// Optional categories and services seen, in the order of the columns.
    pub ids: Vec<String>,
    pub total: Tally,
    pub periods: Vec<Group>,
    pub revisions: Vec<Group>,
    pub pages: Vec<Group>,
    /// Stored receipts that no longer read as receipts (`verify` says why).
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Counts the receipts received in [from_ms, to_ms), grouped `by` period,
/// only those of `revision` when given. The log is read from its start up
/// to `to_ms`, so that a change knows what the same visitor chose before.
pub async fn compute(
    store: &Store,
    from_ms: i64,
    to_ms: i64,
    by: Period,
    revision: Option<u64>,
    k: u64,
) -> Result<Stats, StoreError> {
    let mut last_accepted: HashMap<String, BTreeSet<String>> = HashMap::new();
    // An id accepted in a refusal is a required category or service.
    let mut required: BTreeSet<String> = BTreeSet::new();
    let mut total = Tally::default();
    let mut periods: BTreeMap<String, Tally> = BTreeMap::new();
    let mut revisions: BTreeMap<u64, Tally> = BTreeMap::new();
    let mut pages: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unreadable = 0;
    store
        .each_between(0, to_ms, |row| {
            let Ok(receipt) = reread(&row.receipt) else {
                unreadable += 1;
                return Ok(());
            };
            let record = &receipt.record;
            let accepted: BTreeSet<String> = record
                .decisions
                .iter()
                .chain(record.services.iter().flatten())
                .filter(|(_, on)| *on)
                .map(|(id, _)| id.clone())
                .collect();
            if matches!(record.method, Method::RejectAll | Method::Gpc) {
                required.extend(accepted.iter().cloned());
            }
            let before = last_accepted.insert(record.id.clone(), accepted.clone());
            let counted =
                row.received_ms >= from_ms && revision.is_none_or(|r| r == record.revision);
            if !counted {
                return Ok(());
            }
            let first = record.created_ms == record.updated_ms;
            let revoked = match &before {
                Some(before) => before.iter().any(|id| !accepted.contains(id)),
                None => record.method == Method::RejectAll,
            };
            for tally in [
                &mut total,
                periods.entry(by.key(row.received_ms)).or_default(),
                revisions.entry(record.revision).or_default(),
                pages
                    .entry(crate::scan::artifacts::path_of(&receipt.page).to_owned())
                    .or_default(),
            ] {
                if first {
                    tally.first_choices += 1;
                    *match record.method {
                        Method::AcceptAll => &mut tally.accept_all,
                        Method::RejectAll => &mut tally.reject_all,
                        Method::Custom => &mut tally.custom,
                        Method::Gpc => &mut tally.gpc,
                    } += 1;
                    for id in &accepted {
                        *tally.opted_in.entry(id.clone()).or_default() += 1;
                    }
                } else {
                    tally.changes += 1;
                    tally.revocations += u64::from(revoked);
                }
            }
            Ok(())
        })
        .await?;
    // Required ids are accepted by everyone: no one opted in to them.
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut strip = |tally: &mut Tally| {
        tally.opted_in.retain(|id, _| !required.contains(id));
        ids.extend(tally.opted_in.keys().cloned());
    };
    strip(&mut total);
    let mut groups = |map: BTreeMap<String, Tally>| -> Vec<Group> {
        map.into_iter()
            .map(|(key, mut tally)| {
                strip(&mut tally);
                Group { key, tally }
            })
            .collect()
    };
    let periods = fold(groups(periods), k, "periods");
    let revisions = fold(
        groups(
            revisions
                .into_iter()
                .map(|(r, t)| (r.to_string(), t))
                .collect(),
        ),
        k,
        "revisions",
    );
    let mut pages = groups(pages);
    pages.sort_by(|a, b| {
        b.tally
            .first_choices
            .cmp(&a.tally.first_choices)
            .then(a.key.cmp(&b.key))
    });
    let pages = fold(pages, k, "pages");
    let withheld = total.choices() < k;
    let (total, periods, revisions, pages) = if withheld {
        (Tally::default(), Vec::new(), Vec::new(), Vec::new())
    } else {
        (total, periods, revisions, pages)
    };
    Ok(Stats {
        from: format_time(from_ms),
        to: format_time(to_ms),
        by,
        revision,
        k,
        withheld,
        ids: if withheld {
            Vec::new()
        } else {
            ids.into_iter().collect()
        },
        total,
        periods,
        revisions,
        pages,
        unreadable,
    })
}

fn percent(share: Option<u64>) -> String {
    share.map_or_else(|| "—".to_owned(), |p| format!("{p}%"))
}

/// The terminal's table: one row per group, shares of the first choices.
pub fn text(stats: &Stats) -> String {
    let from = if stats.from.starts_with("1970-01-01") {
        "the start of the log"
    } else {
        &stats.from[..10]
    };
    let mut out = format!(
        "Consent choices received from {from} to {}{}\n",
        &stats.to[..10],
        stats
            .revision
            .map_or(String::new(), |r| format!(", revision {r} only"))
    );
    let mut header = format!(
        "{:<24} {:>7} {:>7} {:>7} {:>7} {:>5} {:>8} {:>8}",
        "", "first", "accept", "reject", "custom", "gpc", "changes", "revoked"
    );
    for id in &stats.ids {
        header += &format!(" {:>12}", truncate(id, 12));
    }
    let row = |label: &str, t: &Tally| {
        let mut line = format!(
            "{:<24} {:>7} {:>7} {:>7} {:>7} {:>5} {:>8} {:>8}",
            truncate(label, 24),
            t.first_choices,
            percent(t.share(t.accept_all)),
            percent(t.share(t.reject_all)),
            percent(t.share(t.custom)),
            percent(t.share(t.gpc)),
            t.changes,
            t.revocations
        );
        for id in &stats.ids {
            line += &format!(
                " {:>12}",
                percent(t.share(t.opted_in.get(id).copied().unwrap_or(0)))
            );
        }
        line
    };
    for (title, groups) in [
        (
            match stats.by {
                Period::Day => "by day",
                Period::Week => "by week (from Monday)",
                Period::Month => "by month",
            },
            &stats.periods,
        ),
        ("by config revision", &stats.revisions),
        ("by page", &stats.pages),
    ] {
        out += &format!("\n{title}\n{header}\n");
        for group in groups {
            out += &row(&group.key, &group.tally);
            out.push('\n');
        }
    }
    out += &format!("\n{}\n", row("total", &stats.total));
    out += "accept, reject, custom, gpc and each category or service: shares of the first choices; changes and revoked: later choices\n";
    out += &format!(
        "groups with fewer than {} choices are folded together (--k), so that no one can be singled out\n",
        stats.k
    );
    if stats.withheld {
        out += &format!(
            "fewer than {} choices in the whole period: nothing is shown\n",
            stats.k
        );
    }
    if stats.unreadable > 0 {
        out += &format!(
            "{} stored receipt(s) could not be read and were left out: run `biscoito receipts verify`\n",
            stats.unreadable
        );
    }
    out
}

fn truncate(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(most - 1).collect();
        kept + "…"
    }
}

/// The same data as CSV, one row per group, counts (not shares).
pub fn csv(stats: &Stats) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "group",
        "key",
        "first_choices",
        "accept_all",
        "reject_all",
        "custom",
        "gpc",
        "changes",
        "revocations",
    ]
    .map(String::from)
    .to_vec();
    header.extend(stats.ids.iter().map(|id| format!("opted_in:{id}")));
    writer.write_record(&header)?;
    let total = [Group {
        key: String::new(),
        tally: stats.total.clone(),
    }];
    for (group, rows) in [
        ("period", &stats.periods[..]),
        ("revision", &stats.revisions[..]),
        ("page", &stats.pages[..]),
        ("total", &total[..]),
    ] {
        for row in rows {
            let t = &row.tally;
            let mut record = vec![
                group.to_owned(),
                row.key.clone(),
                t.first_choices.to_string(),
                t.accept_all.to_string(),
                t.reject_all.to_string(),
                t.custom.to_string(),
                t.gpc.to_string(),
                t.changes.to_string(),
                t.revocations.to_string(),
            ];
            record.extend(
                stats
                    .ids
                    .iter()
                    .map(|id| t.opted_in.get(id).copied().unwrap_or(0).to_string()),
            );
            writer.write_record(&record)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_days_weeks_from_monday_and_months() {
        // 2026-12-03 is a Thursday.
        let ms = super::super::parse_time("2026-12-03T15:00:00Z").unwrap();
        assert_eq!(Period::Day.key(ms), "2026-12-03");
        assert_eq!(Period::Week.key(ms), "2026-11-30");
        assert_eq!(Period::Month.key(ms), "2026-12");
        let monday = super::super::parse_time("2026-11-30").unwrap();
        assert_eq!(Period::Week.key(monday), "2026-11-30");
    }

    #[test]
    fn a_page_is_its_path_without_query() {
        // The scanner's reading of a page address, shared.
        let path_of = crate::scan::artifacts::path_of;
        assert_eq!(path_of("https://www.tjvs.jus.br/servicos?x=1"), "/servicos");
        assert_eq!(path_of("https://www.tjvs.jus.br"), "/");
    }

    #[test]
    fn shares_are_rounded_percentages_of_first_choices() {
        let tally = Tally {
            first_choices: 3,
            accept_all: 2,
            ..Tally::default()
        };
        assert_eq!(tally.share(2), Some(67));
        assert_eq!(Tally::default().share(0), None);
    }
}
