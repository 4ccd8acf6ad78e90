//! The audit log: append-only, each row chained to the one before by a hash.

use crate::domain::audit::{AuditFields, GENESIS, chain_hash};
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// The outcome of an audited action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Ok,
    /// Refused (permission, state, verification).
    Refused,
    /// Tried and failed (wrong password).
    Failed,
}

impl Outcome {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// An audit row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    /// Row id.
    pub id: i64,
    /// Stored instant.
    pub at: String,
    /// Staff id.
    pub staff_id: String,
    /// Action name.
    pub action: String,
    /// Outcome code.
    pub outcome: String,
    /// Customer, if any.
    pub customer_id: Option<i64>,
    /// Detail.
    pub detail: String,
}

/// Appends a row chained to the last one; call inside the operation's transaction.
pub fn append(
    conn: &Connection,
    at: &str,
    staff_id: &str,
    action: &str,
    outcome: Outcome,
    customer_id: Option<i64>,
    detail: &str,
) -> Result<i64> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let hash = chain_hash(
        &prev,
        &AuditFields {
            id,
            at,
            staff: staff_id,
            action,
            outcome: outcome.code(),
            customer_id,
            detail,
        },
    );
    conn.prepare_cached(
        "INSERT INTO audit_log(id, at, staff_id, action, outcome, customer_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![id, at, staff_id, action, outcome.code(), customer_id, detail, prev, hash])?;
    Ok(id)
}

/// Walks the chain; returns the first row that does not verify, with the reason.
pub fn verify_chain(conn: &Connection) -> Result<Option<(i64, String)>> {
    let mut st = conn.prepare(
        "SELECT id, at, staff_id, action, outcome, customer_id, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    let mut prev = GENESIS.to_string();
    let mut expected_id = 1i64;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let staff: String = r.get(2)?;
        let action: String = r.get(3)?;
        let outcome: String = r.get(4)?;
        let customer_id: Option<i64> = r.get(5)?;
        let detail: String = r.get(6)?;
        let prev_hash: String = r.get(7)?;
        let hash: String = r.get(8)?;
        if id != expected_id {
            return Ok(Some((
                id,
                format!("row {expected_id} is missing (next row is {id})"),
            )));
        }
        if prev_hash != prev {
            return Ok(Some((
                id,
                "its prev_hash does not match the row before".into(),
            )));
        }
        let computed = chain_hash(
            &prev,
            &AuditFields {
                id,
                at: &at,
                staff: &staff,
                action: &action,
                outcome: &outcome,
                customer_id,
                detail: &detail,
            },
        );
        if computed != hash {
            return Ok(Some((
                id,
                "its contents do not match its hash (edited)".into(),
            )));
        }
        prev = hash;
        expected_id += 1;
    }
    Ok(None)
}

/// Number of rows.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// Rows matching an action and outcome, newest first (tests and reports).
pub fn find(
    conn: &Connection,
    action: &str,
    outcome: Option<Outcome>,
    limit: usize,
) -> Result<Vec<AuditRow>> {
    let mut st = conn.prepare(
        "SELECT id, at, staff_id, action, outcome, customer_id, detail FROM audit_log
         WHERE action = ?1 AND (?2 IS NULL OR outcome = ?2) ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = st.query_map(
        params![action, outcome.map(|o| o.code()), limit as i64],
        |r| {
            Ok(AuditRow {
                id: r.get(0)?,
                at: r.get(1)?,
                staff_id: r.get(2)?,
                action: r.get(3)?,
                outcome: r.get(4)?,
                customer_id: r.get(5)?,
                detail: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
