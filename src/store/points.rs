//! Points lots and the points ledger.

use crate::error::Result;
use rusqlite::{Connection, params};

/// An earning lot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// `YYYY-MM` earned.
    pub earned_month: String,
    /// Points earned.
    pub points: i64,
    /// Points left.
    pub remaining: i64,
    /// Last valid local date, `YYYY-MM-DD`.
    pub expires_on: String,
    /// Where it came from (a bill, an opening balance, …).
    pub source: String,
}

/// A new earning lot.
#[derive(Debug, Clone)]
pub struct NewLot<'a> {
    /// Customer.
    pub customer_id: i64,
    /// `YYYY-MM` earned.
    pub earned_month: &'a str,
    /// Points, above zero.
    pub points: i64,
    /// Last valid local date.
    pub expires_on: &'a str,
    /// Source description.
    pub source: &'a str,
    /// Business record type.
    pub ref_type: &'a str,
    /// Business record id.
    pub ref_id: &'a str,
    /// Staff.
    pub staff_id: Option<&'a str>,
}

/// Adds a lot with its `earn` ledger entry and moves the cached points total.
pub fn earn(conn: &Connection, lot: &NewLot<'_>, now: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO points_lots(customer_id, earned_month, points, remaining, expires_on, source, created_at)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        lot.customer_id,
        lot.earned_month,
        lot.points,
        lot.expires_on,
        lot.source,
        now
    ])?;
    let lot_id = conn.last_insert_rowid();
    append(
        conn,
        &Movement {
            customer_id: lot.customer_id,
            lot_id,
            kind: "earn",
            points: lot.points,
            ref_type: lot.ref_type,
            ref_id: lot.ref_id,
            staff_id: lot.staff_id,
            reverses_id: None,
        },
        now,
    )?;
    Ok(lot_id)
}

/// A movement of points in or out of one lot.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    /// Customer.
    pub customer_id: i64,
    /// The lot moved.
    pub lot_id: i64,
    /// `spend`, `expire`, `reversal`, `adjustment`.
    pub kind: &'a str,
    /// Signed points.
    pub points: i64,
    /// Business record type.
    pub ref_type: &'a str,
    /// Business record id.
    pub ref_id: &'a str,
    /// Staff.
    pub staff_id: Option<&'a str>,
    /// The entry reversed, for a reversal.
    pub reverses_id: Option<i64>,
}

/// Moves points in or out of a lot: the lot's remainder, a ledger entry and the cached total
/// move together. The lot's CHECK refuses going below zero or above what it earned.
pub fn move_points(conn: &Connection, m: &Movement<'_>, now: &str) -> Result<i64> {
    let changed = conn
        .prepare_cached(
            "UPDATE points_lots SET remaining = remaining + ?2 WHERE id = ?1 AND customer_id = ?3",
        )?
        .execute(params![m.lot_id, m.points, m.customer_id])?;
    if changed != 1 {
        return Err(crate::domain::Problem::not_found(
            format!("积分批次 {} 不存在", m.lot_id),
            format!("points lot {} does not exist for this customer", m.lot_id),
        )
        .into());
    }
    append(conn, m, now)
}

/// Appends a ledger entry (without touching the lot) and moves the cached total.
fn append(conn: &Connection, m: &Movement<'_>, now: &str) -> Result<i64> {
    let before: i64 = conn
        .prepare_cached("SELECT points FROM customers WHERE id = ?1")?
        .query_row([m.customer_id], |r| r.get(0))?;
    let after = before + m.points;
    conn.prepare_cached(
        "INSERT INTO points_ledger(customer_id, lot_id, kind, points, balance_after, ref_type, ref_id, staff_id, created_at, reverses_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        m.customer_id,
        m.lot_id,
        m.kind,
        m.points,
        after,
        m.ref_type,
        m.ref_id,
        m.staff_id,
        now,
        m.reverses_id
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE customers SET points = ?2 WHERE id = ?1")?
        .execute(params![m.customer_id, after])?;
    Ok(id)
}

const LOT_COLS: &str = "id, customer_id, earned_month, points, remaining, expires_on, source";

fn lot_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Lot> {
    Ok(Lot {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        earned_month: r.get(2)?,
        points: r.get(3)?,
        remaining: r.get(4)?,
        expires_on: r.get(5)?,
        source: r.get(6)?,
    })
}

/// Every lot of a customer (also empty and expired ones), by expiry.
pub fn all_lots(conn: &Connection, customer_id: i64) -> Result<Vec<Lot>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {LOT_COLS} FROM points_lots WHERE customer_id = ?1 ORDER BY expires_on, id"
    ))?;
    let rows = st.query_map([customer_id], lot_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Customers holding points in lots that expired before `today` (`YYYY-MM-DD`).
pub fn customers_with_expired(conn: &Connection, today: &str) -> Result<Vec<i64>> {
    let mut st = conn.prepare(
        "SELECT DISTINCT customer_id FROM points_lots WHERE remaining > 0 AND expires_on < ?1 ORDER BY customer_id",
    )?;
    let rows = st.query_map([today], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Available (unexpired) points of a customer on `today`.
pub fn available(conn: &Connection, customer_id: i64, today: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(remaining), 0) FROM points_lots WHERE customer_id = ?1 AND expires_on >= ?2")?
        .query_row(params![customer_id, today], |r| r.get(0))?)
}

/// A customer's lots with points left, soonest to expire first.
pub fn open_lots(conn: &Connection, customer_id: i64) -> Result<Vec<Lot>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {LOT_COLS} FROM points_lots WHERE customer_id = ?1 AND remaining > 0 ORDER BY expires_on, id"
    ))?;
    let rows = st.query_map([customer_id], lot_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Customers whose cached points, lot remainders and points ledger do not agree, described for `check`.
pub fn mismatches(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT c.phone, c.points,
                coalesce((SELECT sum(remaining) FROM points_lots l WHERE l.customer_id = c.id), 0),
                coalesce((SELECT sum(points) FROM points_ledger p WHERE p.customer_id = c.id), 0)
         FROM customers c",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, i64>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (phone, cached, lots, ledger) = row?;
        if cached != lots || cached != ledger {
            out.push(format!(
                "customer {phone}: points {cached}, lots hold {lots}, points ledger sums to {ledger}"
            ));
        }
    }
    let negative: i64 = conn.query_row(
        "SELECT count(*) FROM points_lots WHERE remaining < 0 OR remaining > points",
        [],
        |r| r.get(0),
    )?;
    if negative > 0 {
        out.push(format!(
            "{negative} points lots hold less than zero or more than earned"
        ));
    }
    Ok(out)
}
