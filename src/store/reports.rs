//! Figures for the daily counter report (日结): sums over one local day, as half-open ranges
//! of stored instants (RFC 3339 UTC text sorts as time).

use crate::error::Result;
use rusqlite::{Connection, params};

/// Approved top-ups grouped by staff and channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentGroup {
    /// Who took the payments.
    pub staff_id: String,
    /// Their name.
    pub staff_name: String,
    /// Channel code.
    pub channel: String,
    /// How many.
    pub count: i64,
    /// Face value.
    pub amount_fen: i64,
    /// What payers paid.
    pub paid_fen: i64,
    /// What balances got.
    pub credited_fen: i64,
}

/// Top-ups approved in `[from, to)`, by settlement time, grouped by staff and channel.
pub fn payments(conn: &Connection, from: &str, to: &str) -> Result<Vec<PaymentGroup>> {
    let mut st = conn.prepare_cached(
        "SELECT p.staff_id, coalesce(s.name, p.staff_id), p.channel, count(*),
                sum(p.amount_fen), sum(p.paid_fen), sum(p.credited_fen)
         FROM payments p LEFT JOIN staff s ON s.id = p.staff_id
         WHERE p.status = 'approved' AND p.settled_at >= ?1 AND p.settled_at < ?2
         GROUP BY p.staff_id, p.channel ORDER BY p.staff_id, p.channel",
    )?;
    let rows = st.query_map(params![from, to], |r| {
        Ok(PaymentGroup {
            staff_id: r.get(0)?,
            staff_name: r.get(1)?,
            channel: r.get(2)?,
            count: r.get(3)?,
            amount_fen: r.get(4)?,
            paid_fen: r.get(5)?,
            credited_fen: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Settlement instants and amounts paid of approved top-ups in `[from, to)` (for hourly bars).
pub fn payment_times(conn: &Connection, from: &str, to: &str) -> Result<Vec<(String, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT settled_at, paid_fen FROM payments
         WHERE status = 'approved' AND settled_at >= ?1 AND settled_at < ?2",
    )?;
    let rows = st.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Payments created in `[from, to)` that are not approved: (status, count, amount paid).
pub fn unsettled(conn: &Connection, from: &str, to: &str) -> Result<Vec<(String, i64, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT status, count(*), sum(paid_fen) FROM payments
         WHERE status != 'approved' AND created_at >= ?1 AND created_at < ?2
         GROUP BY status ORDER BY status",
    )?;
    let rows = st.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Refunds grouped by the refunded payment's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundGroup {
    /// Channel of the refunded top-up (the money goes back the way it came).
    pub channel: String,
    /// How many.
    pub count: i64,
    /// Taken off balances.
    pub amount_fen: i64,
    /// Handed back to payers.
    pub returned_fen: i64,
}

/// Refunds made in `[from, to)`, by the channel of the top-up refunded.
pub fn refunds(conn: &Connection, from: &str, to: &str) -> Result<Vec<RefundGroup>> {
    let mut st = conn.prepare_cached(
        "SELECT p.channel, count(*), sum(r.amount_fen), sum(r.returned_fen)
         FROM topup_refunds r JOIN payments p ON p.id = r.payment_id
         WHERE r.created_at >= ?1 AND r.created_at < ?2
         GROUP BY p.channel ORDER BY p.channel",
    )?;
    let rows = st.query_map(params![from, to], |r| {
        Ok(RefundGroup {
            channel: r.get(0)?,
            count: r.get(1)?,
            amount_fen: r.get(2)?,
            returned_fen: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Redemptions grouped by catalogue category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionGroup {
    /// Category code.
    pub category: String,
    /// How many.
    pub count: i64,
    /// Points spent.
    pub points: i64,
    /// Balance credited (话费 items).
    pub credit_fen: i64,
}

/// Redemptions made in `[from, to)`, by category.
pub fn redemptions(conn: &Connection, from: &str, to: &str) -> Result<Vec<RedemptionGroup>> {
    let mut st = conn.prepare_cached(
        "SELECT c.category, count(*), sum(r.cost_points), sum(r.credit_fen)
         FROM redemptions r JOIN points_catalog c ON c.code = r.item_code
         WHERE r.created_at >= ?1 AND r.created_at < ?2
         GROUP BY c.category ORDER BY c.category",
    )?;
    let rows = st.query_map(params![from, to], |r| {
        Ok(RedemptionGroup {
            category: r.get(0)?,
            count: r.get(1)?,
            points: r.get(2)?,
            credit_fen: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Redemption instants in `[from, to)` (for hourly bars).
pub fn redemption_times(conn: &Connection, from: &str, to: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare_cached(
        "SELECT created_at FROM redemptions WHERE created_at >= ?1 AND created_at < ?2",
    )?;
    let rows = st.query_map(params![from, to], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Redemptions reversed in `[from, to)`: (count, points returned).
pub fn redemption_reversals(conn: &Connection, from: &str, to: &str) -> Result<(i64, i64)> {
    Ok(conn.query_row(
        "SELECT count(*), coalesce(sum(cost_points), 0) FROM redemptions
         WHERE reversed_at >= ?1 AND reversed_at < ?2",
        params![from, to],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

/// Tickets opened in `[from, to)`.
pub fn tickets_opened(conn: &Connection, from: &str, to: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM tickets WHERE opened_at >= ?1 AND opened_at < ?2",
        params![from, to],
        |r| r.get(0),
    )?)
}

/// Tickets moved to `status` in `[from, to)` (counted once per ticket).
pub fn tickets_moved_to(conn: &Connection, status: &str, from: &str, to: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(DISTINCT ticket_id) FROM ticket_events
         WHERE kind = 'state' AND to_status = ?3 AND created_at >= ?1 AND created_at < ?2",
        params![from, to, status],
        |r| r.get(0),
    )?)
}

/// Sum of balance-ledger entries of a kind and reference type in `[from, to)`: the
/// ledger's side of the reconciliation.
pub fn ledger_sum(
    conn: &Connection,
    kind: &str,
    ref_type: &str,
    from: &str,
    to: &str,
) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(amount_fen), 0) FROM ledger
         WHERE kind = ?1 AND ref_type = ?2 AND created_at >= ?3 AND created_at < ?4",
        params![kind, ref_type, from, to],
        |r| r.get(0),
    )?)
}

/// Plan changes booked in [from, to).
pub fn plan_changes(conn: &Connection, from: &str, to: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM plan_changes WHERE created_at >= ?1 AND created_at < ?2",
        rusqlite::params![from, to],
        |r| r.get(0),
    )?)
}
