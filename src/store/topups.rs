//! Top-up payments and their refunds.

use crate::domain::Fen;
use crate::domain::topup::{Channel, PaymentStatus};
use crate::error::Result;
use crate::store::filter::Where;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A payment row, with the customer's phone and name for lists and receipts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    /// Row id.
    pub id: i64,
    /// Idempotency key.
    pub request_id: String,
    /// Receipt serial.
    pub serial: String,
    /// Customer.
    pub customer_id: i64,
    /// The customer's phone.
    pub phone: String,
    /// The customer's full name.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Face value chosen.
    pub amount: Fen,
    /// What the payer paid.
    pub paid: Fen,
    /// What the balance got.
    pub credited: Fen,
    /// Promotion code.
    pub promotion: Option<String>,
    /// Status.
    pub status: PaymentStatus,
    /// The gateway's reference.
    pub gateway_ref: String,
    /// Why it was declined or voided.
    pub status_note: String,
    /// Who took it.
    pub staff_id: String,
    /// Stored instant created.
    pub created_at: String,
    /// Stored instant approved, declined or voided.
    pub settled_at: Option<String>,
    /// Who settled it.
    pub settled_by: Option<String>,
    /// The top-up ledger entry (approved only).
    pub ledger_entry_id: Option<i64>,
    /// The balance after that entry.
    pub balance_after: Option<Fen>,
    /// The top-up reactivated a suspended line.
    pub reactivated: bool,
    /// Refunded so far.
    pub refunded: Fen,
}

/// A payment to record as pending.
#[derive(Debug, Clone)]
pub struct NewPayment<'a> {
    /// Idempotency key.
    pub request_id: &'a str,
    /// Customer.
    pub customer_id: i64,
    /// Channel.
    pub channel: Channel,
    /// Face value.
    pub amount: Fen,
    /// Paid.
    pub paid: Fen,
    /// Credited.
    pub credited: Fen,
    /// Promotion code.
    pub promotion: Option<&'a str>,
    /// Staff.
    pub staff_id: &'a str,
}

const COLS: &str = "p.id, p.request_id, p.serial, p.customer_id, c.phone, c.name, p.channel, p.amount_fen, \
    p.paid_fen, p.credited_fen, p.promotion, p.status, p.gateway_ref, p.status_note, p.staff_id, p.created_at, \
    p.settled_at, p.settled_by, p.ledger_entry_id, l.balance_after_fen, p.reactivated, \
    coalesce((SELECT amount_fen FROM topup_refunds r WHERE r.payment_id = p.id), 0)";
const FROM: &str = "FROM payments p JOIN customers c ON c.id = p.customer_id LEFT JOIN ledger l ON l.id = p.ledger_entry_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<PaymentRow> {
    let channel: String = r.get(6)?;
    let status: String = r.get(11)?;
    Ok(PaymentRow {
        id: r.get(0)?,
        request_id: r.get(1)?,
        serial: r.get(2)?,
        customer_id: r.get(3)?,
        phone: r.get(4)?,
        name: r.get(5)?,
        channel: Channel::parse(&channel).unwrap_or(Channel::Cash),
        amount: Fen(r.get(7)?),
        paid: Fen(r.get(8)?),
        credited: Fen(r.get(9)?),
        promotion: r.get(10)?,
        status: PaymentStatus::parse(&status).unwrap_or(PaymentStatus::Pending),
        gateway_ref: r.get(12)?,
        status_note: r.get(13)?,
        staff_id: r.get(14)?,
        created_at: r.get(15)?,
        settled_at: r.get(16)?,
        settled_by: r.get(17)?,
        ledger_entry_id: r.get(18)?,
        balance_after: r.get::<_, Option<i64>>(19)?.map(Fen),
        reactivated: r.get(20)?,
        refunded: Fen(r.get(21)?),
    })
}

/// Records a pending payment; `serial_for` makes the serial from the new id. Returns the id.
pub fn insert_pending(
    conn: &Connection,
    p: &NewPayment<'_>,
    serial_for: impl Fn(i64) -> String,
    now: &str,
) -> Result<i64> {
    // Inside the operation's IMMEDIATE transaction nobody else can take this id.
    let id: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM payments")?
        .query_row([], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO payments(id, request_id, serial, customer_id, channel, amount_fen, paid_fen, credited_fen,
                              promotion, status, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', ?10, ?11)",
    )?
    .execute(params![
        id,
        p.request_id,
        serial_for(id),
        p.customer_id,
        p.channel.code(),
        p.amount.0,
        p.paid.0,
        p.credited.0,
        p.promotion,
        p.staff_id,
        now
    ])?;
    Ok(id)
}

/// One payment by id.
pub fn get(conn: &Connection, id: i64) -> Result<Option<PaymentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} {FROM} WHERE p.id = ?1"))?
        .query_row([id], from_row)
        .optional()?)
}

/// One payment by receipt serial.
pub fn by_serial(conn: &Connection, serial: &str) -> Result<Option<PaymentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} {FROM} WHERE p.serial = ?1"))?
        .query_row([serial], from_row)
        .optional()?)
}

/// One payment by its idempotency key.
pub fn by_request(conn: &Connection, request_id: &str) -> Result<Option<PaymentRow>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {COLS} {FROM} WHERE p.request_id = ?1"))?
        .query_row([request_id], from_row)
        .optional()?)
}

/// Filter for [`list`].
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Only this status.
    pub status: Option<PaymentStatus>,
    /// Only this customer.
    pub customer_id: Option<i64>,
    /// At most this many (newest first).
    pub limit: Option<usize>,
}

/// Payments, newest first.
pub fn list(conn: &Connection, f: &PaymentFilter) -> Result<Vec<PaymentRow>> {
    let (sql, w) = list_query(f);
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(w.params(), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement of [`list`]: only the filters that are set, so one customer or one status
/// searches its index.
///
/// A `+` keeps SQLite off an index without changing what a term means or how it orders:
/// - `+p.created_at` when a filter is set: that filter's few rows are the ones to read and sort,
///   not every payment walked newest first through `payments_created` until enough match (a
///   status nobody has would read them all); with no filter, `payments_created` gives the
///   newest at once;
/// - `+p.status` when a customer is given too: that customer's few payments are the rows to
///   read, not every payment in the status, and SQLite cannot tell which index is narrower.
fn list_query(f: &PaymentFilter) -> (String, Where<'static>) {
    let status = if f.customer_id.is_some() {
        "+p.status = ?"
    } else {
        "p.status = ?"
    };
    let w = Where::default()
        .and_if(status, f.status.map(|s| s.code()))
        .and_if("p.customer_id = ?", f.customer_id);
    let newest = if f.status.is_some() || f.customer_id.is_some() {
        "+p.created_at DESC, p.id DESC"
    } else {
        "p.created_at DESC, p.id DESC"
    };
    let sql = format!("SELECT {COLS} {FROM}{} ORDER BY {newest} LIMIT ?", w.sql());
    let limit = f.limit.map(|l| l as i64).unwrap_or(-1);
    (sql, w.then(limit))
}

/// Marks a pending payment approved with its ledger entry.
pub fn approve(
    conn: &Connection,
    id: i64,
    gateway_ref: &str,
    ledger_entry_id: i64,
    reactivated: bool,
    staff_id: &str,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE payments SET status = 'approved', gateway_ref = ?2, ledger_entry_id = ?3, reactivated = ?4,
                settled_by = ?5, settled_at = ?6
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, gateway_ref, ledger_entry_id, reactivated, staff_id, now])?;
    Ok(())
}

/// Marks a pending payment declined or voided (nothing credited).
pub fn close_unpaid(
    conn: &Connection,
    id: i64,
    status: PaymentStatus,
    note: &str,
    staff_id: &str,
    now: &str,
) -> Result<()> {
    debug_assert!(matches!(
        status,
        PaymentStatus::Declined | PaymentStatus::Voided
    ));
    conn.prepare_cached(
        "UPDATE payments SET status = ?2, status_note = ?3, settled_by = ?4, settled_at = ?5
         WHERE id = ?1 AND status = 'pending'",
    )?
    .execute(params![id, status.code(), note, staff_id, now])?;
    Ok(())
}

/// A refund as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundRow {
    /// Row id.
    pub id: i64,
    /// The top-up refunded.
    pub payment_id: i64,
    /// Taken off the balance.
    pub amount: Fen,
    /// Handed back to the payer.
    pub returned: Fen,
    /// Why.
    pub reason: String,
    /// Supervisor.
    pub staff_id: String,
    /// Stored instant.
    pub created_at: String,
    /// The reversal entry.
    pub ledger_entry_id: i64,
}

/// Records a refund; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert_refund(
    conn: &Connection,
    payment_id: i64,
    amount: Fen,
    returned: Fen,
    reason: &str,
    staff_id: &str,
    ledger_entry_id: i64,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO topup_refunds(payment_id, amount_fen, returned_fen, reason, staff_id, created_at, ledger_entry_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        payment_id,
        amount.0,
        returned.0,
        reason,
        staff_id,
        now,
        ledger_entry_id
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The refund of a payment, if any.
pub fn refund_of(conn: &Connection, payment_id: i64) -> Result<Option<RefundRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, payment_id, amount_fen, returned_fen, reason, staff_id, created_at, ledger_entry_id
             FROM topup_refunds WHERE payment_id = ?1",
        )?
        .query_row([payment_id], |r| {
            Ok(RefundRow {
                id: r.get(0)?,
                payment_id: r.get(1)?,
                amount: Fen(r.get(2)?),
                returned: Fen(r.get(3)?),
                reason: r.get(4)?,
                staff_id: r.get(5)?,
                created_at: r.get(6)?,
                ledger_entry_id: r.get(7)?,
            })
        })
        .optional()?)
}

/// Broken payment and refund invariants, described for `check`:
/// every approved payment has exactly one top-up ledger entry of its credited amount for its
/// customer; no other payment has one; a refund reverses that entry by no more than it credited.
pub fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut st = conn.prepare(
        "SELECT p.id, p.serial, p.status, p.customer_id, p.credited_fen, p.ledger_entry_id,
                (SELECT count(*) FROM ledger l WHERE l.ref_type = 'topup' AND l.ref_id = CAST(p.id AS TEXT)),
                e.kind, e.amount_fen, e.customer_id, e.ref_type, e.ref_id
         FROM payments p LEFT JOIN ledger e ON e.id = p.ledger_entry_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let serial: String = r.get(1)?;
        let status: String = r.get(2)?;
        let customer: i64 = r.get(3)?;
        let credited: i64 = r.get(4)?;
        let entry: Option<i64> = r.get(5)?;
        let entries: i64 = r.get(6)?;
        let who = format!("payment {id} ({serial}, {status})");
        if status == "approved" {
            if entries != 1 {
                out.push(format!("{who} has {entries} top-up ledger entries, not 1"));
            }
            match entry {
                None => out.push(format!("{who} names no ledger entry")),
                Some(e) => {
                    let kind: Option<String> = r.get(7)?;
                    let amount: Option<i64> = r.get(8)?;
                    let entry_customer: Option<i64> = r.get(9)?;
                    let ref_ok = r.get::<_, Option<String>>(10)?.as_deref() == Some("topup")
                        && r.get::<_, Option<String>>(11)? == Some(id.to_string());
                    if kind.as_deref() != Some("top_up")
                        || amount != Some(credited)
                        || entry_customer != Some(customer)
                        || !ref_ok
                    {
                        out.push(format!(
                            "{who}: ledger entry {e} is not a top-up of {credited} fen for its customer"
                        ));
                    }
                }
            }
        } else if entries != 0 || entry.is_some() {
            out.push(format!("{who} credited the balance without being approved"));
        }
    }
    let mut st = conn.prepare(
        "SELECT r.id, p.id, p.status, p.credited_fen, p.paid_fen, r.amount_fen, r.returned_fen,
                e.amount_fen, e.reverses_id, p.ledger_entry_id
         FROM topup_refunds r JOIN payments p ON p.id = r.payment_id LEFT JOIN ledger e ON e.id = r.ledger_entry_id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let payment: i64 = r.get(1)?;
        let status: String = r.get(2)?;
        let credited: i64 = r.get(3)?;
        let paid: i64 = r.get(4)?;
        let amount: i64 = r.get(5)?;
        let returned: i64 = r.get(6)?;
        let entry_amount: Option<i64> = r.get(7)?;
        let reverses: Option<i64> = r.get(8)?;
        let topup_entry: Option<i64> = r.get(9)?;
        let who = format!("refund {id} of payment {payment}");
        if status != "approved" {
            out.push(format!("{who}: the payment is {status}, not approved"));
        }
        if amount > credited {
            out.push(format!(
                "{who} takes back {amount} fen, more than the {credited} fen credited"
            ));
        }
        if returned > paid {
            out.push(format!(
                "{who} returns {returned} fen, more than the {paid} fen paid"
            ));
        }
        if entry_amount != Some(-amount) || reverses.is_none() || reverses != topup_entry {
            out.push(format!(
                "{who}: its ledger entry does not reverse the top-up by {amount} fen"
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filter::{assert_searches, scratch};

    #[test]
    fn list_for_one_customer_or_one_status_searches_its_index() {
        let (_dir, conn) = scratch();
        let one = PaymentFilter {
            customer_id: Some(1),
            limit: Some(20),
            ..PaymentFilter::default()
        };
        let (sql, w) = list_query(&one);
        assert_searches(&conn, &sql, &w, "p", "customer_id");
        let pending = PaymentFilter {
            status: Some(PaymentStatus::Pending),
            ..PaymentFilter::default()
        };
        let (sql, w) = list_query(&pending);
        assert_searches(&conn, &sql, &w, "p", "status");
        let both = PaymentFilter {
            status: Some(PaymentStatus::Approved),
            ..one
        };
        let (sql, w) = list_query(&both);
        assert_searches(&conn, &sql, &w, "p", "customer_id");
    }

    /// With no filter, the newest payments are read first from `payments_created`, not every
    /// payment sorted.
    #[test]
    fn list_of_all_payments_reads_the_newest_first() {
        let (_dir, conn) = scratch();
        let (sql, w) = list_query(&PaymentFilter::default());
        let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let plan: Vec<String> = st
            .query_map(w.params(), |r| r.get(3))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            plan.iter()
                .any(|d| d == "SCAN p USING INDEX payments_created"),
            "{plan:?}"
        );
        assert!(plan.iter().all(|d| !d.contains("TEMP B-TREE")), "{plan:?}");
    }
}
