//! Usage records (详单): bulk insert, per-month aggregation for rating, paging for the screen.

use crate::domain::rating::Usage;
use crate::error::Result;
use rusqlite::{Connection, params};
use std::collections::HashMap;

/// One usage record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UsageRecord {
    /// Row id (0 before insert).
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// YYYYMM.
    pub month: i64,
    /// Unix seconds.
    pub at: i64,
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// Seconds, count or KB.
    pub quantity: i64,
    /// One of [`SCOPES`].
    pub scope: &'static str,
    /// The other number.
    pub other_party: String,
    /// Partner service, for vas.
    pub service: String,
    /// Pay-per-use charge, for vas.
    pub fee_fen: i64,
}

/// The kinds of usage record: calls made and received, SMS, MMS, data, value-added services.
pub const KINDS: [&str; 6] = ["voice_out", "voice_in", "sms", "mms", "data", "vas"];

/// Where a call was made.
pub const SCOPES: [&str; 3] = ["local", "long_distance", "roaming"];

/// The entry of `list` equal to `s`: kinds and scopes are a fixed set, so records carry them as
/// static strings (a million-row import then allocates nothing for them).
pub fn known(list: &[&'static str], s: &str) -> Option<&'static str> {
    list.iter().find(|k| **k == s).copied()
}

/// Rows per multi-row INSERT: one statement step per 64 rows instead of per row.
const ROWS_PER_INSERT: usize = 64;

/// Inserts records, 64 rows per statement bound in place; call inside the import's transaction.
/// Records sorted by (month, customer, time) insert fastest: they append to the index.
pub fn insert_all(conn: &Connection, records: &[UsageRecord]) -> Result<()> {
    super::insert_batched(
        conn,
        "INSERT INTO usage_records(customer_id, month, at, kind, quantity, scope, other_party, service, fee_fen) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?)",
        &[],
        ROWS_PER_INSERT,
        records,
        |st, i, r| {
            st.raw_bind_parameter(i, r.customer_id)?;
            st.raw_bind_parameter(i + 1, r.month)?;
            st.raw_bind_parameter(i + 2, r.at)?;
            st.raw_bind_parameter(i + 3, r.kind)?;
            st.raw_bind_parameter(i + 4, r.quantity)?;
            st.raw_bind_parameter(i + 5, r.scope)?;
            st.raw_bind_parameter(i + 6, r.other_party.as_str())?;
            st.raw_bind_parameter(i + 7, r.service.as_str())?;
            st.raw_bind_parameter(i + 8, r.fee_fen)
        },
    )
}

/// About how many records are stored (the largest id: never fewer), without counting them.
pub fn approx_rows(conn: &Connection) -> Result<u64> {
    let max: Option<i64> = conn.query_row("SELECT max(id) FROM usage_records", [], |r| r.get(0))?;
    Ok(max.unwrap_or(0).max(0) as u64)
}

/// Before a bulk import: drop the index (rebuilt by [`bulk_load_end`] with one sort). Call
/// inside the import's transaction, with [`super::bulk_connection`] on.
pub fn bulk_load_begin(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP INDEX IF EXISTS usage_month_customer")?;
    Ok(())
}

/// After a bulk import: the index of schema_v5_bills.sql again.
pub fn bulk_load_end(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE INDEX IF NOT EXISTS usage_month_customer ON usage_records(month, customer_id, at)",
    )?;
    Ok(())
}

/// The sums that make a [`Usage`], in its field order: calls in started minutes (roaming apart,
/// both directions), messages and data as recorded. Spelled with `=`/`OR` rather than `IN`
/// lists, which SQLite evaluates through a lookup table per row.
const USAGE_SUMS: &str = "
    sum(CASE WHEN kind = 'voice_out' AND scope <> 'roaming' THEN (quantity + 59) / 60 ELSE 0 END),
    sum(CASE WHEN kind = 'voice_in' AND scope <> 'roaming' THEN (quantity + 59) / 60 ELSE 0 END),
    sum(CASE WHEN (kind = 'voice_out' OR kind = 'voice_in') AND scope = 'roaming'
             THEN (quantity + 59) / 60 ELSE 0 END),
    sum(CASE WHEN kind = 'sms' THEN quantity ELSE 0 END),
    sum(CASE WHEN kind = 'mms' THEN quantity ELSE 0 END),
    sum(CASE WHEN kind = 'data' THEN quantity ELSE 0 END)";

/// A [`Usage`] from the [`USAGE_SUMS`] columns starting at `at` (no records: all zero).
fn usage_from(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Usage> {
    let n =
        |i: usize| -> rusqlite::Result<i64> { Ok(r.get::<_, Option<i64>>(at + i)?.unwrap_or(0)) };
    Ok(Usage {
        voice_out_minutes: n(0)?,
        voice_in_minutes: n(1)?,
        roaming_minutes: n(2)?,
        sms: n(3)?,
        mms: n(4)?,
        data_kb: n(5)?,
    })
}

/// A customer's month as the bill run's one pass sums it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthTotal {
    pub usage: Usage,
    /// Records of the month.
    pub records: i64,
    /// Pay-per-use partner events (`vas` with a fee): their charges are read apart, by
    /// [`third_party`], only for the customers that have some.
    pub partner_events: i64,
}

/// Every customer's usage of a month, summed in one pass. Grouped by customer alone, the
/// rows arrive in the index's order and are summed as they stream, with nothing to sort (by
/// customer, kind and scope SQLite sorted the whole month first: most of the bill run).
pub fn month_totals(conn: &Connection, month: i64) -> Result<HashMap<i64, MonthTotal>> {
    let mut st = conn.prepare(&format!(
        "SELECT customer_id, count(*), sum(CASE WHEN kind = 'vas' AND fee_fen > 0 THEN 1 ELSE 0 END),
                {USAGE_SUMS}
         FROM usage_records WHERE month = ?1 GROUP BY customer_id"
    ))?;
    let rows = st.query_map([month], |r| {
        Ok((
            r.get(0)?,
            MonthTotal {
                records: r.get(1)?,
                partner_events: r.get(2)?,
                usage: usage_from(r, 3)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One customer's usage of a month.
pub fn customer_month(conn: &Connection, customer_id: i64, month: i64) -> Result<Usage> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {USAGE_SUMS} FROM usage_records WHERE customer_id = ?1 AND month = ?2"
    ))?;
    Ok(st.query_row(params![customer_id, month], |r| usage_from(r, 0))?)
}

/// A customer's pay-per-use partner charges of a month: (service, fee in fen, events), by
/// service. Reads the customer's range of the index, not the month's.
pub fn third_party(
    conn: &Connection,
    month: i64,
    customer_id: i64,
) -> Result<Vec<(String, i64, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT service, sum(fee_fen), count(*) FROM usage_records
         WHERE month = ?1 AND customer_id = ?2 AND kind = 'vas' AND fee_fen > 0
         GROUP BY service ORDER BY service",
    )?;
    let rows = st.query_map(params![month, customer_id], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A filter over one customer's records.
#[derive(Debug, Clone, Default)]
pub struct DetailFilter {
    /// YYYYMM.
    pub month: i64,
    /// Only kinds in this group: `voice`, `sms` (sms and mms), `data`, `vas`.
    pub group: Option<String>,
    /// Only this local day of the month.
    pub day: Option<u32>,
}

fn group_clause(f: &DetailFilter) -> &'static str {
    match f.group.as_deref() {
        Some("voice") => " AND kind IN ('voice_out', 'voice_in')",
        Some("sms") => " AND kind IN ('sms', 'mms')",
        Some("data") => " AND kind = 'data'",
        Some("vas") => " AND kind = 'vas'",
        _ => "",
    }
}

/// Day bounds in Unix seconds for a local day of a YYYYMM month (UTC+8).
fn day_bounds(month: i64, day: Option<u32>) -> (i64, i64) {
    let Some(d) = day else {
        return (i64::MIN, i64::MAX);
    };
    let (y, m) = ((month / 100) as i32, (month % 100) as u32);
    match chrono::NaiveDate::from_ymd_opt(y, m, d) {
        Some(date) => {
            let start = crate::domain::clock::start_of_day(date).timestamp();
            (start, start + 86_400)
        }
        None => (0, 0),
    }
}

/// How many records match.
pub fn count(conn: &Connection, customer_id: i64, f: &DetailFilter) -> Result<i64> {
    let (from, to) = day_bounds(f.month, f.day);
    let sql = format!(
        "SELECT count(*) FROM usage_records WHERE customer_id = ?1 AND month = ?2 AND at >= ?3 AND at < ?4{}",
        group_clause(f)
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![customer_id, f.month, from, to], |r| r.get(0))?)
}

/// One page of records, in time order.
pub fn page(
    conn: &Connection,
    customer_id: i64,
    f: &DetailFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<UsageRecord>> {
    let (from, to) = day_bounds(f.month, f.day);
    let sql = format!(
        "SELECT id, customer_id, month, at, kind, quantity, scope, other_party, service, fee_fen FROM usage_records
         WHERE customer_id = ?1 AND month = ?2 AND at >= ?3 AND at < ?4{} ORDER BY at, id LIMIT ?5 OFFSET ?6",
        group_clause(f)
    );
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(
        params![customer_id, f.month, from, to, limit, offset],
        |r| {
            Ok(UsageRecord {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                month: r.get(2)?,
                at: r.get(3)?,
                kind: known(&KINDS, &r.get::<_, String>(4)?).unwrap_or("?"),
                quantity: r.get(5)?,
                scope: known(&SCOPES, &r.get::<_, String>(6)?).unwrap_or("?"),
                other_party: r.get(7)?,
                service: r.get(8)?,
                fee_fen: r.get(9)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Data used per local day of a month: (day, KB).
pub fn daily_data(conn: &Connection, customer_id: i64, month: i64) -> Result<Vec<(u32, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT (at + 28800) / 86400 AS d, sum(quantity) FROM usage_records
         WHERE customer_id = ?1 AND month = ?2 AND kind = 'data' GROUP BY d ORDER BY d",
    )?;
    let rows = st.query_map(params![customer_id, month], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (days, kb) = row?;
        let date = chrono::DateTime::from_timestamp(days * 86_400, 0).map(|t| t.date_naive());
        if let Some(d) = date {
            use chrono::Datelike;
            out.push((d.day(), kb));
        }
    }
    Ok(out)
}

/// Number of usage records of a month (YYYYMM).
pub fn count_in_month(conn: &Connection, month: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM usage_records WHERE month = ?1",
        [month],
        |r| r.get(0),
    )?)
}

/// Number of usage records.
pub fn total(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM usage_records", [], |r| r.get(0))?)
}
