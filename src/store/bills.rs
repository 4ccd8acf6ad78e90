//! Bills, their items, value-added subscriptions and reminders.

use crate::domain::bill::{BillItem, Category};
use crate::error::Result;
use crate::store::filter::Where;
use rusqlite::{Connection, OptionalExtension, params};

/// A bill as stored. Its ledger charge and points lot carry the bill id as their reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillRow {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// YYYY-MM.
    pub month: String,
    /// Plan billed.
    pub plan: String,
    /// Total.
    pub total_fen: i64,
    /// Points earned.
    pub points_earned: i64,
    /// Stored instant.
    pub issued_at: String,
}

/// Customers a month's bill run covers: not closed, joined by the month's end, not billed yet.
pub fn unbilled(conn: &Connection, month: &str, month_end: &str) -> Result<Vec<i64>> {
    let mut st = conn.prepare(
        "SELECT c.id FROM customers c
         WHERE c.status != 'closed' AND c.joined_on <= ?2
           AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.customer_id = c.id AND b.month = ?1)
         ORDER BY c.id",
    )?;
    let rows = st.query_map(params![month, month_end], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Number of bills of a month (YYYY-MM).
pub fn count_in_month(conn: &Connection, month: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM bills WHERE month = ?1",
        [month],
        |r| r.get(0),
    )?)
}

/// A bill to record.
#[derive(Debug, Clone)]
pub struct NewBill<'a> {
    /// Customer.
    pub customer_id: i64,
    /// YYYY-MM.
    pub month: &'a str,
    /// Plan billed.
    pub plan: &'a str,
    /// Items in order.
    pub items: &'a [BillItem],
    /// Total.
    pub total_fen: i64,
    /// Who ran the bill run.
    pub staff: &'a str,
}

/// Records a bill and its items; the UNIQUE (customer, month) refuses a second bill.
pub fn insert(conn: &Connection, b: &NewBill<'_>, now: &str) -> Result<i64> {
    let NewBill {
        customer_id,
        month,
        plan,
        items,
        total_fen,
        staff,
    } = *b;
    conn.prepare_cached(
        "INSERT INTO bills(customer_id, month, plan, total_fen, staff_id, issued_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![customer_id, month, plan, total_fen, staff, now])?;
    let id = conn.last_insert_rowid();
    let mut st = conn.prepare_cached(
        "INSERT INTO bill_items(bill_id, seq, category, name_zh, name_en, explanation_zh, explanation_en, amount_fen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, it) in items.iter().enumerate() {
        st.execute(params![
            id,
            i as i64,
            it.category.code(),
            it.name_zh,
            it.name_en,
            it.explanation_zh,
            it.explanation_en,
            it.amount_fen
        ])?;
    }
    Ok(id)
}

const BILL_COLS: &str = "b.id, b.customer_id, b.month, b.plan, b.total_fen,
    coalesce((SELECT sum(p.points) FROM points_ledger p
              WHERE p.ref_type = 'bill' AND p.ref_id = CAST(b.id AS TEXT) AND p.kind = 'earn'), 0),
    b.issued_at";

fn bill_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BillRow> {
    Ok(BillRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        month: r.get(2)?,
        plan: r.get(3)?,
        total_fen: r.get(4)?,
        points_earned: r.get(5)?,
        issued_at: r.get(6)?,
    })
}

/// A customer's latest bills, newest first.
pub fn recent(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<BillRow>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {BILL_COLS} FROM bills b WHERE b.customer_id = ?1 ORDER BY b.month DESC LIMIT ?2"
    ))?;
    let rows = st.query_map(params![customer_id, limit as i64], bill_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One bill of a customer by month.
pub fn by_month(conn: &Connection, customer_id: i64, month: &str) -> Result<Option<BillRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {BILL_COLS} FROM bills b WHERE b.customer_id = ?1 AND b.month = ?2"
        ))?
        .query_row(params![customer_id, month], bill_from_row)
        .optional()?)
}

/// A bill's items in order.
pub fn items(conn: &Connection, bill_id: i64) -> Result<Vec<BillItem>> {
    let mut st = conn.prepare_cached(
        "SELECT category, name_zh, name_en, explanation_zh, explanation_en, amount_fen FROM bill_items
         WHERE bill_id = ?1 ORDER BY seq",
    )?;
    let rows = st.query_map([bill_id], |r| {
        let c: String = r.get(0)?;
        Ok(BillItem {
            category: Category::parse(&c).unwrap_or(Category::PlanFixed),
            name_zh: r.get(1)?,
            name_en: r.get(2)?,
            explanation_zh: r.get(3)?,
            explanation_en: r.get(4)?,
            amount_fen: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Per-category sums of several bills at once: bill id → [(category, fen)].
pub fn category_sums(conn: &Connection, bill_ids: &[i64]) -> Result<Vec<(i64, Category, i64)>> {
    let mut out = Vec::new();
    let mut st = conn.prepare_cached(
        "SELECT category, sum(amount_fen) FROM bill_items WHERE bill_id = ?1 GROUP BY category",
    )?;
    for id in bill_ids {
        let rows = st.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        for row in rows {
            let (c, fen) = row?;
            if let Some(c) = Category::parse(&c) {
                out.push((*id, c, fen));
            }
        }
    }
    Ok(out)
}

/// A VAS subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Service code.
    pub code: String,
    /// Local date started.
    pub started_on: String,
    /// Last day charged, if cancelled.
    pub ends_on: Option<String>,
}

/// Adds a subscription.
pub fn subscribe(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    started_on: &str,
    staff: Option<&str>,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO vas_subscriptions(customer_id, code, started_on, staff_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![customer_id, code, started_on, staff, now])?;
    Ok(conn.last_insert_rowid())
}

/// Subscriptions running at any time in [from, to] (local dates), every customer or one.
pub fn subscriptions_between(
    conn: &Connection,
    from: &str,
    to: &str,
    customer_id: Option<i64>,
) -> Result<Vec<Subscription>> {
    let (sql, w) = subscriptions_query(from, to, customer_id);
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(w.params(), |r| {
        Ok(Subscription {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            code: r.get(2)?,
            started_on: r.get(3)?,
            ends_on: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement of [`subscriptions_between`]: the customer filter only when set, so one
/// customer searches its index.
fn subscriptions_query<'a>(
    from: &'a str,
    to: &'a str,
    customer_id: Option<i64>,
) -> (String, Where<'a>) {
    let w = Where::default()
        .and("started_on <= ?", to)
        .and("(ends_on IS NULL OR ends_on >= ?)", from)
        .and_if("customer_id = ?", customer_id);
    let sql = format!(
        "SELECT id, customer_id, code, started_on, ends_on FROM vas_subscriptions{} ORDER BY customer_id, started_on, id",
        w.sql()
    );
    (sql, w)
}

/// Reminder settings: (low-balance threshold, data 80 %, data 100 %, bill issued).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ReminderSettings {
    /// Remind when the balance falls below this.
    pub low_balance_fen: i64,
    /// Remind at 80 % of the data allowance.
    pub data_80: bool,
    /// Remind at 100 % of the data allowance.
    pub data_100: bool,
    /// Remind when a bill is issued.
    pub bill_issued: bool,
}

/// A customer's settings, or the defaults.
pub fn reminder_settings(
    conn: &Connection,
    customer_id: i64,
    default_low: i64,
) -> Result<ReminderSettings> {
    Ok(conn
        .prepare_cached("SELECT low_balance_fen, data_80, data_100, bill_issued FROM reminder_settings WHERE customer_id = ?1")?
        .query_row([customer_id], |r| {
            Ok(ReminderSettings {
                low_balance_fen: r.get(0)?,
                data_80: r.get(1)?,
                data_100: r.get(2)?,
                bill_issued: r.get(3)?,
            })
        })
        .optional()?
        .unwrap_or(ReminderSettings {
            low_balance_fen: default_low,
            data_80: true,
            data_100: true,
            bill_issued: true,
        }))
}

/// Saves settings.
pub fn set_reminder_settings(
    conn: &Connection,
    customer_id: i64,
    s: &ReminderSettings,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO reminder_settings(customer_id, low_balance_fen, data_80, data_100, bill_issued, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(customer_id) DO UPDATE SET low_balance_fen = excluded.low_balance_fen, data_80 = excluded.data_80,
            data_100 = excluded.data_100, bill_issued = excluded.bill_issued, updated_at = excluded.updated_at",
        params![customer_id, s.low_balance_fen, s.data_80, s.data_100, s.bill_issued, now],
    )?;
    Ok(())
}

/// Marks a reminder sent for a period; false when it had already been sent.
pub fn mark_reminder(
    conn: &Connection,
    customer_id: i64,
    period: &str,
    kind: &str,
    now: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO reminders_sent(customer_id, period, kind, sent_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![customer_id, period, kind, now])?;
    Ok(n == 1)
}

/// Each bill of a month as (customer id, total in fen).
pub fn totals_for_month(conn: &Connection, month: &str) -> Result<Vec<(i64, i64)>> {
    let mut st =
        conn.prepare_cached("SELECT customer_id, total_fen FROM bills WHERE month = ?1")?;
    let rows = st.query_map([month], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filter::{assert_searches, scratch};

    #[test]
    fn subscriptions_of_one_customer_search_by_customer() {
        let (_dir, conn) = scratch();
        let (sql, w) = subscriptions_query("2025-01-01", "2025-01-31", Some(1));
        assert_searches(&conn, &sql, &w, "vas_subscriptions", "customer_id");
    }
}
