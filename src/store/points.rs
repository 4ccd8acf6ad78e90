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
    post(
        conn,
        lot.customer_id,
        lot_id,
        "earn",
        lot.points,
        lot.ref_type,
        lot.ref_id,
        lot.staff_id,
        now,
    )?;
    Ok(lot_id)
}

/// Appends a points ledger entry and moves the cached total.
#[allow(clippy::too_many_arguments)]
fn post(
    conn: &Connection,
    customer_id: i64,
    lot_id: i64,
    kind: &str,
    points: i64,
    ref_type: &str,
    ref_id: &str,
    staff_id: Option<&str>,
    now: &str,
) -> Result<()> {
    let before: i64 = conn
        .prepare_cached("SELECT points FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))?;
    let after = before + points;
    conn.prepare_cached(
        "INSERT INTO points_ledger(customer_id, lot_id, kind, points, balance_after, ref_type, ref_id, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![customer_id, lot_id, kind, points, after, ref_type, ref_id, staff_id, now])?;
    conn.prepare_cached("UPDATE customers SET points = ?2 WHERE id = ?1")?
        .execute(params![customer_id, after])?;
    Ok(())
}

/// A customer's lots with points left, soonest to expire first.
pub fn open_lots(conn: &Connection, customer_id: i64) -> Result<Vec<Lot>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, earned_month, points, remaining, expires_on, source FROM points_lots
         WHERE customer_id = ?1 AND remaining > 0 ORDER BY expires_on, id",
    )?;
    let rows = st.query_map([customer_id], |r| {
        Ok(Lot {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            earned_month: r.get(2)?,
            points: r.get(3)?,
            remaining: r.get(4)?,
            expires_on: r.get(5)?,
            source: r.get(6)?,
        })
    })?;
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
