//! Complaint tickets, their append-only timeline, and counter service records.

use crate::error::Result;
use crate::store::filter::Where;
use rusqlite::{Connection, OptionalExtension, Row, params};

/// A ticket as stored, with the customer's phone and name for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRow {
    /// Row id: the ticket number.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// The customer's phone.
    pub phone: String,
    /// The customer's name.
    pub customer_name: String,
    /// Category code.
    pub category: String,
    /// Priority code.
    pub priority: String,
    /// Channel code.
    pub channel: String,
    /// What the customer said, as typed.
    pub description: String,
    /// The disputed billing month, for billing disputes.
    pub disputed_month: Option<String>,
    /// The dispute is about a bill older than the limit.
    pub stale_dispute: bool,
    /// Status code.
    pub status: String,
    /// Staff handling it.
    pub assignee: Option<String>,
    /// Who opened it.
    pub opened_by: String,
    /// Stored instant.
    pub opened_at: String,
    /// The first customer-facing reply.
    pub first_reply_at: Option<String>,
    /// The resolution summary.
    pub resolution: Option<String>,
    /// Compensation proposed or granted, fen.
    pub compensation_fen: Option<i64>,
    /// `proposed`, `approved` or `declined`.
    pub compensation_status: Option<String>,
    /// Who proposed it.
    pub compensation_proposed_by: Option<String>,
    /// The supervisor who approved or declined it.
    pub compensation_decided_by: Option<String>,
    /// The ledger entry of the credit.
    pub compensation_ledger_id: Option<i64>,
    /// Satisfaction 1–5.
    pub rating: Option<i64>,
    /// The customer's comment.
    pub rating_comment: Option<String>,
    /// Stored instant of the last change.
    pub updated_at: String,
}

const COLS: &str = "t.id, t.customer_id, c.phone, c.name, t.category, t.priority, t.channel, t.description, \
    t.disputed_month, t.stale_dispute, t.status, t.assignee, t.opened_by, t.opened_at, t.first_reply_at, t.resolution, \
    t.compensation_fen, t.compensation_status, t.compensation_proposed_by, t.compensation_decided_by, \
    t.compensation_ledger_id, t.rating, t.rating_comment, t.updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<TicketRow> {
    Ok(TicketRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        phone: r.get(2)?,
        customer_name: r.get(3)?,
        category: r.get(4)?,
        priority: r.get(5)?,
        channel: r.get(6)?,
        description: r.get(7)?,
        disputed_month: r.get(8)?,
        stale_dispute: r.get(9)?,
        status: r.get(10)?,
        assignee: r.get(11)?,
        opened_by: r.get(12)?,
        opened_at: r.get(13)?,
        first_reply_at: r.get(14)?,
        resolution: r.get(15)?,
        compensation_fen: r.get(16)?,
        compensation_status: r.get(17)?,
        compensation_proposed_by: r.get(18)?,
        compensation_decided_by: r.get(19)?,
        compensation_ledger_id: r.get(20)?,
        rating: r.get(21)?,
        rating_comment: r.get(22)?,
        updated_at: r.get(23)?,
    })
}

/// What to record for a new ticket.
#[derive(Debug, Clone)]
pub struct NewTicket<'a> {
    /// Customer.
    pub customer_id: i64,
    /// Category code.
    pub category: &'a str,
    /// Priority code.
    pub priority: &'a str,
    /// Channel code.
    pub channel: &'a str,
    /// Description.
    pub description: &'a str,
    /// Disputed month.
    pub disputed_month: Option<&'a str>,
    /// Flagged as a stale dispute.
    pub stale_dispute: bool,
    /// Assignee.
    pub assignee: Option<&'a str>,
    /// Who opened it.
    pub opened_by: &'a str,
}

/// Records a new ticket in state `new`.
pub fn insert(conn: &Connection, t: &NewTicket<'_>, now: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO tickets(customer_id, category, priority, channel, description, disputed_month, stale_dispute,
                             status, assignee, opened_by, opened_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'new', ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        t.customer_id,
        t.category,
        t.priority,
        t.channel,
        t.description,
        t.disputed_month,
        t.stale_dispute,
        t.assignee,
        t.opened_by,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// One ticket.
pub fn get(conn: &Connection, id: i64) -> Result<Option<TicketRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?1"
        ))?
        .query_row([id], from_row)
        .optional()?)
}

/// Tickets, newest first: of one customer, or in one status, or all.
pub fn list(
    conn: &Connection,
    customer_id: Option<i64>,
    status: Option<&str>,
    limit: usize,
) -> Result<Vec<TicketRow>> {
    let (sql, w) = list_query(customer_id, status, limit);
    let mut st = conn.prepare_cached(&sql)?;
    let rows = st.query_map(w.params(), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The statement of [`list`]: only the filters that are set, so one customer or one status
/// searches its index.
fn list_query<'a>(
    customer_id: Option<i64>,
    status: Option<&'a str>,
    limit: usize,
) -> (String, Where<'a>) {
    let w = Where::default()
        .and_if("t.customer_id = ?", customer_id)
        .and_if("t.status = ?", status);
    let sql = format!(
        "SELECT {COLS} FROM tickets t JOIN customers c ON c.id = t.customer_id{} ORDER BY t.id DESC LIMIT ?",
        w.sql()
    );
    (sql, w.then(limit as i64))
}

/// Moves a ticket to a status, only if it is still in `from` (a concurrent change loses).
pub fn set_status(conn: &Connection, id: i64, from: &str, to: &str, now: &str) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE tickets SET status = ?3, updated_at = ?4 WHERE id = ?1 AND status = ?2",
        )?
        .execute(params![id, from, to, now])?;
    Ok(n == 1)
}

/// Sets the assignee.
pub fn set_assignee(conn: &Connection, id: i64, staff: Option<&str>, now: &str) -> Result<()> {
    conn.prepare_cached("UPDATE tickets SET assignee = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![id, staff, now])?;
    Ok(())
}

/// Records the first customer-facing reply (later replies leave it).
pub fn mark_replied(conn: &Connection, id: i64, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE tickets SET first_reply_at = coalesce(first_reply_at, ?2), updated_at = ?2 WHERE id = ?1",
    )?
    .execute(params![id, now])?;
    Ok(())
}

/// Records the resolution and a proposed compensation (or none), replacing an undecided proposal.
pub fn set_resolution(
    conn: &Connection,
    id: i64,
    text: &str,
    compensation_fen: Option<i64>,
    proposed_by: &str,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE tickets SET resolution = ?2,
            compensation_fen = CASE WHEN compensation_status = 'approved' THEN compensation_fen ELSE ?3 END,
            compensation_status = CASE WHEN compensation_status = 'approved' THEN 'approved'
                                       WHEN ?3 IS NULL THEN NULL ELSE 'proposed' END,
            compensation_proposed_by = CASE WHEN compensation_status = 'approved' THEN compensation_proposed_by
                                            WHEN ?3 IS NULL THEN NULL ELSE ?4 END,
            compensation_decided_by = CASE WHEN compensation_status = 'approved' THEN compensation_decided_by ELSE NULL END,
            updated_at = ?5
         WHERE id = ?1",
    )?
    .execute(params![id, text, compensation_fen, proposed_by, now])?;
    Ok(())
}

/// Decides a proposed compensation, only while it is still proposed; false when it was not.
pub fn decide_compensation(
    conn: &Connection,
    id: i64,
    approved: bool,
    by: &str,
    ledger_id: Option<i64>,
    now: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE tickets SET compensation_status = ?2, compensation_decided_by = ?3, compensation_ledger_id = ?4,
                updated_at = ?5
             WHERE id = ?1 AND compensation_status = 'proposed'",
        )?
        .execute(params![
            id,
            if approved { "approved" } else { "declined" },
            by,
            ledger_id,
            now
        ])?;
    Ok(n == 1)
}

/// Records the satisfaction rating given when closing.
pub fn set_rating(conn: &Connection, id: i64, rating: i64, comment: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE tickets SET rating = ?2, rating_comment = ?3, updated_at = ?4 WHERE id = ?1",
    )?
    .execute(params![id, rating, comment, now])?;
    Ok(())
}

/// Every rating given: (category code, rating).
pub fn ratings(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut st = conn.prepare_cached(
        "SELECT category, rating FROM tickets WHERE rating IS NOT NULL ORDER BY id",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A timeline entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EventRow {
    /// Row id.
    pub id: i64,
    /// Ticket.
    pub ticket_id: i64,
    /// `opened`, `state`, `assign`, `note`, `reply`, `compensation` or `rating`.
    pub kind: String,
    /// For a state change: from.
    pub from_status: Option<String>,
    /// For a state change: to.
    pub to_status: Option<String>,
    /// The text, as typed.
    pub text: String,
    /// Who.
    pub staff_id: String,
    /// The notice a reply sent.
    pub notice_id: Option<i64>,
    /// Stored instant.
    pub created_at: String,
}

/// What to append to a timeline.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// Ticket.
    pub ticket_id: i64,
    /// Kind code.
    pub kind: &'a str,
    /// From status.
    pub from_status: Option<&'a str>,
    /// To status.
    pub to_status: Option<&'a str>,
    /// Text.
    pub text: &'a str,
    /// Who.
    pub staff_id: &'a str,
    /// Notice sent.
    pub notice_id: Option<i64>,
}

/// Appends a timeline entry.
pub fn add_event(conn: &Connection, e: &NewEvent<'_>, now: &str) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO ticket_events(ticket_id, kind, from_status, to_status, text, staff_id, notice_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.ticket_id,
        e.kind,
        e.from_status,
        e.to_status,
        e.text,
        e.staff_id,
        e.notice_id,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A ticket's timeline, oldest first.
pub fn events(conn: &Connection, ticket_id: i64) -> Result<Vec<EventRow>> {
    let mut st = conn.prepare_cached(
        "SELECT id, ticket_id, kind, from_status, to_status, text, staff_id, notice_id, created_at
         FROM ticket_events WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([ticket_id], |r| {
        Ok(EventRow {
            id: r.get(0)?,
            ticket_id: r.get(1)?,
            kind: r.get(2)?,
            from_status: r.get(3)?,
            to_status: r.get(4)?,
            text: r.get(5)?,
            staff_id: r.get(6)?,
            notice_id: r.get(7)?,
            created_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A ticket's state changes, oldest first: (stored instant, status entered).
pub fn state_changes(conn: &Connection, ticket_id: i64) -> Result<Vec<(String, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT created_at, to_status FROM ticket_events WHERE ticket_id = ?1 AND kind = 'state' ORDER BY id",
    )?;
    let rows = st.query_map([ticket_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A service record as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordRow {
    /// Row id.
    pub id: i64,
    /// Customer.
    pub customer_id: i64,
    /// `enquiry`, `transaction` or `complaint`.
    pub kind: String,
    /// Category code.
    pub category: String,
    /// Notes, as typed.
    pub notes: String,
    /// The ticket a complaint opened.
    pub ticket_id: Option<i64>,
    /// Who served.
    pub staff_id: String,
    /// Stored instant.
    pub created_at: String,
}

/// Records a counter interaction.
#[allow(clippy::too_many_arguments)]
pub fn insert_record(
    conn: &Connection,
    customer_id: i64,
    kind: &str,
    category: &str,
    notes: &str,
    ticket_id: Option<i64>,
    staff_id: &str,
    now: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO service_records(customer_id, kind, category, notes, ticket_id, staff_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![customer_id, kind, category, notes, ticket_id, staff_id, now])?;
    Ok(conn.last_insert_rowid())
}

/// A customer's service records, newest first (by when they happened).
pub fn records_of(conn: &Connection, customer_id: i64, limit: usize) -> Result<Vec<RecordRow>> {
    let mut st = conn.prepare_cached(
        "SELECT id, customer_id, kind, category, notes, ticket_id, staff_id, created_at
         FROM service_records WHERE customer_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2",
    )?;
    let rows = st.query_map(params![customer_id, limit as i64], |r| {
        Ok(RecordRow {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            kind: r.get(2)?,
            category: r.get(3)?,
            notes: r.get(4)?,
            ticket_id: r.get(5)?,
            staff_id: r.get(6)?,
            created_at: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Problems `check` reports: approved compensation without exactly its ledger credit.
pub fn problems(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare(
        "SELECT t.id FROM tickets t LEFT JOIN ledger l ON l.id = t.compensation_ledger_id
         WHERE t.compensation_status = 'approved'
           AND (l.id IS NULL OR l.amount_fen IS NOT t.compensation_fen OR l.kind != 'compensation'
                OR l.ref_type != 'ticket' OR l.ref_id != CAST(t.id AS TEXT))",
    )?;
    let ids: Vec<i64> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids
        .into_iter()
        .map(|id| format!("ticket {id}: approved compensation does not match its ledger entry"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::filter::{assert_searches, scratch};

    #[test]
    fn list_for_one_customer_or_one_status_searches_its_index() {
        let (_dir, conn) = scratch();
        let (sql, w) = list_query(Some(1), None, 50);
        assert_searches(&conn, &sql, &w, "t", "customer_id");
        let (sql, w) = list_query(None, Some("new"), 50);
        assert_searches(&conn, &sql, &w, "t", "status");
        let (sql, w) = list_query(Some(1), Some("closed"), 50);
        assert_searches(&conn, &sql, &w, "t", "customer_id");
    }
}
