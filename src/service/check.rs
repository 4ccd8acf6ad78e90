//! `touchpoint check`: the file's integrity and the ledger and audit invariants.

use crate::error::Result;
use crate::store;
use rusqlite::Connection;
use serde::Serialize;

/// What `check` found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Customers checked.
    pub customers: i64,
    /// Balance ledger entries.
    pub ledger_entries: i64,
    /// Audit rows verified.
    pub audit_rows: i64,
    /// Every broken invariant, each naming the row.
    pub problems: Vec<String>,
}

impl CheckReport {
    /// True when nothing is wrong.
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Runs every check on an open connection (read-only work).
pub fn run(conn: &Connection) -> Result<CheckReport> {
    let mut r = CheckReport::default();
    for l in store::backup::integrity_problems(conn)? {
        r.problems.push(format!("integrity_check: {l}"));
    }
    let mut fk = conn.prepare("PRAGMA foreign_key_check")?;
    let fk_rows: Vec<(String, i64)> = fk
        .query_map([], |row| {
            Ok((row.get(0)?, row.get::<_, Option<i64>>(1)?.unwrap_or(0)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (table, rowid) in fk_rows {
        r.problems
            .push(format!("foreign key broken in {table} row {rowid}"));
    }
    r.customers = store::customers::count(conn)?;
    r.ledger_entries = conn.query_row("SELECT count(*) FROM ledger", [], |row| row.get(0))?;
    for m in store::ledger::mismatches(conn)? {
        r.problems.push(format!(
            "customer {} (id {}): balance {} but ledger sums to {} and last entry leaves {}",
            m.phone, m.customer_id, m.cached, m.ledger_sum, m.last_after
        ));
    }
    r.problems.extend(store::ledger::bad_reversals(conn)?);
    r.problems.extend(store::points::mismatches(conn)?);
    r.problems.extend(store::redemptions::problems(conn)?);
    r.problems.extend(store::topups::problems(conn)?);
    r.problems.extend(store::tickets::problems(conn)?);
    r.audit_rows = store::audit::count(conn)?;
    if let Some((id, why)) = store::audit::verify_chain(conn)? {
        r.problems
            .push(format!("audit chain broken at row {id}: {why}"));
    }
    Ok(r)
}
