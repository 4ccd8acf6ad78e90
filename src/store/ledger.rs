//! The balance ledger (话费余额): append-only entries; the customer's balance is their sum.

use crate::domain::Fen;
use crate::error::Result;
use rusqlite::{Connection, Row, params};

/// What moved the balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// 充值
    TopUp,
    /// 月账单扣费
    BillCharge,
    /// 加油包扣费
    PackCharge,
    /// 积分兑换话费
    PointsCredit,
    /// 退款
    Refund,
    /// 调账
    Adjustment,
    /// 补偿
    Compensation,
    /// 冲正: undoes another entry.
    Reversal,
}

impl EntryKind {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            EntryKind::TopUp => "top_up",
            EntryKind::BillCharge => "bill_charge",
            EntryKind::PackCharge => "pack_charge",
            EntryKind::PointsCredit => "points_credit",
            EntryKind::Refund => "refund",
            EntryKind::Adjustment => "adjustment",
            EntryKind::Compensation => "compensation",
            EntryKind::Reversal => "reversal",
        }
    }

    /// Display name of a stored code.
    pub fn label(code: &str, lang: crate::domain::Lang) -> &'static str {
        match code {
            "top_up" => lang.pick("充值", "top-up"),
            "bill_charge" => lang.pick("月账单扣费", "bill charge"),
            "pack_charge" => lang.pick("加油包扣费", "pack charge"),
            "points_credit" => lang.pick("积分兑换话费", "points credit"),
            "refund" => lang.pick("退款", "refund"),
            "adjustment" => lang.pick("调账", "adjustment"),
            "compensation" => lang.pick("补偿", "compensation"),
            "reversal" => lang.pick("冲正", "reversal"),
            _ => lang.pick("其他", "other"),
        }
    }
}

/// One ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// Stored kind code.
    pub kind: String,
    /// Signed amount.
    pub amount: Fen,
    /// Balance after this entry.
    pub balance_after: Fen,
    /// What business record this belongs to (`topup`, `redemption`, …).
    pub ref_type: String,
    /// That record's id.
    pub ref_id: String,
    /// Who posted it.
    pub staff_id: Option<String>,
    /// Stored instant.
    pub created_at: String,
    /// The entry this one reverses.
    pub reverses_id: Option<i64>,
    /// Why.
    pub note: String,
}

/// What to post.
#[derive(Debug, Clone)]
pub struct Posting<'a> {
    /// Customer.
    pub customer_id: i64,
    /// Kind.
    pub kind: EntryKind,
    /// Signed amount.
    pub amount: Fen,
    /// Business record type.
    pub ref_type: &'a str,
    /// Business record id.
    pub ref_id: &'a str,
    /// Staff.
    pub staff_id: Option<&'a str>,
    /// Entry reversed, for a reversal.
    pub reverses_id: Option<i64>,
    /// Why.
    pub note: &'a str,
}

/// Appends an entry and moves the customer's cached balance with it; call inside the operation's transaction.
pub fn post(conn: &Connection, p: &Posting<'_>, now: &str) -> Result<LedgerEntry> {
    let before: i64 = conn
        .prepare_cached("SELECT balance_fen FROM customers WHERE id = ?1")?
        .query_row([p.customer_id], |r| r.get(0))?;
    let after = Fen(before).checked_add(p.amount).ok_or_else(|| {
        crate::domain::Problem::refused("余额超出可记录范围", "the balance would overflow")
    })?;
    conn.prepare_cached(
        "INSERT INTO ledger(customer_id, kind, amount_fen, balance_after_fen, ref_type, ref_id, staff_id, created_at, reverses_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        p.customer_id,
        p.kind.code(),
        p.amount.0,
        after.0,
        p.ref_type,
        p.ref_id,
        p.staff_id,
        now,
        p.reverses_id,
        p.note
    ])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached("UPDATE customers SET balance_fen = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![p.customer_id, after.0, now])?;
    Ok(LedgerEntry {
        id,
        customer_id: p.customer_id,
        kind: p.kind.code().to_string(),
        amount: p.amount,
        balance_after: after,
        ref_type: p.ref_type.to_string(),
        ref_id: p.ref_id.to_string(),
        staff_id: p.staff_id.map(str::to_string),
        created_at: now.to_string(),
        reverses_id: p.reverses_id,
        note: p.note.to_string(),
    })
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        kind: r.get(2)?,
        amount: Fen(r.get(3)?),
        balance_after: Fen(r.get(4)?),
        ref_type: r.get(5)?,
        ref_id: r.get(6)?,
        staff_id: r.get(7)?,
        created_at: r.get(8)?,
        reverses_id: r.get(9)?,
        note: r.get(10)?,
    })
}

/// A customer's newest entries first.
pub fn recent(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<LedgerEntry>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, kind, amount_fen, balance_after_fen, ref_type, ref_id, staff_id, created_at, reverses_id, note
         FROM ledger WHERE customer_id = ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![customer_id, limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A balance that disagrees with its ledger, found by `check`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceMismatch {
    /// Customer id.
    pub customer_id: i64,
    /// Phone.
    pub phone: String,
    /// Cached balance.
    pub cached: i64,
    /// Sum of entries.
    pub ledger_sum: i64,
    /// The last entry's balance_after (the sum when there are no entries).
    pub last_after: i64,
}

/// Customers whose cached balance, entry sum and running balance do not all agree.
pub fn mismatches(conn: &Connection) -> Result<Vec<BalanceMismatch>> {
    let mut st = conn.prepare(
        "SELECT c.id, c.phone, c.balance_fen, coalesce(s.total, 0),
                coalesce((SELECT balance_after_fen FROM ledger l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1), 0)
         FROM customers c LEFT JOIN (SELECT customer_id, sum(amount_fen) AS total FROM ledger GROUP BY customer_id) s
              ON s.customer_id = c.id
         WHERE c.balance_fen != coalesce(s.total, 0)
            OR c.balance_fen != coalesce((SELECT balance_after_fen FROM ledger l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1), 0)",
    )?;
    let rows = st.query_map([], |r| {
        Ok(BalanceMismatch {
            customer_id: r.get(0)?,
            phone: r.get(1)?,
            cached: r.get(2)?,
            ledger_sum: r.get(3)?,
            last_after: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reversals that point at a missing entry or at another customer's entry, described for `check`.
pub fn bad_reversals(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT r.id, r.reverses_id, o.id, o.customer_id = r.customer_id
         FROM ledger r LEFT JOIN ledger o ON o.id = r.reverses_id
         WHERE r.reverses_id IS NOT NULL",
    )?;
    let mut out = Vec::new();
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<bool>>(3)?,
        ))
    })?;
    for row in rows {
        let (id, target, found, same_customer) = row?;
        if found.is_none() {
            out.push(format!(
                "ledger entry {id} reverses entry {target}, which does not exist"
            ));
        } else if same_customer != Some(true) {
            out.push(format!(
                "ledger entry {id} reverses entry {target} of another customer"
            ));
        }
    }
    Ok(out)
}
