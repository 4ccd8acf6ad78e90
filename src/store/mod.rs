//! SQLite: opening (pragmas, migrations, refusing foreign or newer files) and one module per aggregate.
//! SQL lives here and only here.

pub mod audit;
pub mod backup;
pub mod bills;
pub mod catalog;
pub mod customers;
pub mod ledger;
pub mod notices;
pub mod plans;
pub mod points;
pub mod redemptions;
pub mod reports;
pub mod staff;
pub mod tickets;
pub mod topups;
pub mod usage;
pub mod visits;

use crate::domain::Problem;
use crate::error::Result;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::Path;

/// `PRAGMA application_id` of a touchpoint database: "TPNT".
pub const APPLICATION_ID: i32 = 0x5450_4E54;

/// The migrations, in order; `user_version` counts how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("schema_v1.sql"),
    include_str!("schema_v2_points.sql"),
    include_str!("schema_v3_topup.sql"),
    include_str!("schema_v4_complaints.sql"),
    include_str!("schema_v5_bills.sql"),
    include_str!("schema_v6_plans.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// How long a writer waits for another terminal's transaction before giving up.
const BUSY_TIMEOUT_MS: u64 = 5_000;

/// Whether opening may create a new database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The file must already be a touchpoint database.
    Existing,
    /// Create the file (or adopt an empty one) when missing.
    Create,
}

/// What a file on disk is, found without writing to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// No file there.
    Missing,
    /// An SQLite database without any table (or an empty file).
    Empty,
    /// A touchpoint database of this schema version or older.
    Touchpoint {
        /// Its schema version.
        version: i32,
    },
}

/// Looks at a file read-only and refuses foreign or newer files; never writes.
pub fn inspect(path: &Path) -> Result<FileKind> {
    if !path.exists() {
        return Ok(FileKind::Missing);
    }
    let shown = path.display();
    let foreign = || {
        Problem::bad_input(
            format!("{shown} 不是 touchpoint 数据库，未做任何修改：请用 --db 指定正确的文件"),
            format!(
                "{shown} is not a touchpoint database; nothing was changed: point --db at a touchpoint database"
            ),
        )
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let probe = (|| -> rusqlite::Result<(i32, i32, i64)> {
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok((app, version, tables))
    })();
    let (app, version, tables) = match probe {
        Ok(v) => v,
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => {
            return Err(foreign().into());
        }
        Err(e) => return Err(e.into()),
    };
    if app == 0 && tables == 0 {
        return Ok(FileKind::Empty);
    }
    if app != APPLICATION_ID {
        return Err(foreign().into());
    }
    if version > SCHEMA_VERSION {
        return Err(Problem::refused(
            format!("{shown} 由更新版本的 touchpoint 创建（数据库版本 {version}，本程序支持到 {SCHEMA_VERSION}），未做任何修改：请升级 touchpoint"),
            format!("{shown} was written by a newer touchpoint (schema {version}; this build knows up to {SCHEMA_VERSION}); nothing was changed: upgrade touchpoint"),
        )
        .into());
    }
    Ok(FileKind::Touchpoint { version })
}

/// Opens a touchpoint database: WAL, `synchronous=FULL`, foreign keys, busy timeout, migrations.
pub fn open(path: &Path, mode: OpenMode) -> Result<Connection> {
    let kind = inspect(path)?;
    let shown = path.display();
    match (&kind, mode) {
        (FileKind::Missing, OpenMode::Existing) => {
            return Err(Problem::not_found(
                format!("没有找到数据库 {shown}：先运行 touchpoint init 或 touchpoint demo"),
                format!("no database at {shown}: run `touchpoint init` or `touchpoint demo` first"),
            )
            .into());
        }
        (FileKind::Empty, OpenMode::Existing) => {
            return Err(Problem::not_found(
                format!("{shown} 是空数据库：先运行 touchpoint init"),
                format!("{shown} is an empty database: run `touchpoint init` first"),
            )
            .into());
        }
        _ => {}
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let conn = Connection::open(path)?;
    configure(&conn)?;
    migrate(&conn)?;
    Ok(conn)
}

/// Sets the connection pragmas every connection needs.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_millis(BUSY_TIMEOUT_MS))?;
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!("journal_mode is {mode}, not WAL");
    }
    // A 64 MiB page cache keeps bulk imports and bill runs off the disk's random reads.
    conn.execute_batch(
        "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA cache_size=-65536;",
    )?;
    Ok(())
}

fn migrate(conn: &Connection) -> Result<()> {
    let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    // Another terminal may have migrated while we waited for the lock.
    let version: i32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!(
            "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
            i + 1
        ))?;
    }
    tx.commit()?;
    Ok(())
}

/// Runs `f` inside one `BEGIN IMMEDIATE` transaction: all of it or none of it.
pub fn write<T>(conn: &mut Connection, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// Stored form of an instant: RFC 3339 UTC with milliseconds, which sorts as text.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored instant.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Reads a key from the meta table.
pub fn meta_get(conn: &Connection, key: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    // Cached: the bill run asks for the points lifetime once per customer.
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Writes a key to the meta table.
pub fn meta_set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// `PRAGMA data_version`: changes when another connection commits, so screens know to reload.
pub fn data_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}
