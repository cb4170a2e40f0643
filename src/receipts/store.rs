//! The consent log in a database: SQLite (one file in WAL mode, the default)
//! or PostgreSQL, the same tables in both, reached through sqlx's `Any`
//! driver so that every query below is written once.

use super::leak::Leak;
use super::receipt::{link_hash, reread, GENESIS};
use futures::TryStreamExt;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Connection, Executor, Row as _};
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("src/receipts/migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("src/receipts/migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A stored receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub seq: i64,
    pub received_ms: i64,
    pub consent_id: String,
    pub receipt: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The first thing `verify` found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// No row has this seq, though a later one exists: it was deleted.
    Missing { seq: i64, next_kept: i64 },
    /// The row does not point at the hash of the row before it.
    Unlinked { seq: i64 },
    /// The row's content no longer gives its hash: it was edited.
    Edited { seq: i64 },
    /// The stored text is no longer a receipt.
    Unreadable { seq: i64, why: String },
    /// A row at or below the last purge, which removed every row up to it:
    /// that purge did not happen as recorded, or the row was put back.
    UnderPurge { seq: i64, purged_through: i64 },
}

impl Break {
    pub fn seq(&self) -> i64 {
        match self {
            Break::Missing { seq, .. }
            | Break::Unlinked { seq }
            | Break::Edited { seq }
            | Break::Unreadable { seq, .. }
            | Break::UnderPurge { seq, .. } => *seq,
        }
    }
}

/// What `verify` saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub rows: u64,
    /// Where the kept chain starts: the last purged row (0 if none) and its hash.
    pub anchor: (i64, String),
    /// The last row checked and its hash (the anchor when there are none).
    pub head: (i64, String),
    pub broken: Option<Break>,
}

/// What a purge removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purged {
    pub rows: u64,
    pub through_seq: i64,
}

pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        StoreError(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError(format!(
            "could not bring the database's tables up to date: {e}"
        ))
    }
}

/// `sqlite:receipts.db` creates the file when it is missing (sqlx's default
/// would refuse to); any other URL is taken as it is.
fn connect_url(url: &str) -> Result<(String, Backend), StoreError> {
    if let Some(rest) = url.strip_prefix("sqlite:") {
        let url = if rest.contains("mode=") {
            url.to_owned()
        } else if rest.contains('?') {
            format!("{url}&mode=rwc")
        } else {
            format!("{url}?mode=rwc")
        };
        Ok((url, Backend::Sqlite))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok((url.to_owned(), Backend::Postgres))
    } else {
        Err(StoreError(format!(
            "--db must be sqlite:FILE or postgres://…, not {url:?}"
        )))
    }
}

impl Store {
    /// Connects, and creates or updates the tables (the migrations are built
    /// into the binary).
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = connect_url(url)?;
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets lookups read while receipts are written;
                        // FULL syncs the log at every commit, so a receipt
                        // acknowledged survives a power cut, not only a crash.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = FULL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        migrate(&pool, backend).await?;
        Ok(Store { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        conn.ping().await?;
        Ok(())
    }

    /// A transaction that holds the log's write lock from its first
    /// statement: several `serve` processes on one database (behind a load
    /// balancer) then append one after another instead of failing. SQLite's
    /// default deferred transaction would take the lock only at its first
    /// write, and an upgrade that finds it taken fails at once instead of
    /// waiting; PostgreSQL would let two writers read the same head and
    /// collide on the primary key.
    async fn begin_writing(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => {
                let mut tx = self.pool.begin().await?;
                sqlx::query("SELECT 1 FROM (SELECT pg_advisory_xact_lock($1)) AS locked")
                    .bind(APPEND_LOCK)
                    .execute(&mut *tx)
                    .await?;
                tx
            }
        })
    }

    /// Appends receipts (consent id, receipt text) in one transaction and
    /// gives back the seq of each (an identical receipt already stored gives
    /// its own seq and is not stored again). The head is read inside the transaction,
    /// which holds the write lock, and `seq` is the primary key and must
    /// follow the head (a trigger), so no writer can fork the chain.
    pub async fn append(
        &self,
        receipts: &[(&str, &str)],
        now_ms: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.begin_writing().await?;
        let (mut seq, mut prev, last_received) = head(&mut tx).await?;
        // Never earlier than the row before: purges remove a prefix by time.
        let received = now_ms.max(last_received);
        let mut seqs = Vec::with_capacity(receipts.len());
        for (consent_id, receipt) in receipts {
            // The banner sends a receipt again until it learns it arrived:
            // one sent twice is stored once, and acknowledged both times.
            let stored = sqlx::query(
                "SELECT seq FROM receipts WHERE consent_id = $1 AND receipt = $2 LIMIT 1",
            )
            .bind(*consent_id)
            .bind(*receipt)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(stored) = stored {
                seqs.push(stored.try_get(0)?);
                continue;
            }
            seq += 1;
            let hash = link_hash(&prev, seq, received, consent_id, receipt);
            sqlx::query(
                "INSERT INTO receipts (seq, received_at, consent_id, receipt, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(seq)
            .bind(received)
            .bind(*consent_id)
            .bind(*receipt)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *tx)
            .await?;
            seqs.push(seq);
            prev = hash;
        }
        tx.commit().await?;
        Ok(seqs)
    }

    /// Lets `role` serve (append and read) without owning the tables, so
    /// that the login a web-facing process holds can neither drop nor
    /// disable their triggers, delete rows nor write the purge log. The
    /// owner keeps purging. PostgreSQL only: SQLite has no roles.
    pub async fn grant_serving(&self, role: &str) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Err(StoreError(
                "roles are PostgreSQL's; with SQLite, keep the file owned by another user \
                 and give the service's user write access through its directory only"
                    .into(),
            ));
        }
        let plain = role.len() <= 63
            && role.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && role
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !plain {
            return Err(StoreError(format!(
                "--grant-to {role:?}: give a role name of lowercase letters, digits and _"
            )));
        }
        let mut tx = self.pool.begin().await?;
        for statement in [
            format!("GRANT SELECT, INSERT ON receipts TO {role}"),
            format!("GRANT SELECT ON purges, _sqlx_migrations TO {role}"),
        ] {
            tx.execute(statement.as_str()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Counts violation reports on `day` (YYYY-MM-DD).
    pub async fn count_leaks(&self, day: &str, leaks: &[Leak]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for leak in leaks {
            sqlx::query(
                "INSERT INTO csp_reports (day, path, host, directive, count) VALUES ($1, $2, $3, $4, 1) \
                 ON CONFLICT (day, path, host, directive) DO UPDATE SET count = csp_reports.count + 1",
            )
            .bind(day)
            .bind(&leak.path)
            .bind(&leak.host)
            .bind(&leak.directive)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Reported violations from `since` (YYYY-MM-DD) on, summed over the
    /// days: (path, host, directive, count, first day, last day), most
    /// reported first.
    pub async fn leaks(&self, since: &str) -> Result<Vec<(Leak, i64, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT path, host, directive, CAST(SUM(count) AS BIGINT), MIN(day), MAX(day) FROM csp_reports \
             WHERE day >= $1 GROUP BY path, host, directive ORDER BY SUM(count) DESC, host, path, directive",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    Leak {
                        path: r.try_get(0)?,
                        host: r.try_get(1)?,
                        directive: r.try_get(2)?,
                    },
                    r.try_get(3)?,
                    r.try_get(4)?,
                    r.try_get(5)?,
                ))
            })
            .collect()
    }

    /// The hash of receipt `seq`, if it is in the log.
    pub async fn hash_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        let found = sqlx::query("SELECT hash FROM receipts WHERE seq = $1")
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match found {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    /// How many receipts one consent id has.
    pub async fn count_for(&self, consent_id: &str) -> Result<i64, StoreError> {
        let count = sqlx::query("SELECT COUNT(*) FROM receipts WHERE consent_id = $1")
            .bind(consent_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(count.try_get(0)?)
    }

    /// Every receipt of one consent, oldest first.
    pub async fn lookup(&self, consent_id: &str) -> Result<Vec<Row>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, received_at, consent_id, receipt, prev_hash, hash FROM receipts \
             WHERE consent_id = $1 ORDER BY seq",
        )
        .bind(consent_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(row).collect()
    }

    /// Receipts received in [from_ms, to_ms), oldest first, handed one by one
    /// to `each` so that an export of millions never sits in memory.
    pub async fn each_between(
        &self,
        from_ms: i64,
        to_ms: i64,
        mut each: impl FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        let mut rows = sqlx::query(
            "SELECT seq, received_at, consent_id, receipt, prev_hash, hash FROM receipts \
             WHERE received_at >= $1 AND received_at < $2 ORDER BY seq",
        )
        .bind(from_ms)
        .bind(to_ms)
        .fetch(&self.pool);
        let mut count = 0;
        while let Some(r) = rows.try_next().await? {
            each(row(&r)?)?;
            count += 1;
        }
        Ok(count)
    }

    /// Walks the chain from the last purge to the newest row.
    pub async fn verify(&self) -> Result<Verdict, StoreError> {
        let anchor = purge_anchor(&self.pool).await?;
        let mut verdict = Verdict {
            rows: 0,
            anchor: anchor.clone(),
            head: anchor,
            broken: None,
        };
        // A purge removes every row up to its anchor, so any row still there
        // means the purge log was written by hand (to hide rows from this
        // walk, which starts at the anchor) or a row was put back under it.
        let under_purge =
            sqlx::query("SELECT seq FROM receipts WHERE seq <= $1 ORDER BY seq LIMIT 1")
                .bind(verdict.anchor.0)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(r) = under_purge {
            verdict.broken = Some(Break::UnderPurge {
                seq: r.try_get(0)?,
                purged_through: verdict.anchor.0,
            });
            return Ok(verdict);
        }
        let mut rows = sqlx::query(
            "SELECT seq, received_at, consent_id, receipt, prev_hash, hash FROM receipts \
             WHERE seq > $1 ORDER BY seq",
        )
        .bind(verdict.anchor.0)
        .fetch(&self.pool);
        while let Some(r) = rows.try_next().await? {
            let r = row(&r)?;
            let (expected_seq, expected_prev) = (verdict.head.0 + 1, &verdict.head.1);
            let broken = if r.seq != expected_seq {
                Some(Break::Missing {
                    seq: expected_seq,
                    next_kept: r.seq,
                })
            } else if &r.prev_hash != expected_prev {
                Some(Break::Unlinked { seq: r.seq })
            } else if link_hash(
                &r.prev_hash,
                r.seq,
                r.received_ms,
                &r.consent_id,
                &r.receipt,
            ) != r.hash
            {
                Some(Break::Edited { seq: r.seq })
            } else {
                match reread(&r.receipt) {
                    Ok(receipt) if receipt.record.id == r.consent_id => None,
                    Ok(_) => Some(Break::Unreadable {
                        seq: r.seq,
                        why: "its consent id is not the one in its receipt".into(),
                    }),
                    Err(refusal) => Some(Break::Unreadable {
                        seq: r.seq,
                        why: format!("{} {}", refusal.field.unwrap_or_default(), refusal.message),
                    }),
                }
            };
            if broken.is_some() {
                verdict.broken = broken;
                return Ok(verdict);
            }
            verdict.rows += 1;
            verdict.head = (r.seq, r.hash);
        }
        Ok(verdict)
    }

    /// Removes every receipt received before `cutoff_ms`, keeping where the
    /// chain of the rest starts in `purges`, so it still verifies.
    pub async fn purge(&self, cutoff_ms: i64, now_ms: i64) -> Result<Purged, StoreError> {
        let mut tx = self.begin_writing().await?;
        let last_old = sqlx::query(
            "SELECT seq, hash FROM receipts WHERE received_at < $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(cutoff_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(last_old) = last_old else {
            return Ok(Purged {
                rows: 0,
                through_seq: 0,
            });
        };
        let through_seq: i64 = last_old.try_get(0)?;
        let through_hash: String = last_old.try_get(1)?;
        sqlx::query(
            "INSERT INTO purges (through_seq, through_hash, older_than, purged_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(through_seq)
        .bind(&through_hash)
        .bind(cutoff_ms)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let deleted = sqlx::query("DELETE FROM receipts WHERE seq <= $1")
            .bind(through_seq)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(Purged {
            rows: deleted,
            through_seq,
        })
    }
}

/// The PostgreSQL advisory lock appends and purges hold ("bisc" in ASCII).
const APPEND_LOCK: i64 = 0x6269_7363;

/// Creates or updates the tables. Several processes may start at once on one
/// database: PostgreSQL's migrator holds an advisory lock, SQLite's does not,
/// so there a migration that lost the race (its table is already there, or
/// the file is locked) is tried again once the winner's is recorded.
///
/// Tables already current are left alone without asking for any right to
/// change them: a serving role that does not own the tables (so cannot
/// drop or disable their triggers) starts as well as the owner.
async fn migrate(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let migrator = match backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    if is_current(pool, migrator).await {
        return Ok(());
    }
    let mut tries = 0;
    loop {
        match migrator.run(pool).await {
            Ok(()) => return Ok(()),
            Err(e) if backend == Backend::Sqlite && tries < 20 && lost_a_race(&e) => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(50 * tries)).await;
            }
            Err(e) if e.to_string().contains("permission denied") => {
                return Err(StoreError(format!(
                    "the tables are missing or out of date, and this login may not create or change them \
                     ({e}): run `biscoito receipts migrate` with the login that owns them"
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether every migration built in is recorded as applied, with the same checksum.
async fn is_current(pool: &AnyPool, migrator: &Migrator) -> bool {
    let Ok(applied) = sqlx::query("SELECT version, checksum FROM _sqlx_migrations WHERE success")
        .fetch_all(pool)
        .await
    else {
        return false;
    };
    let applied: Vec<(i64, Vec<u8>)> = applied
        .iter()
        .filter_map(|r| Some((r.try_get(0).ok()?, r.try_get(1).ok()?)))
        .collect();
    migrator.iter().all(|m| {
        applied
            .iter()
            .any(|(version, checksum)| *version == m.version && checksum[..] == m.checksum[..])
    })
}

fn lost_a_race(e: &sqlx::migrate::MigrateError) -> bool {
    let text = e.to_string();
    ["already exists", "locked", "busy"]
        .iter()
        .any(|sign| text.contains(sign))
}

fn row(r: &sqlx::any::AnyRow) -> Result<Row, StoreError> {
    Ok(Row {
        seq: r.try_get(0)?,
        received_ms: r.try_get(1)?,
        consent_id: r.try_get(2)?,
        receipt: r.try_get(3)?,
        prev_hash: r.try_get(4)?,
        hash: r.try_get(5)?,
    })
}

/// The last purged row and its hash, or where every chain starts.
async fn purge_anchor<'e, E>(db: E) -> Result<(i64, String), StoreError>
where
    E: Executor<'e, Database = sqlx::Any>,
{
    let anchor = sqlx::query(
        "SELECT through_seq, through_hash FROM purges ORDER BY through_seq DESC LIMIT 1",
    )
    .fetch_optional(db)
    .await?;
    Ok(match anchor {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS.to_owned()),
    })
}

/// The newest row's seq, hash and time; after a purge that left nothing,
/// the purge's anchor.
async fn head(conn: &mut sqlx::AnyConnection) -> Result<(i64, String, i64), StoreError> {
    let newest =
        sqlx::query("SELECT seq, hash, received_at FROM receipts ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    if let Some(r) = newest {
        return Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?));
    }
    let (seq, hash) = purge_anchor(&mut *conn).await?;
    Ok((seq, hash, 0))
}
