//! Counter visits and one-time codes.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A visit as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Staff serving.
    pub staff_id: String,
    /// Last time anything was done for the customer.
    pub last_activity_at: String,
    /// When verified, if verified.
    pub verified_at: Option<String>,
    /// Verify method code.
    pub method: Option<String>,
    /// When the clerk closed the customer.
    pub closed_at: Option<String>,
}

/// Opens a visit.
pub fn open(conn: &Connection, customer_id: i64, staff_id: &str, now: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO visits(customer_id, staff_id, opened_at, last_activity_at) VALUES (?1, ?2, ?3, ?3)",
        params![customer_id, staff_id, now],
    )?;
    Ok(conn.last_insert_rowid())
}

/// One visit.
pub fn get(conn: &Connection, id: i64) -> Result<Option<VisitRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, customer_id, staff_id, last_activity_at, verified_at, method, closed_at FROM visits WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(VisitRow {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                staff_id: r.get(2)?,
                last_activity_at: r.get(3)?,
                verified_at: r.get(4)?,
                method: r.get(5)?,
                closed_at: r.get(6)?,
            })
        })
        .optional()?)
}

/// Marks a visit verified.
pub fn mark_verified(
    conn: &Connection,
    id: i64,
    method: &str,
    reason: Option<&str>,
    now: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE visits SET verified_at = ?2, method = ?3, override_reason = ?4, last_activity_at = ?2 WHERE id = ?1",
        params![id, now, method, reason],
    )?;
    Ok(())
}

/// Records activity, which keeps a verified visit fresh.
pub fn touch(conn: &Connection, id: i64, now: &str) -> Result<()> {
    conn.prepare_cached("UPDATE visits SET last_activity_at = ?2 WHERE id = ?1")?
        .execute(params![id, now])?;
    Ok(())
}

/// Closes a visit.
pub fn close(conn: &Connection, id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE visits SET closed_at = ?2 WHERE id = ?1 AND closed_at IS NULL",
        params![id, now],
    )?;
    Ok(())
}

/// Stores a one-time code.
pub fn insert_otp(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    now: &str,
    expires: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO otps(customer_id, code, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![customer_id, code, now, expires],
    )?;
    Ok(conn.last_insert_rowid())
}

/// The newest unused, unexpired code of a customer: (id, code).
pub fn live_otp(conn: &Connection, customer_id: i64, now: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .query_row(
            "SELECT id, code FROM otps WHERE customer_id = ?1 AND used_at IS NULL AND expires_at > ?2
             ORDER BY id DESC LIMIT 1",
            params![customer_id, now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Counts a wrong guess; returns the guesses made so far.
pub fn otp_wrong_guess(conn: &Connection, id: i64) -> Result<i64> {
    conn.execute(
        "UPDATE otps SET attempts = attempts + 1 WHERE id = ?1",
        [id],
    )?;
    Ok(
        conn.query_row("SELECT attempts FROM otps WHERE id = ?1", [id], |r| {
            r.get(0)
        })?,
    )
}

/// Marks a code used so it cannot verify twice.
pub fn use_otp(conn: &Connection, id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE otps SET used_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}
