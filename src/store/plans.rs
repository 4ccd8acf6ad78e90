//! Business handling (业务办理): plan changes (the plan history), pack purchases and VAS
//! subscriptions as records of who did what and when.

use crate::error::Result;
use crate::store::filter::Where;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A plan change as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PlanChange {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Plan before.
    pub from_plan: String,
    /// Plan after.
    pub to_plan: String,
    /// Local date it takes (or took) effect: always a 1st.
    pub effective_from: String,
    /// `pending`, `applied` or `cancelled`.
    pub status: String,
    /// Who booked it.
    pub staff_id: String,
    /// When booked.
    pub created_at: String,
    /// Who cancelled it (or the staff whose operation applied it).
    pub closed_by: Option<String>,
    /// When cancelled or applied.
    pub closed_at: Option<String>,
}

const CHANGE_COLS: &str = "id, customer_id, from_plan, to_plan, effective_from, status, staff_id, created_at, closed_by, closed_at";

fn change_from_row(r: &Row<'_>) -> rusqlite::Result<PlanChange> {
    Ok(PlanChange {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        from_plan: r.get(2)?,
        to_plan: r.get(3)?,
        effective_from: r.get(4)?,
        status: r.get(5)?,
        staff_id: r.get(6)?,
        created_at: r.get(7)?,
        closed_by: r.get(8)?,
        closed_at: r.get(9)?,
    })
}

/// Books a pending change and mirrors it in `customers.pending_plan`.
pub fn insert_change(
    conn: &Connection,
    customer_id: i64,
    from: &str,
    to: &str,
    effective_from: &str,
    staff: &str,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO plan_changes(customer_id, from_plan, to_plan, effective_from, status, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6)",
    )?
    .execute(params![customer_id, from, to, effective_from, staff, now])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE customers SET pending_plan = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![customer_id, to, now])?;
    Ok(id)
}

/// The customer's pending change, if any.
pub fn pending(conn: &Connection, customer_id: i64) -> Result<Option<PlanChange>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {CHANGE_COLS} FROM plan_changes WHERE customer_id = ?1 AND status = 'pending'"
        ))?
        .query_row([customer_id], change_from_row)
        .optional()?)
}

/// Cancels a pending change and clears `customers.pending_plan`.
pub fn cancel_change(conn: &Connection, id: i64, staff: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE plan_changes SET status = 'cancelled', closed_by = ?2, closed_at = ?3 WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, staff, now])?;
    conn.prepare_cached(
        "UPDATE customers SET pending_plan = NULL, updated_at = ?2
         WHERE id = (SELECT customer_id FROM plan_changes WHERE id = ?1)",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Pending changes due on or before `today` (local date), one customer or all.
pub fn due(conn: &Connection, today: &str, customer_id: Option<i64>) -> Result<Vec<PlanChange>> {
    let (sql, w) = due_query(today, customer_id);
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(w.params(), change_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement of [`due`]: the customer filter only when set, so one customer searches its index.
fn due_query(today: &str, customer_id: Option<i64>) -> (String, Where<'_>) {
    let w = Where::default()
        .and("status = 'pending' AND effective_from <= ?", today)
        .and_if("customer_id = ?", customer_id);
    let sql = format!(
        "SELECT {CHANGE_COLS} FROM plan_changes{} ORDER BY customer_id, id",
        w.sql()
    );
    (sql, w)
}

/// Applies a change: the customer's plan becomes `to_plan`, nothing is pending any more.
pub fn apply_change(conn: &Connection, c: &PlanChange, staff: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE plan_changes SET status = 'applied', closed_by = ?2, closed_at = ?3 WHERE id = ?1",
    )?
    .execute(params![c.id, staff, now])?;
    conn.prepare_cached(
        "UPDATE customers SET plan = ?2, pending_plan = NULL, updated_at = ?3 WHERE id = ?1",
    )?
    .execute(params![c.customer_id, c.to_plan, now])?;
    Ok(())
}

/// Every change of a customer, newest first.
pub fn changes_of(conn: &Connection, customer_id: i64) -> Result<Vec<PlanChange>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {CHANGE_COLS} FROM plan_changes WHERE customer_id = ?1 ORDER BY id DESC"
    ))?;
    let rows = st.query_map([customer_id], change_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// For every customer whose plan on `day` differs from `customers.plan`: customer → plan code.
/// That is the from_plan of the earliest applied or pending change effective after `day`.
pub fn plans_on(conn: &Connection, day: &str) -> Result<std::collections::HashMap<i64, String>> {
    let mut st = conn.prepare_cached(
        "SELECT customer_id, from_plan FROM plan_changes p
         WHERE status IN ('applied', 'pending') AND effective_from > ?1
           AND id = (SELECT id FROM plan_changes q WHERE q.customer_id = p.customer_id
                     AND q.status IN ('applied', 'pending') AND q.effective_from > ?1
                     ORDER BY q.effective_from, q.id LIMIT 1)",
    )?;
    let rows = st.query_map([day], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A pack bought.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackPurchase {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Pack code.
    pub code: String,
    /// `YYYY-MM` whose allowance it adds to.
    pub month: String,
    /// Price charged.
    pub fee_fen: i64,
    /// Last local day it is valid.
    pub valid_until: String,
    /// The pack_charge ledger entry.
    pub ledger_id: Option<i64>,
    /// Who sold it.
    pub staff_id: String,
    /// When.
    pub created_at: String,
}

/// Records a pack purchase.
pub fn insert_pack(conn: &Connection, p: &PackPurchase) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO pack_purchases(customer_id, code, month, fee_fen, valid_until, ledger_id, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        p.customer_id,
        p.code,
        p.month,
        p.fee_fen,
        p.valid_until,
        p.ledger_id,
        p.staff_id,
        p.created_at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Sets the ledger entry of a purchase (the entry refers to the purchase, so it comes second).
pub fn set_pack_ledger(conn: &Connection, id: i64, ledger_id: i64) -> Result<()> {
    conn.prepare_cached("UPDATE pack_purchases SET ledger_id = ?2 WHERE id = ?1")?
        .execute(params![id, ledger_id])?;
    Ok(())
}

/// A customer's packs, newest first.
pub fn packs_of(conn: &Connection, customer_id: i64) -> Result<Vec<PackPurchase>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, code, month, fee_fen, valid_until, ledger_id, staff_id, created_at
         FROM pack_purchases WHERE customer_id = ?1 ORDER BY id DESC",
    )?;
    let rows = st.query_map([customer_id], |r| {
        Ok(PackPurchase {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            code: r.get(2)?,
            month: r.get(3)?,
            fee_fen: r.get(4)?,
            valid_until: r.get(5)?,
            ledger_id: r.get(6)?,
            staff_id: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A VAS subscription with who made and ended it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VasSubscription {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Service code.
    pub code: String,
    /// Local date started.
    pub started_on: String,
    /// Last day charged, once cancelled.
    pub ends_on: Option<String>,
    /// Who subscribed it (none for records older than the counter).
    pub staff_id: Option<String>,
    /// When recorded.
    pub created_at: String,
    /// When cancelled.
    pub cancelled_at: Option<String>,
    /// Who cancelled.
    pub cancelled_by: Option<String>,
}

/// A customer's subscriptions, newest first.
pub fn subscriptions_of(conn: &Connection, customer_id: i64) -> Result<Vec<VasSubscription>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, code, started_on, ends_on, staff_id, created_at, cancelled_at, cancelled_by
         FROM vas_subscriptions WHERE customer_id = ?1 ORDER BY started_on DESC, id DESC",
    )?;
    let rows = st.query_map([customer_id], |r| {
        Ok(VasSubscription {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            code: r.get(2)?,
            started_on: r.get(3)?,
            ends_on: r.get(4)?,
            staff_id: r.get(5)?,
            created_at: r.get(6)?,
            cancelled_at: r.get(7)?,
            cancelled_by: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Ends a running subscription: charged up to and including `ends_on`.
pub fn cancel_subscription(
    conn: &Connection,
    id: i64,
    ends_on: &str,
    staff: &str,
    now: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE vas_subscriptions SET ends_on = ?2, cancelled_at = ?4, cancelled_by = ?3
             WHERE id = ?1 AND ends_on IS NULL",
        )?
        .execute(params![id, ends_on, staff, now])?
        == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filter::{assert_searches, scratch};

    #[test]
    fn due_for_one_customer_searches_by_customer() {
        let (_dir, conn) = scratch();
        let (sql, w) = due_query("2025-01-01", Some(1));
        assert_searches(&conn, &sql, &w, "plan_changes", "customer_id");
    }
}
