//! The points-mall catalogue, redemptions and month allowances.

use crate::domain::points::catalog::CatalogItem;
use crate::domain::rating::Extra;
use crate::error::Result;
use crate::store::filter::Where;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::HashMap;

const ITEM_COLS: &str = "code, name_zh, name_en, category, cost_points, fulfilment, credit_fen, allowance_kind, \
    allowance_amount, partner, stock, monthly_limit, description_zh, description_en";

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<CatalogItem> {
    Ok(CatalogItem {
        code: r.get(0)?,
        name_zh: r.get(1)?,
        name_en: r.get(2)?,
        category: r.get(3)?,
        cost_points: r.get(4)?,
        fulfilment: r.get(5)?,
        credit_fen: r.get(6)?,
        allowance_kind: r.get(7)?,
        allowance_amount: r.get(8)?,
        partner: r.get(9)?,
        stock: r.get(10)?,
        monthly_limit: r.get(11)?,
        description_zh: r.get(12)?,
        description_en: r.get(13)?,
    })
}

/// Writes the shipped catalogue; an existing item keeps its live stock.
pub fn load_catalog(conn: &Connection, items: &[CatalogItem]) -> Result<()> {
    for i in items {
        conn.execute(
            &format!(
                "INSERT INTO points_catalog({ITEM_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT(code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
                    category = excluded.category, cost_points = excluded.cost_points, fulfilment = excluded.fulfilment,
                    credit_fen = excluded.credit_fen, allowance_kind = excluded.allowance_kind,
                    allowance_amount = excluded.allowance_amount, partner = excluded.partner,
                    monthly_limit = excluded.monthly_limit, description_zh = excluded.description_zh,
                    description_en = excluded.description_en"
            ),
            params![
                i.code,
                i.name_zh,
                i.name_en,
                i.category,
                i.cost_points,
                i.fulfilment,
                i.credit_fen,
                i.allowance_kind,
                i.allowance_amount,
                i.partner,
                i.stock,
                i.monthly_limit,
                i.description_zh,
                i.description_en
            ],
        )?;
    }
    Ok(())
}

/// Every item, in catalogue order.
pub fn items(conn: &Connection) -> Result<Vec<CatalogItem>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM points_catalog ORDER BY rowid"
    ))?;
    let rows = st.query_map([], item_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One item by code (case-insensitive).
pub fn item(conn: &Connection, code: &str) -> Result<Option<CatalogItem>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {ITEM_COLS} FROM points_catalog WHERE code = upper(?1)"
        ))?
        .query_row([code.trim()], item_from_row)
        .optional()?)
}

/// Takes one unit of stock; false when none is left (unlimited items always succeed).
pub fn take_stock(conn: &Connection, code: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("UPDATE points_catalog SET stock = stock - 1 WHERE code = ?1 AND stock IS NOT NULL AND stock > 0")?
        .execute([code])?;
    let unlimited: bool = conn
        .prepare_cached("SELECT stock IS NULL FROM points_catalog WHERE code = ?1")?
        .query_row([code], |r| r.get(0))?;
    Ok(n == 1 || unlimited)
}

/// Returns one unit of stock (a reversal).
pub fn return_stock(conn: &Connection, code: &str) -> Result<()> {
    conn.execute(
        "UPDATE points_catalog SET stock = stock + 1 WHERE code = ?1 AND stock IS NOT NULL",
        [code],
    )?;
    Ok(())
}

/// How many of an item a customer redeemed (and did not have reversed) in a month.
pub fn count_in_month(conn: &Connection, customer_id: i64, code: &str, month: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM redemptions WHERE customer_id = ?1 AND item_code = ?2 AND month = ?3 AND reversed_at IS NULL",
        )?
        .query_row(params![customer_id, code, month], |r| r.get(0))?)
}

/// A redemption as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Redemption {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Item code.
    pub item_code: String,
    /// Points spent.
    pub cost_points: i64,
    /// Billing month it counts against.
    pub month: String,
    /// Coupon issued, if any.
    pub coupon_code: Option<String>,
    /// Balance credited, fen.
    pub credit_fen: i64,
    /// The credit's ledger entry.
    pub ledger_id: Option<i64>,
    /// Allowance kind added.
    pub allowance_kind: Option<String>,
    /// Allowance added.
    pub allowance_amount: i64,
    /// Clerk.
    pub staff_id: String,
    /// Stored instant.
    pub created_at: String,
    /// When reversed.
    pub reversed_at: Option<String>,
    /// Who reversed it.
    pub reversed_by: Option<String>,
    /// Why.
    pub reverse_reason: Option<String>,
}

const RED_COLS: &str = "id, customer_id, item_code, cost_points, month, coupon_code, credit_fen, ledger_id, allowance_kind, \
    allowance_amount, staff_id, created_at, reversed_at, reversed_by, reverse_reason";

fn red_from_row(r: &Row<'_>) -> rusqlite::Result<Redemption> {
    Ok(Redemption {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        item_code: r.get(2)?,
        cost_points: r.get(3)?,
        month: r.get(4)?,
        coupon_code: r.get(5)?,
        credit_fen: r.get(6)?,
        ledger_id: r.get(7)?,
        allowance_kind: r.get(8)?,
        allowance_amount: r.get(9)?,
        staff_id: r.get(10)?,
        created_at: r.get(11)?,
        reversed_at: r.get(12)?,
        reversed_by: r.get(13)?,
        reverse_reason: r.get(14)?,
    })
}

/// What to record for a new redemption.
#[derive(Debug, Clone)]
pub struct NewRedemption<'a> {
    /// Customer.
    pub customer_id: i64,
    /// Item.
    pub item_code: &'a str,
    /// Points.
    pub cost_points: i64,
    /// Month.
    pub month: &'a str,
    /// Coupon issued.
    pub coupon_code: Option<&'a str>,
    /// Credit.
    pub credit_fen: i64,
    /// Allowance kind.
    pub allowance_kind: Option<&'a str>,
    /// Allowance amount.
    pub allowance_amount: i64,
    /// Clerk.
    pub staff_id: &'a str,
}

/// Records a redemption.
pub fn insert(conn: &Connection, r: &NewRedemption<'_>, now: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO redemptions(customer_id, item_code, cost_points, month, coupon_code, credit_fen, allowance_kind,
                                 allowance_amount, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        r.customer_id,
        r.item_code,
        r.cost_points,
        r.month,
        r.coupon_code,
        r.credit_fen,
        r.allowance_kind,
        r.allowance_amount,
        r.staff_id,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Links the credit's ledger entry to its redemption.
pub fn set_ledger(conn: &Connection, id: i64, ledger_id: i64) -> Result<()> {
    conn.execute(
        "UPDATE redemptions SET ledger_id = ?2 WHERE id = ?1",
        params![id, ledger_id],
    )?;
    Ok(())
}

/// Records which lot a redemption spent from.
pub fn add_lot(
    conn: &Connection,
    redemption_id: i64,
    lot_id: i64,
    points: i64,
    spend_entry: i64,
) -> Result<()> {
    conn.prepare_cached("INSERT INTO redemption_lots(redemption_id, lot_id, points, spend_entry) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![redemption_id, lot_id, points, spend_entry])?;
    Ok(())
}

/// The lots a redemption spent: (lot id, points, spend entry id).
pub fn lots_of(conn: &Connection, redemption_id: i64) -> Result<Vec<(i64, i64, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT lot_id, points, spend_entry FROM redemption_lots WHERE redemption_id = ?1 ORDER BY lot_id",
    )?;
    let rows = st.query_map([redemption_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One redemption.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Redemption>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {RED_COLS} FROM redemptions WHERE id = ?1"))?
        .query_row([id], red_from_row)
        .optional()?)
}

/// A customer's redemptions, newest first.
pub fn of_customer(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<Redemption>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {RED_COLS} FROM redemptions WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2"
    ))?;
    let rows = st.query_map(params![customer_id, limit as i64], red_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Marks a redemption reversed, only if it was not already; false when it was.
pub fn mark_reversed(
    conn: &Connection,
    id: i64,
    by: &str,
    reason: &str,
    reversal_ledger_id: Option<i64>,
    now: &str,
) -> Result<bool> {
    let n = conn.execute(
        "UPDATE redemptions SET reversed_at = ?2, reversed_by = ?3, reverse_reason = ?4, reversal_ledger_id = ?5
         WHERE id = ?1 AND reversed_at IS NULL",
        params![id, now, by, reason, reversal_ledger_id],
    )?;
    Ok(n == 1)
}

/// An allowance added to (or, negative, taken back from) a customer's month.
#[derive(Debug, Clone)]
pub struct AllowanceGrant<'a> {
    /// Customer.
    pub customer_id: i64,
    /// `YYYY-MM`.
    pub month: &'a str,
    /// `data_mb`, `minutes` or `sms`.
    pub kind: &'a str,
    /// Signed amount.
    pub amount: i64,
    /// Business record type.
    pub source_type: &'a str,
    /// Business record id.
    pub source_id: &'a str,
}

/// Appends an allowance row.
pub fn add_allowance(conn: &Connection, g: &AllowanceGrant<'_>, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO allowances(customer_id, month, kind, amount, source_type, source_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![g.customer_id, g.month, g.kind, g.amount, g.source_type, g.source_id, now])?;
    Ok(())
}

/// Extra allowance of a kind for a customer's month (the rating of usage adds it to the plan's).
pub fn allowance_total(
    conn: &Connection,
    customer_id: i64,
    month: &str,
    kind: &str,
) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(sum(amount), 0) FROM allowances WHERE customer_id = ?1 AND month = ?2 AND kind = ?3")?
        .query_row(params![customer_id, month, kind], |r| r.get(0))?)
}

/// Totals of the extra allowances of a month (YYYY-MM), per customer; all customers when
/// `customer_id` is `None`.
pub fn extras(
    conn: &Connection,
    month: &str,
    customer_id: Option<i64>,
) -> Result<HashMap<i64, Extra>> {
    let (sql, w) = extras_query(month, customer_id);
    let mut st = conn.prepare_cached(&sql)?;
    let mut out: HashMap<i64, Extra> = HashMap::new();
    let mut rows = st.query(w.params())?;
    while let Some(r) = rows.next()? {
        let e = out.entry(r.get(0)?).or_default();
        let kind: String = r.get(1)?;
        let amount: i64 = r.get(2)?;
        match kind.as_str() {
            "minutes" => e.minutes += amount,
            "data_mb" => e.data_mb += amount,
            "sms" => e.sms += amount,
            _ => {}
        }
    }
    Ok(out)
}

/// The statement of [`extras`]: the customer filter only when set, so one customer searches its index.
fn extras_query(month: &str, customer_id: Option<i64>) -> (String, Where<'_>) {
    let w = Where::default()
        .and("month = ?", month)
        .and_if("customer_id = ?", customer_id);
    let sql = format!(
        "SELECT customer_id, kind, sum(amount) FROM allowances{} GROUP BY customer_id, kind",
        w.sql()
    );
    (sql, w)
}

/// Problems `check` reports: stock below zero, reversed redemptions whose points did not come back.
pub fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let negative: Vec<String> = conn
        .prepare("SELECT code FROM points_catalog WHERE stock < 0")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for code in negative {
        out.push(format!("catalogue item {code} has stock below zero"));
    }
    let mut st = conn.prepare(
        "SELECT r.id, r.cost_points, coalesce(sum(l.points), 0) FROM redemptions r
         LEFT JOIN redemption_lots l ON l.redemption_id = r.id GROUP BY r.id HAVING r.cost_points != coalesce(sum(l.points), 0)",
    )?;
    let rows: Vec<(i64, i64, i64)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, cost, spent) in rows {
        out.push(format!(
            "redemption {id} cost {cost} points but its lots record {spent}"
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filter::{assert_searches, scratch};

    #[test]
    fn extras_for_one_customer_search_by_customer() {
        let (_dir, conn) = scratch();
        let (sql, w) = extras_query("2025-01", Some(1));
        assert_searches(&conn, &sql, &w, "allowances", "customer_id");
    }
}
