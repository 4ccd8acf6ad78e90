//! Complaints and customer service (投诉与客服): service records, tickets through their state
//! machine, replies and notes, assignment, SLA, compensation through the ledger, satisfaction.
//!
//! Each operation also exists as an `*_in` function over the caller's transaction and an explicit
//! instant, so the demo can build a queue with a history in the past through the same rules.

use super::{Service, Session};
use crate::assets;
use crate::domain::customer::mask_name;
use crate::domain::staff::Permission;
use crate::domain::ticket::{
    self, Category, Channel, Priority, RecordKind, Sla, SlaState, StateChange, TicketStatus,
};
use crate::domain::{Fen, Lang, Problem, clock};
use crate::error::Result;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::tickets::{EventRow, NewEvent, NewTicket, RecordRow, TicketRow};
use crate::store::{self, audit::Outcome};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many tickets a queue loads at most.
pub const QUEUE_LIMIT: usize = 2_000;

/// A ticket as lists and the detail show it: the customer masked, the SLA computed for now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketView {
    /// The ticket number.
    pub id: i64,
    /// Customer row id.
    pub customer_id: i64,
    /// The customer's phone (the key scripts use).
    pub phone: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// Masked name.
    pub customer_name: String,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// The description, exactly as typed.
    pub description: String,
    /// The disputed billing month (billing disputes).
    pub disputed_month: Option<String>,
    /// A dispute about a bill older than the limit (5 months).
    pub stale_dispute: bool,
    /// Status.
    pub status: TicketStatus,
    /// Who handles it.
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
    /// Who decided it.
    pub compensation_decided_by: Option<String>,
    /// The ledger entry of the credit.
    pub compensation_ledger_id: Option<i64>,
    /// Satisfaction 1–5.
    pub rating: Option<i64>,
    /// The customer's comment.
    pub rating_comment: Option<String>,
    /// Both SLA clocks at the time of loading.
    pub sla: Sla,
    /// Either target is overdue.
    pub overdue: bool,
}

impl TicketView {
    /// The worst SLA state, for highlighting (resolved and closed tickets never stand out).
    pub fn attention(&self) -> SlaState {
        if self.status.is_open() {
            self.sla.worst()
        } else {
            SlaState::Met
        }
    }
}

/// A ticket with its timeline, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TicketDetail {
    /// The ticket.
    #[serde(flatten)]
    pub ticket: TicketView,
    /// Opening, state changes, assignments, notes, replies, compensation, rating.
    pub timeline: Vec<EventRow>,
}

/// Which tickets a queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueView {
    /// Every ticket.
    #[default]
    All,
    /// Open tickets assigned to me.
    Mine,
    /// Open tickets nobody has taken.
    Unassigned,
    /// Open tickets past a target.
    Overdue,
}

/// A queue query.
#[derive(Debug, Clone, Default)]
pub struct TicketQuery {
    /// Which view.
    pub view: QueueView,
    /// Only this status.
    pub status: Option<TicketStatus>,
    /// Only this customer's tickets.
    pub customer_id: Option<i64>,
    /// Text to find in the number, phone, category, description or assignee.
    pub text: String,
}

/// A new complaint.
#[derive(Debug, Clone)]
pub struct NewComplaint {
    /// Customer.
    pub customer_id: i64,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// What the customer said.
    pub description: String,
    /// For a billing dispute: the disputed billing month `YYYY-MM`.
    pub disputed_month: Option<String>,
    /// Who handles it (none: the unassigned queue).
    pub assignee: Option<String>,
}

/// What logging a counter interaction did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordResult {
    /// Service record id.
    pub id: i64,
    /// Kind.
    pub kind: RecordKind,
    /// Category.
    pub category: Category,
    /// The ticket a complaint opened.
    pub ticket_id: Option<i64>,
}

/// A service record as the history shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordView {
    /// Record id.
    pub id: i64,
    /// Kind.
    pub kind: RecordKind,
    /// Category.
    pub category: Category,
    /// Notes, exactly as typed.
    pub notes: String,
    /// The ticket a complaint opened.
    pub ticket_id: Option<i64>,
    /// Who served.
    pub staff_id: String,
    /// Stored instant.
    pub created_at: String,
}

/// Average satisfaction of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRating {
    /// Category.
    pub category: Category,
    /// Mean rating.
    pub average: f64,
    /// Ratings given.
    pub count: usize,
}

/// What approving a compensation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompensationResult {
    /// Ticket.
    pub ticket_id: i64,
    /// Amount credited, fen.
    pub amount_fen: i64,
    /// The ledger entry.
    pub ledger_id: i64,
    /// Balance after, fen.
    pub balance_after_fen: i64,
}

fn bad_code<T>(r: std::result::Result<T, Problem>) -> rusqlite::Result<T> {
    r.map_err(|p| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(p))
    })
}

fn history(conn: &Connection, ticket_id: i64) -> Result<Vec<StateChange>> {
    let mut out = Vec::new();
    for (at, to) in store::tickets::state_changes(conn, ticket_id)? {
        if let (Some(at), Ok(to)) = (store::parse_ts(&at), TicketStatus::parse(&to)) {
            out.push(StateChange { at, to });
        }
    }
    Ok(out)
}

/// Builds the view of a stored ticket with its SLA at `now`.
pub fn view_of(conn: &Connection, r: TicketRow, now: DateTime<Utc>) -> Result<TicketView> {
    let category = bad_code(Category::parse(&r.category))?;
    let priority = bad_code(Priority::parse(&r.priority))?;
    let channel = bad_code(Channel::parse(&r.channel))?;
    let status = bad_code(TicketStatus::parse(&r.status))?;
    let opened = store::parse_ts(&r.opened_at).unwrap_or(now);
    let first_reply = r.first_reply_at.as_deref().and_then(store::parse_ts);
    let sla = ticket::sla(
        &assets::sla_policy(),
        priority,
        opened,
        &history(conn, r.id)?,
        first_reply,
        now,
    );
    let phone_masked =
        crate::domain::phone::mask_stored(&r.phone).unwrap_or_else(|| r.phone.clone());
    Ok(TicketView {
        id: r.id,
        customer_id: r.customer_id,
        phone: r.phone,
        phone_masked,
        customer_name: mask_name(&r.customer_name),
        category,
        priority,
        channel,
        description: r.description,
        disputed_month: r.disputed_month,
        stale_dispute: r.stale_dispute,
        status,
        assignee: r.assignee,
        opened_by: r.opened_by,
        opened_at: r.opened_at,
        first_reply_at: r.first_reply_at,
        resolution: r.resolution,
        compensation_fen: r.compensation_fen,
        compensation_status: r.compensation_status,
        compensation_proposed_by: r.compensation_proposed_by,
        compensation_decided_by: r.compensation_decided_by,
        compensation_ledger_id: r.compensation_ledger_id,
        rating: r.rating,
        rating_comment: r.rating_comment,
        overdue: status.is_open() && sla.overdue(),
        sla,
    })
}

fn load(conn: &Connection, id: i64) -> Result<TicketRow> {
    store::tickets::get(conn, id)?.ok_or_else(|| {
        Problem::not_found(format!("没有工单 {id}"), format!("no ticket {id}")).into()
    })
}

fn status_of(r: &TicketRow) -> Result<TicketStatus> {
    Ok(TicketStatus::parse(&r.status)?)
}

fn local_text(t: DateTime<Utc>) -> String {
    clock::local(t).format("%m-%d %H:%M").to_string()
}

fn masked(phone: &str) -> String {
    crate::domain::phone::mask_stored(phone).unwrap_or_default()
}

/// Opens a ticket (and the complaint's service record) inside the caller's transaction.
pub(crate) fn open_in(
    conn: &Connection,
    c: &NewComplaint,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    open_with_record(conn, c, staff, at).map(|(ticket_id, _)| ticket_id)
}

/// [`open_in`], also returning the id of the complaint's service record.
fn open_with_record(
    conn: &Connection,
    c: &NewComplaint,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<(i64, i64)> {
    let now = store::ts(at);
    ticket::require_text(&c.description, "投诉内容", "complaint text")?;
    let customer = store::customers::require(conn, c.customer_id)?;
    let policy = assets::sla_policy();
    let disputed = c
        .disputed_month
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty());
    let stale = match disputed {
        Some(m) => {
            let stale =
                ticket::is_stale_dispute(m, clock::local_date(at), policy.stale_dispute_months)?;
            stale && c.category == Category::BillingDispute
        }
        None => false,
    };
    if let Some(a) = &c.assignee {
        ensure_staff(conn, a)?;
    }
    let id = store::tickets::insert(
        conn,
        &NewTicket {
            customer_id: c.customer_id,
            category: c.category.code(),
            priority: c.priority.code(),
            channel: c.channel.code(),
            description: &c.description,
            disputed_month: disputed,
            stale_dispute: stale,
            assignee: c.assignee.as_deref(),
            opened_by: staff,
        },
        &now,
    )?;
    store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "opened",
            from_status: None,
            to_status: Some("new"),
            text: "",
            staff_id: staff,
            notice_id: None,
        },
        &now,
    )?;
    if let Some(a) = &c.assignee {
        store::tickets::add_event(
            conn,
            &NewEvent {
                ticket_id: id,
                kind: "assign",
                from_status: None,
                to_status: None,
                text: a,
                staff_id: staff,
                notice_id: None,
            },
            &now,
        )?;
    }
    let record_id = store::tickets::insert_record(
        conn,
        c.customer_id,
        RecordKind::Complaint.code(),
        c.category.code(),
        &c.description,
        Some(id),
        staff,
        &now,
    )?;
    let mut p = BTreeMap::new();
    p.insert("ticket".to_string(), id.to_string());
    p.insert(
        "category".to_string(),
        c.category.label(Lang::Zh).to_string(),
    );
    p.insert(
        "category_en".to_string(),
        c.category.label(Lang::En).to_string(),
    );
    p.insert(
        "due".to_string(),
        local_text(at + policy.first_response(c.priority)),
    );
    p.insert(
        "resolve_by".to_string(),
        local_text(at + policy.resolution()),
    );
    p.insert("phone".to_string(), masked(&customer.phone));
    store::notices::queue(
        conn,
        c.customer_id,
        "complaint_received",
        &p,
        Some(staff),
        &now,
    )?;
    let mut detail = format!(
        "ticket {id}: {} {} via {}",
        c.category.code(),
        c.priority.code(),
        c.channel.code()
    );
    if let Some(m) = disputed {
        detail.push_str(&format!(", disputed month {m}"));
        if stale {
            detail.push_str(" (older than the limit: flagged)");
        }
    }
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.open",
        Outcome::Ok,
        Some(c.customer_id),
        &detail,
    )?;
    Ok((id, record_id))
}

fn ensure_staff(conn: &Connection, id: &str) -> Result<()> {
    if store::staff::get(conn, id)?.is_none() {
        return Err(
            Problem::not_found(format!("没有工号 {id}"), format!("no staff member {id}")).into(),
        );
    }
    Ok(())
}

fn refuse_closed(r: &TicketRow, what_zh: &str, what_en: &str) -> Result<()> {
    if r.status == TicketStatus::Closed.code() {
        return Err(Problem::refused(
            format!("工单 {} 已关闭，不能{what_zh}", r.id),
            format!("ticket {} is closed: it cannot {what_en}", r.id),
        )
        .into());
    }
    Ok(())
}

fn state_event(
    conn: &Connection,
    id: i64,
    from: TicketStatus,
    to: TicketStatus,
    text: &str,
    staff: &str,
    now: &str,
) -> Result<()> {
    if !store::tickets::set_status(conn, id, from.code(), to.code(), now)? {
        return Err(Problem::refused(
            format!("工单 {id} 刚被其他终端修改，请刷新后重试"),
            format!("ticket {id} was just changed at another terminal: reload and try again"),
        )
        .into());
    }
    store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "state",
            from_status: Some(from.code()),
            to_status: Some(to.code()),
            text,
            staff_id: staff,
            notice_id: None,
        },
        now,
    )?;
    Ok(())
}

/// Moves a ticket to in_progress or waiting_customer (resolving and closing have their own
/// operations, which need a resolution and a rating).
pub(crate) fn transition_in(
    conn: &Connection,
    id: i64,
    to: TicketStatus,
    note: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = store::ts(at);
    let r = load(conn, id)?;
    let from = status_of(&r)?;
    from.transition(to)?;
    match to {
        TicketStatus::Resolved => {
            return Err(Problem::bad_input(
                "解决工单需要填写处理结果：请用“解决”（complaint state ID resolved --text …）",
                "resolving needs a resolution text: use `complaint state ID resolved --text …`",
            )
            .into());
        }
        TicketStatus::Closed => {
            return Err(Problem::bad_input(
                "关闭工单需要满意度评分：请用 complaint close ID --rating 1-5",
                "closing needs a satisfaction rating: use `complaint close ID --rating 1-5`",
            )
            .into());
        }
        _ => {}
    }
    state_event(conn, id, from, to, note, staff, &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.state",
        Outcome::Ok,
        Some(r.customer_id),
        &format!("ticket {id}: {} → {}", from.code(), to.code()),
    )?;
    Ok(())
}

/// A customer-facing reply: on the timeline and sent as a notice. The first reply meets the
/// first-response target; replying to a new ticket starts work on it.
pub(crate) fn reply_in(
    conn: &Connection,
    id: i64,
    text: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let now = store::ts(at);
    ticket::require_text(text, "回复内容", "reply")?;
    let r = load(conn, id)?;
    refuse_closed(&r, "再回复", "take a reply")?;
    let from = status_of(&r)?;
    if from == TicketStatus::New {
        state_event(conn, id, from, TicketStatus::InProgress, "", staff, &now)?;
    }
    let mut p = BTreeMap::new();
    p.insert("ticket".to_string(), id.to_string());
    p.insert("text".to_string(), text.to_string());
    let notice = store::notices::queue(
        conn,
        r.customer_id,
        "complaint_reply",
        &p,
        Some(staff),
        &now,
    )?;
    let event = store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "reply",
            from_status: None,
            to_status: None,
            text,
            staff_id: staff,
            notice_id: Some(notice),
        },
        &now,
    )?;
    store::tickets::mark_replied(conn, id, &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.reply",
        Outcome::Ok,
        Some(r.customer_id),
        &format!("ticket {id}: reply sent as notice {notice}"),
    )?;
    Ok(event)
}

/// An internal note: on the timeline only, never sent.
pub(crate) fn note_in(
    conn: &Connection,
    id: i64,
    text: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<i64> {
    let now = store::ts(at);
    ticket::require_text(text, "备注内容", "note")?;
    let r = load(conn, id)?;
    let event = store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "note",
            from_status: None,
            to_status: None,
            text,
            staff_id: staff,
            notice_id: None,
        },
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.note",
        Outcome::Ok,
        Some(r.customer_id),
        &format!("ticket {id}: internal note"),
    )?;
    Ok(event)
}

/// Assigns a ticket to a staff member.
pub(crate) fn assign_in(
    conn: &Connection,
    id: i64,
    to: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = store::ts(at);
    let r = load(conn, id)?;
    refuse_closed(&r, "再指派", "be reassigned")?;
    let to = to.trim();
    ensure_staff(conn, to)?;
    store::tickets::set_assignee(conn, id, Some(to), &now)?;
    store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "assign",
            from_status: None,
            to_status: None,
            text: to,
            staff_id: staff,
            notice_id: None,
        },
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.assign",
        Outcome::Ok,
        Some(r.customer_id),
        &format!(
            "ticket {id}: {} → {to}",
            r.assignee.as_deref().unwrap_or("-")
        ),
    )?;
    Ok(())
}

/// Resolves a ticket with a resolution (sent to the customer) and, optionally, a proposed
/// compensation that a supervisor must approve before it is credited.
pub(crate) fn resolve_in(
    conn: &Connection,
    id: i64,
    resolution: &str,
    compensation: Option<Fen>,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = store::ts(at);
    ticket::require_text(resolution, "处理结果", "resolution")?;
    let policy = assets::sla_policy();
    if let Some(f) = compensation {
        if f.0 <= 0 {
            return Err(Problem::bad_input(
                "补偿金额必须大于 0",
                "a compensation must be above zero",
            )
            .into());
        }
        if f.0 > policy.max_compensation_fen {
            return Err(Problem::bad_input(
                format!("补偿金额 {f} 超过上限 {}", Fen(policy.max_compensation_fen)),
                format!(
                    "a compensation of {f} is above the limit of {}",
                    Fen(policy.max_compensation_fen)
                ),
            )
            .into());
        }
    }
    let r = load(conn, id)?;
    let from = status_of(&r)?;
    from.transition(TicketStatus::Resolved)?;
    if compensation.is_some() && r.compensation_status.as_deref() == Some("approved") {
        return Err(Problem::refused(
            format!("工单 {id} 的补偿已经发放，不能再次提议"),
            format!(
                "ticket {id} already had its compensation credited; no second one can be proposed"
            ),
        )
        .into());
    }
    state_event(
        conn,
        id,
        from,
        TicketStatus::Resolved,
        resolution,
        staff,
        &now,
    )?;
    store::tickets::set_resolution(conn, id, resolution, compensation.map(|f| f.0), staff, &now)?;
    if let Some(f) = compensation {
        store::tickets::add_event(
            conn,
            &NewEvent {
                ticket_id: id,
                kind: "compensation",
                from_status: None,
                to_status: Some("proposed"),
                text: &f.to_string(),
                staff_id: staff,
                notice_id: None,
            },
            &now,
        )?;
    }
    let mut p = BTreeMap::new();
    p.insert("ticket".to_string(), id.to_string());
    p.insert("text".to_string(), resolution.to_string());
    store::notices::queue(
        conn,
        r.customer_id,
        "complaint_resolved",
        &p,
        Some(staff),
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.resolve",
        Outcome::Ok,
        Some(r.customer_id),
        &match compensation {
            Some(f) => format!("ticket {id}: resolved, compensation {f} proposed"),
            None => format!("ticket {id}: resolved"),
        },
    )?;
    Ok(())
}

/// Approves (credits through the ledger, once) or declines a proposed compensation.
pub(crate) fn decide_compensation_in(
    conn: &Connection,
    id: i64,
    approve: bool,
    reason: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<Option<CompensationResult>> {
    let now = store::ts(at);
    let r = load(conn, id)?;
    match r.compensation_status.as_deref() {
        Some("proposed") => {}
        Some(done @ ("approved" | "declined")) => {
            let by = r.compensation_decided_by.clone().unwrap_or_default();
            let (zh, en) = if done == "approved" {
                ("已批准并入账", "was already approved and credited")
            } else {
                ("已被拒绝", "was already declined")
            };
            return Err(Problem::refused(
                format!("工单 {id} 的补偿{zh}（{by}），不能重复审批"),
                format!("the compensation of ticket {id} {en} by {by}; it cannot be decided twice"),
            )
            .into());
        }
        _ => {
            return Err(Problem::refused(
                format!("工单 {id} 没有待审批的补偿"),
                format!("ticket {id} has no compensation waiting for approval"),
            )
            .into());
        }
    }
    let status = status_of(&r)?;
    if status.is_open() {
        return Err(Problem::refused(
            format!("工单 {id} 已重新打开，请在再次解决时重新提议补偿"),
            format!("ticket {id} was reopened: propose the compensation again when resolving it"),
        )
        .into());
    }
    let amount = Fen(r.compensation_fen.unwrap_or(0));
    let result = if approve {
        let customer = store::customers::require(conn, r.customer_id)?;
        customer.status.ensure_writable()?;
        let id_text = id.to_string();
        let note = format!("工单 {id} 投诉补偿 complaint compensation");
        let entry = store::ledger::post(
            conn,
            &Posting {
                customer_id: r.customer_id,
                kind: EntryKind::Compensation,
                amount,
                ref_type: "ticket",
                ref_id: &id_text,
                staff_id: Some(staff),
                reverses_id: None,
                note: &note,
            },
            &now,
        )?;
        let mut p = BTreeMap::new();
        p.insert("ticket".to_string(), id_text.clone());
        p.insert("amount".to_string(), amount.to_string());
        p.insert("balance".to_string(), entry.balance_after.to_string());
        store::notices::queue(
            conn,
            r.customer_id,
            "complaint_compensated",
            &p,
            Some(staff),
            &now,
        )?;
        Some(CompensationResult {
            ticket_id: id,
            amount_fen: amount.0,
            ledger_id: entry.id,
            balance_after_fen: entry.balance_after.0,
        })
    } else {
        None
    };
    if !store::tickets::decide_compensation(
        conn,
        id,
        approve,
        staff,
        result.as_ref().map(|c| c.ledger_id),
        &now,
    )? {
        return Err(
            Problem::refused("该补偿已被审批", "this compensation was already decided").into(),
        );
    }
    let text = if approve {
        amount.to_string()
    } else {
        format!("{amount} {reason}")
    };
    store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "compensation",
            from_status: Some("proposed"),
            to_status: Some(if approve { "approved" } else { "declined" }),
            text: &text,
            staff_id: staff,
            notice_id: None,
        },
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        if approve {
            "complaint.compensate"
        } else {
            "complaint.compensate.decline"
        },
        Outcome::Ok,
        Some(r.customer_id),
        &match &result {
            Some(c) => format!(
                "ticket {id}: {amount} credited as ledger entry {}",
                c.ledger_id
            ),
            None => format!("ticket {id}: {amount} declined: {reason}"),
        },
    )?;
    Ok(result)
}

/// Closes a resolved ticket with the customer's satisfaction rating (1–5) and comment.
pub(crate) fn close_in(
    conn: &Connection,
    id: i64,
    rating: i64,
    comment: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    let now = store::ts(at);
    ticket::validate_rating(rating)?;
    let r = load(conn, id)?;
    let from = status_of(&r)?;
    from.transition(TicketStatus::Closed)?;
    state_event(conn, id, from, TicketStatus::Closed, "", staff, &now)?;
    store::tickets::set_rating(conn, id, rating, comment, &now)?;
    store::tickets::add_event(
        conn,
        &NewEvent {
            ticket_id: id,
            kind: "rating",
            from_status: None,
            to_status: None,
            text: &format!("{rating} {comment}"),
            staff_id: staff,
            notice_id: None,
        },
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "complaint.close",
        Outcome::Ok,
        Some(r.customer_id),
        &format!("ticket {id}: closed, rated {rating}"),
    )?;
    Ok(())
}

/// Logs a counter interaction; a complaint opens a ticket (at normal priority, from the counter).
pub(crate) fn record_in(
    conn: &Connection,
    customer_id: i64,
    kind: RecordKind,
    category: Category,
    notes: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<RecordResult> {
    let now = store::ts(at);
    store::customers::require(conn, customer_id)?;
    if kind == RecordKind::Complaint {
        let description = if notes.trim().is_empty() {
            format!(
                "柜台登记投诉：{} / complaint logged at the counter: {}",
                category.label(Lang::Zh),
                category.label(Lang::En)
            )
        } else {
            notes.to_string()
        };
        let (ticket_id, id) = open_with_record(
            conn,
            &NewComplaint {
                customer_id,
                category,
                priority: Priority::Normal,
                channel: Channel::Counter,
                description,
                disputed_month: None,
                assignee: None,
            },
            staff,
            at,
        )?;
        return Ok(RecordResult {
            id,
            kind,
            category,
            ticket_id: Some(ticket_id),
        });
    }
    let id = store::tickets::insert_record(
        conn,
        customer_id,
        kind.code(),
        category.code(),
        notes,
        None,
        staff,
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "service.record",
        Outcome::Ok,
        Some(customer_id),
        &format!("record {id}: {} {}", kind.code(), category.code()),
    )?;
    Ok(RecordResult {
        id,
        kind,
        category,
        ticket_id: None,
    })
}

fn record_view(r: RecordRow) -> Result<RecordView> {
    Ok(RecordView {
        id: r.id,
        kind: bad_code(RecordKind::parse(&r.kind))?,
        category: Category::parse(&r.category).unwrap_or(Category::Other),
        notes: r.notes,
        ticket_id: r.ticket_id,
        staff_id: r.staff_id,
        created_at: r.created_at,
    })
}

/// Ordering of a queue: open tickets first, the most urgent SLA first, then the soonest due;
/// resolved and closed tickets after, newest first.
fn queue_order(a: &TicketView, b: &TicketView) -> std::cmp::Ordering {
    let key = |t: &TicketView| {
        let open = t.status.is_open();
        let next = t.sla.next();
        (
            !open,
            std::cmp::Reverse(if open { t.attention() } else { SlaState::Met }),
            if open { next.remaining_secs } else { 0 },
            std::cmp::Reverse(t.id),
        )
    };
    key(a).cmp(&key(b))
}

impl Service {
    /// Runs an operation in one transaction; a refusal is audited under `action`.
    fn complaint_op<T>(
        &mut self,
        s: &Session,
        action: &str,
        ticket_id: Option<i64>,
        f: impl FnOnce(&Connection, &str, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let customer = |conn: &Connection| {
            ticket_id
                .and_then(|id| store::tickets::get(conn, id).ok().flatten())
                .map(|t| t.customer_id)
        };
        self.write_or_refuse(&s.staff_id, action, customer, f)
    }

    /// Opens a complaint ticket. No customer verification is needed (SPEC).
    pub fn open_ticket(&mut self, s: &Session, c: &NewComplaint) -> Result<TicketView> {
        self.authorize(s, Permission::Serve, "complaint.open")?;
        let id = self.complaint_op(s, "complaint.open", None, |tx, staff, at| {
            open_in(tx, c, staff, at)
        })?;
        self.ticket(s, id)
    }

    /// Logs a counter interaction as a service record; a complaint opens a ticket.
    pub fn record_service(
        &mut self,
        s: &Session,
        customer_id: i64,
        kind: RecordKind,
        category: Category,
        notes: &str,
    ) -> Result<RecordResult> {
        self.authorize(s, Permission::Serve, "service.record")?;
        self.complaint_op(s, "service.record", None, |tx, staff, at| {
            record_in(tx, customer_id, kind, category, notes, staff, at)
        })
    }

    /// A customer's service records, newest first.
    pub fn service_records(
        &self,
        _s: &Session,
        customer_id: i64,
        limit: usize,
    ) -> Result<Vec<RecordView>> {
        store::tickets::records_of(&self.conn, customer_id, limit)?
            .into_iter()
            .map(record_view)
            .collect()
    }

    /// One ticket with its SLA now.
    pub fn ticket(&self, _s: &Session, id: i64) -> Result<TicketView> {
        view_of(&self.conn, load(&self.conn, id)?, self.now())
    }

    /// One ticket with its timeline.
    pub fn ticket_detail(&self, s: &Session, id: i64) -> Result<TicketDetail> {
        Ok(TicketDetail {
            ticket: self.ticket(s, id)?,
            timeline: store::tickets::events(&self.conn, id)?,
        })
    }

    /// A queue: the view's tickets, filtered, the most urgent first.
    pub fn tickets(&self, s: &Session, q: &TicketQuery) -> Result<Vec<TicketView>> {
        let now = self.now();
        let needle = q.text.trim().to_lowercase();
        let mut out = Vec::new();
        for r in store::tickets::list(
            &self.conn,
            q.customer_id,
            q.status.map(|st| st.code()),
            QUEUE_LIMIT,
        )? {
            let v = view_of(&self.conn, r, now)?;
            let keep = match q.view {
                QueueView::All => true,
                QueueView::Mine => {
                    v.status.is_open() && v.assignee.as_deref() == Some(s.staff_id.as_str())
                }
                QueueView::Unassigned => v.status.is_open() && v.assignee.is_none(),
                QueueView::Overdue => v.overdue,
            };
            if keep && (needle.is_empty() || matches_text(&v, &needle)) {
                out.push(v);
            }
        }
        out.sort_by(queue_order);
        Ok(out)
    }

    /// Average satisfaction per category, of every rating given.
    pub fn satisfaction(&self) -> Result<Vec<CategoryRating>> {
        let ratings: Vec<(Category, i64)> = store::tickets::ratings(&self.conn)?
            .into_iter()
            .filter_map(|(c, r)| Category::parse(&c).ok().map(|c| (c, r)))
            .collect();
        Ok(ticket::averages(&ratings)
            .into_iter()
            .map(|(category, average, count)| CategoryRating {
                category,
                average,
                count,
            })
            .collect())
    }

    /// Checks the permission, runs `f` on ticket `id` as one operation audited under `action`,
    /// and returns the ticket as it now stands.
    fn ticket_write<T>(
        &mut self,
        s: &Session,
        p: Permission,
        action: &str,
        id: i64,
        f: impl FnOnce(&Connection, &str, DateTime<Utc>) -> Result<T>,
    ) -> Result<TicketView> {
        self.authorize(s, p, action)?;
        self.complaint_op(s, action, Some(id), f)?;
        self.ticket(s, id)
    }

    /// Moves a ticket to in_progress (start, resume, reopen) or waiting_customer (pause the SLA).
    pub fn ticket_transition(
        &mut self,
        s: &Session,
        id: i64,
        to: TicketStatus,
        note: &str,
    ) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.state",
            id,
            |tx, staff, at| transition_in(tx, id, to, note, staff, at),
        )
    }

    /// Sends a customer-facing reply (a notice) and puts it on the timeline.
    pub fn ticket_reply(&mut self, s: &Session, id: i64, text: &str) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.reply",
            id,
            |tx, staff, at| reply_in(tx, id, text, staff, at),
        )
    }

    /// Adds an internal note to the timeline.
    pub fn ticket_note(&mut self, s: &Session, id: i64, text: &str) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.note",
            id,
            |tx, staff, at| note_in(tx, id, text, staff, at),
        )
    }

    /// Assigns a ticket to a staff member.
    pub fn ticket_assign(&mut self, s: &Session, id: i64, to: &str) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.assign",
            id,
            |tx, staff, at| assign_in(tx, id, to, staff, at),
        )
    }

    /// Resolves a ticket, optionally proposing a compensation for a supervisor to approve.
    pub fn ticket_resolve(
        &mut self,
        s: &Session,
        id: i64,
        resolution: &str,
        compensation: Option<Fen>,
    ) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.resolve",
            id,
            |tx, staff, at| resolve_in(tx, id, resolution, compensation, staff, at),
        )
    }

    /// Approves a proposed compensation (supervisor): one ledger credit linked to the ticket.
    pub fn approve_compensation(&mut self, s: &Session, id: i64) -> Result<CompensationResult> {
        self.authorize(s, Permission::Supervise, "complaint.compensate")?;
        let r = self.complaint_op(s, "complaint.compensate", Some(id), |tx, staff, at| {
            decide_compensation_in(tx, id, true, "", staff, at)
        })?;
        r.ok_or_else(|| Problem::refused("补偿未入账", "the compensation was not credited").into())
    }

    /// Declines a proposed compensation (supervisor), with a reason.
    pub fn decline_compensation(
        &mut self,
        s: &Session,
        id: i64,
        reason: &str,
    ) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Supervise,
            "complaint.compensate.decline",
            id,
            |tx, staff, at| {
                ticket::require_text(reason, "拒绝原因", "reason")?;
                decide_compensation_in(tx, id, false, reason, staff, at)
            },
        )
    }

    /// Closes a resolved ticket with the customer's rating (1–5) and comment.
    pub fn ticket_close(
        &mut self,
        s: &Session,
        id: i64,
        rating: i64,
        comment: &str,
    ) -> Result<TicketView> {
        self.ticket_write(
            s,
            Permission::Serve,
            "complaint.close",
            id,
            |tx, staff, at| close_in(tx, id, rating, comment, staff, at),
        )
    }
}

fn matches_text(v: &TicketView, needle: &str) -> bool {
    v.id.to_string() == needle
        || v.phone.contains(needle)
        || v.description.to_lowercase().contains(needle)
        || v.category.label(Lang::Zh).contains(needle)
        || v.category.label(Lang::En).contains(needle)
        || v.category.code().contains(needle)
        || v.assignee.as_deref().is_some_and(|a| a.contains(needle))
        || v.status.label(Lang::Zh).contains(needle)
        || v.status.code().contains(needle)
}
