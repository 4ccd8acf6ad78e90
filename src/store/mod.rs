//! SQLite: opening (pragmas, migrations, refusing foreign or newer files) and one module per aggregate.
//! SQL lives here and only here.

pub mod audit;
pub mod backup;
pub mod bills;
pub mod catalog;
pub mod customers;
pub(crate) mod filter;
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
    include_str!("schema_v7_customers.sql"),
    include_str!("schema_v8_checks.sql"),
    include_str!("schema_v9_payments_created.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// Page size of a new database. 16 KiB pages write bulk work (imports, bill runs, the
/// checkpoint that follows them) in a quarter of the pages; a million-customer import commits
/// and checkpoints about twice as fast as with SQLite's default 4 KiB, while a counter
/// transaction, which touches a handful of pages, does not notice.
pub const PAGE_SIZE: u32 = 16_384;

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
    if matches!(kind, FileKind::Missing | FileKind::Empty) {
        // Only a file with no pages yet takes a page size; existing files keep theirs.
        conn.execute_batch(&format!("PRAGMA page_size={PAGE_SIZE}"))?;
    }
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
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")?;
    conn.execute_batch(&format!("PRAGMA cache_size=-{CACHE_KIB}"))?;
    Ok(())
}

fn migrate(conn: &Connection) -> Result<()> {
    let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version >= SCHEMA_VERSION {
        return Ok(());
    }
    // A migration may rebuild a table that others refer to (SQLite's documented procedure):
    // foreign keys are off while it runs (the pragma is ignored inside a transaction) and are
    // checked before it commits.
    conn.execute_batch("PRAGMA foreign_keys=OFF")?;
    let out = migrate_in(conn);
    conn.execute_batch("PRAGMA foreign_keys=ON")?;
    out
}

fn migrate_in(conn: &Connection) -> Result<()> {
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
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(Problem::refused(
            format!("升级数据库结构时发现 {broken} 处外键不一致，未做任何更改"),
            format!(
                "upgrading the schema found {broken} broken foreign key(s); nothing was changed"
            ),
        )
        .into());
    }
    tx.commit()?;
    Ok(())
}

/// Page cache of every connection, in KiB.
const CACHE_KIB: i64 = 65_536;

/// Page cache while a bulk load keeps a whole table's new pages (a million customers: ~200 MB).
const BULK_CACHE_KIB: i64 = 262_144;

/// Whether an import of `incoming` rows into a table of about `stored` should drop the table's
/// indexes and rebuild them after loading: a rebuild sorts every row of the table once, which
/// beats inserting into the index row by row only when the import is large (`at_least`) and
/// not much smaller than the table.
pub fn rebuild_indexes(incoming: u64, stored: u64, at_least: u64) -> bool {
    incoming >= at_least && incoming.saturating_mul(2) >= stored
}

/// Connection settings for a bulk import, some of which cannot change inside a transaction:
/// on, the page cache holds a whole table's new pages, index rebuilds sort in memory (a million
/// keys three times faster than through temporary files) and foreign keys are not looked up row
/// by row (0.1–0.2 s a million rows) — the importer guarantees every reference, checked against
/// rows it read in the same transaction; off, the usual settings again. Call before and after
/// the import's transaction, also when it fails, so no setting outlives the import.
pub fn bulk_connection(conn: &Connection, on: bool) -> Result<()> {
    conn.execute_batch(&if on {
        format!(
            "PRAGMA cache_size=-{BULK_CACHE_KIB}; PRAGMA temp_store=MEMORY; PRAGMA foreign_keys=OFF"
        )
    } else {
        format!("PRAGMA cache_size=-{CACHE_KIB}; PRAGMA temp_store=DEFAULT; PRAGMA foreign_keys=ON")
    })?;
    Ok(())
}

/// Inserts `rows` with multi-row INSERTs, `per_statement` rows a step: `head` is the statement up
/// to `VALUES `, `row` one row's placeholders (`(?, ?, …)`, where `?1`…`?n` stand for `shared`,
/// bound once per statement), and `bind` binds one row's values starting at the 1-based
/// parameter index it is given. Bulk imports spend most of their time here; one statement step
/// per many rows halves it, and every text bound is a copy, so values common to all rows are
/// bound once.
pub(crate) fn insert_batched<T>(
    conn: &Connection,
    head: &str,
    row: &str,
    shared: &[&str],
    per_statement: usize,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::CachedStatement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> Result<()> {
    // Every bare `?` gets an explicit number, so `?1`…`?n` may stand anywhere in the row.
    let bare = |rest: &&str| !rest.starts_with(|c: char| c.is_ascii_digit());
    let width = row.split('?').skip(1).filter(bare).count();
    let values = |n: usize| {
        let mut next = shared.len();
        let mut rows = Vec::with_capacity(n);
        for _ in 0..n {
            let mut parts = row.split('?');
            let mut one = parts.next().unwrap_or("").to_string();
            for rest in parts {
                one.push('?');
                if bare(&rest) {
                    next += 1;
                    one.push_str(&next.to_string());
                }
                one.push_str(rest);
            }
            rows.push(one);
        }
        rows.join(", ")
    };
    let run = |st: &mut rusqlite::CachedStatement<'_>, chunk: &[T]| {
        for (i, v) in shared.iter().enumerate() {
            st.raw_bind_parameter(i + 1, v)?;
        }
        for (k, r) in chunk.iter().enumerate() {
            bind(st, shared.len() + 1 + k * width, r)?;
        }
        st.raw_execute().map(|_| ())
    };
    let mut chunks = rows.chunks_exact(per_statement);
    let mut many = conn.prepare_cached(&format!("{head}{}", values(per_statement)))?;
    for chunk in &mut chunks {
        run(&mut many, chunk)?;
    }
    let mut one = conn.prepare_cached(&format!("{head}{}", values(1)))?;
    for r in chunks.remainder() {
        run(&mut one, std::slice::from_ref(r))?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_rebuilt_only_for_a_large_import_not_much_smaller_than_the_table() {
        assert!(rebuild_indexes(1_000_000, 0, 50_000));
        assert!(rebuild_indexes(60_000, 100_000, 50_000));
        assert!(
            !rebuild_indexes(50_000, 10_000_000, 50_000),
            "a small update of a big table"
        );
        assert!(!rebuild_indexes(10_000, 0, 50_000), "a small file");
    }

    /// One brand, its plan and a clerk: what the migration tests' customers refer to.
    const CATALOGUE_AND_STAFF: &str =
        "INSERT INTO brands VALUES ('gotone', '全球通', 'GoTone', 'postpaid', '元', 'yuan', 1, 1, 0);
         INSERT INTO plans(code, kind, brand, name_zh, name_en, fee_fen, description_zh,
             description_en) VALUES ('GT58', 'plan', 'gotone', '全球通58', 'GoTone 58', 5800, '', '');
         INSERT INTO staff(id, name, role, password_hash, created_at)
             VALUES ('s', 'S', 'clerk', 'x', 't');";

    /// A new file as an older build left it: the first `version` migrations applied the way
    /// `migrate` applies them (foreign keys off meanwhile), then the usual settings.
    fn at_schema(path: &Path, version: usize) -> Connection {
        let conn = Connection::open(path).unwrap();
        configure(&conn).unwrap();
        conn.execute_batch("PRAGMA foreign_keys=OFF").unwrap();
        for (i, sql) in MIGRATIONS.iter().take(version).enumerate() {
            conn.execute_batch(sql).unwrap();
            conn.execute_batch(&format!(
                "PRAGMA user_version = {}; PRAGMA application_id = {APPLICATION_ID};",
                i + 1
            ))
            .unwrap();
        }
        conn.execute_batch("PRAGMA foreign_keys=ON").unwrap();
        conn
    }

    /// A database left at schema 6 by an older build keeps its customers and everything that
    /// refers to them when schema 7 rebuilds the table, and its rules still hold.
    #[test]
    fn schema_7_keeps_customers_and_their_references() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v6.sqlite");
        let conn = at_schema(&path, 6);
        conn.execute_batch(CATALOGUE_AND_STAFF).unwrap();
        conn.execute_batch(
            "INSERT INTO customers(id, phone, name, id_number, brand, plan, customer_type,
                 real_name_verified, status, joined_on, star_level, balance_fen, created_at, updated_at)
                 VALUES (7, '13800138000', '张明华', 'x', 'gotone', 'GT58', 'consumer', 1, 'active',
                 '2020-01-01', 5, 100, 't', 't');
             INSERT INTO ledger(customer_id, kind, amount_fen, balance_after_fen, staff_id, created_at)
                 VALUES (7, 'top_up', 100, 100, 's', 't');",
        )
        .unwrap();
        drop(conn);

        let conn = open(&path, OpenMode::Existing).unwrap();
        let version: i32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let (name, balance): (String, i64) = conn
            .query_row(
                "SELECT c.name, sum(l.amount_fen) FROM customers c JOIN ledger l ON l.customer_id = c.id
                 WHERE c.phone = '13800138000'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((name.as_str(), balance), ("张明华", 100));
        let fk: bool = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk, "foreign keys are on again after migrating");
        let dup = conn.execute(
            "INSERT INTO customers(phone, name, id_number, brand, plan, customer_type,
                 real_name_verified, status, joined_on, star_level, created_at, updated_at)
             VALUES ('13800138000', '重复', 'x', 'gotone', 'GT58', 'consumer', 1, 'active',
                 '2020-01-01', 1, 't', 't')",
            [],
        );
        assert!(
            dup.unwrap_err().to_string().contains("UNIQUE"),
            "a second customer on one phone is refused"
        );
        let orphan = conn.execute(
            "INSERT INTO ledger(customer_id, kind, amount_fen, balance_after_fen, staff_id, created_at)
             VALUES (999, 'top_up', 1, 1, 's', 't')",
            [],
        );
        assert!(orphan.is_err(), "the ledger still refers to customers");
        for (column, value) in [("customer_type", "vip"), ("status", "gone")] {
            let bad = conn.execute(
                &format!("UPDATE customers SET {column} = ?1 WHERE id = 7"),
                [value],
            );
            assert!(
                bad.unwrap_err().to_string().contains("CHECK"),
                "{column} keeps its allowed values"
            );
        }
    }

    /// Schema 8 respells the CHECKs of the ledgers and bill items: the same rows, indexes and
    /// triggers as before, and the same values still refused.
    #[test]
    fn schema_8_keeps_the_ledgers_their_indexes_and_their_rules() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v7.sqlite");
        let conn = at_schema(&path, 7);
        conn.execute_batch(CATALOGUE_AND_STAFF).unwrap();
        conn.execute_batch(
            "INSERT INTO customers(id, phone, name, id_number, brand, plan, customer_type,
                 real_name_verified, status, joined_on, star_level, created_at, updated_at)
                 VALUES (7, '13800138000', '张明华', 'x', 'gotone', 'GT58', 'consumer', 1, 'active',
                 '2020-01-01', 5, 't', 't');
             INSERT INTO ledger(id, customer_id, kind, amount_fen, balance_after_fen, staff_id, created_at)
                 VALUES (1, 7, 'top_up', 100, 100, 's', 't');
             INSERT INTO ledger(id, customer_id, kind, amount_fen, balance_after_fen, staff_id, created_at, reverses_id)
                 VALUES (2, 7, 'reversal', -100, 0, 's', 't', 1);
             INSERT INTO points_lots(id, customer_id, earned_month, points, remaining, expires_on, created_at)
                 VALUES (1, 7, '2026-01', 10, 10, '2027-12-31', 't');
             INSERT INTO points_ledger(customer_id, lot_id, kind, points, balance_after, created_at)
                 VALUES (7, 1, 'earn', 10, 10, 't');
             INSERT INTO bills(id, customer_id, month, plan, total_fen, staff_id, issued_at)
                 VALUES (1, 7, '2026-01', 'GT58', 5800, 's', 't');
             INSERT INTO bill_items(bill_id, seq, category, name_zh, name_en, explanation_zh,
                 explanation_en, amount_fen) VALUES (1, 1, 'plan_fixed', '套餐', 'Plan', '', '', 5800);",
        )
        .unwrap();
        let objects = |conn: &Connection| -> Vec<(String, String, String)> {
            let mut st = conn
                .prepare(
                    "SELECT type, name, coalesce(sql, '') FROM sqlite_schema
                     WHERE tbl_name IN ('ledger', 'points_ledger', 'bill_items') AND type != 'table'
                     ORDER BY name",
                )
                .unwrap();
            st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(|r| r.unwrap())
                .collect()
        };
        let before = objects(&conn);
        assert_eq!(before.len(), 14, "{before:?}");
        drop(conn);

        let conn = open(&path, OpenMode::Existing).unwrap();
        assert_eq!(objects(&conn), before);
        let rows: i64 = conn
            .query_row(
                "SELECT (SELECT count(*) FROM ledger) * 100 + (SELECT count(*) FROM points_ledger) * 10
                        + (SELECT count(*) FROM bill_items)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows, 211);
        for sql in [
            "INSERT INTO ledger(customer_id, kind, amount_fen, balance_after_fen, created_at)
             VALUES (7, 'gift', 1, 1, 't')",
            "INSERT INTO points_ledger(customer_id, lot_id, kind, points, balance_after, created_at)
             VALUES (7, 1, 'gift', 1, 11, 't')",
            "INSERT INTO bill_items(bill_id, seq, category, name_zh, name_en, explanation_zh,
             explanation_en, amount_fen) VALUES (1, 2, 'misc', '', '', '', '', 1)",
        ] {
            let e = conn.execute(sql, []).unwrap_err().to_string();
            assert!(e.contains("CHECK"), "{e}");
        }
        let e = conn
            .execute("UPDATE ledger SET amount_fen = 0 WHERE id = 1", [])
            .unwrap_err()
            .to_string();
        assert!(e.contains("append-only"), "{e}");
        let e = conn
            .execute(
                "INSERT INTO ledger(customer_id, kind, amount_fen, balance_after_fen, created_at, reverses_id)
                 VALUES (7, 'reversal', 1, 1, 't', 1)",
                [],
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("UNIQUE"), "an entry is reversed once: {e}");
        let orphan = conn.execute(
            "INSERT INTO bill_items(bill_id, seq, category, name_zh, name_en, explanation_zh,
             explanation_en, amount_fen) VALUES (99, 1, 'voice', '', '', '', '', 1)",
            [],
        );
        assert!(orphan.is_err(), "bill items still refer to bills");
    }

    /// Full statements, the remainder row by row, shared values in every row, bare and numbered
    /// placeholders mixed: every row lands with its own values.
    #[test]
    fn insert_batched_binds_every_row_and_the_shared_values() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a INTEGER, s TEXT, b TEXT, s2 TEXT)")
            .unwrap();
        let rows: Vec<(i64, String)> = (0..7).map(|i| (i, format!("r{i}"))).collect();
        insert_batched(
            &conn,
            "INSERT INTO t(a, s, b, s2) VALUES ",
            "(?, ?1, ?, ?1)",
            &["shared"],
            3,
            &rows,
            |st, i, r| {
                st.raw_bind_parameter(i, r.0)?;
                st.raw_bind_parameter(i + 1, r.1.as_str())
            },
        )
        .unwrap();
        let got: Vec<(i64, String, String, String)> = conn
            .prepare("SELECT a, s, b, s2 FROM t ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let want: Vec<(i64, String, String, String)> = (0..7)
            .map(|i| (i, "shared".into(), format!("r{i}"), "shared".into()))
            .collect();
        assert_eq!(got, want);
    }
}
