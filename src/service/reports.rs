//! The daily counter report (日结): what a supervisor reconciles at the end of the day.
//!
//! Every figure is over one counter-local day (`clock::counter_tz`), as a half-open range of
//! stored instants. Top-ups count when approved (when the money was taken), refunds when made,
//! redemptions when made. The cash drawer is reconciled as: cash received (approved cash top-ups,
//! what payers paid) − cash handed back (refunds of cash top-ups made that day) = cash expected
//! in the drawer; the supervisor types the counted amount and the report shows the difference
//! (counted − expected: negative is a shortfall).
//!
//! Payments carry no counter number, so the report covers the database file (one hall) with a
//! breakdown by staff member — each clerk's own drawer. Each section is built by its own
//! function; a feature that lands later (plan changes) adds its section the same way.

use super::{Service, Session};
use crate::domain::points::catalog::category_label;
use crate::domain::staff::Permission;
use crate::domain::ticket::TicketStatus;
use crate::domain::topup::Channel;
use crate::domain::{Fen, Lang, Problem, clock};
use crate::error::Result;
use crate::store::{self, reports as q};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rusqlite::Connection;
use serde::Serialize;

/// Top-ups of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelLine {
    /// `cash`, `card`, `alipay`, `wechat`.
    pub channel: String,
    /// How many.
    pub count: i64,
    /// Face value chosen.
    pub amount_fen: i64,
    /// What payers paid.
    pub paid_fen: i64,
    /// What balances got.
    pub credited_fen: i64,
}

/// Top-ups taken by one staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffLine {
    /// Staff id.
    pub staff_id: String,
    /// Name.
    pub staff_name: String,
    /// How many.
    pub count: i64,
    /// What payers paid, all channels.
    pub paid_fen: i64,
    /// Of which in cash (this staff member's drawer).
    pub cash_fen: i64,
    /// What balances got.
    pub credited_fen: i64,
}

/// Payments started this day that were not approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsettledLine {
    /// `pending`, `declined`, `voided`.
    pub status: String,
    /// How many.
    pub count: i64,
    /// What they would have paid.
    pub paid_fen: i64,
}

/// Quick top-ups (快捷充值).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TopUpSection {
    /// Approved top-ups.
    pub count: i64,
    /// Face value.
    pub amount_fen: i64,
    /// Paid.
    pub paid_fen: i64,
    /// Credited.
    pub credited_fen: i64,
    /// Every channel, in screen order, zeros included.
    pub by_channel: Vec<ChannelLine>,
    /// By staff member.
    pub by_staff: Vec<StaffLine>,
    /// Pending, declined and voided payments started this day.
    pub unsettled: Vec<UnsettledLine>,
}

/// Refunds of one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundLine {
    /// Channel of the refunded top-up.
    pub channel: String,
    /// How many.
    pub count: i64,
    /// Taken off balances.
    pub amount_fen: i64,
    /// Handed back to payers.
    pub returned_fen: i64,
}

/// Supervisor refunds of top-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RefundSection {
    /// How many.
    pub count: i64,
    /// Taken off balances.
    pub amount_fen: i64,
    /// Handed back to payers.
    pub returned_fen: i64,
    /// By channel.
    pub by_channel: Vec<RefundLine>,
}

/// The cash drawer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CashDrawer {
    /// Cash taken for approved top-ups.
    pub received_fen: i64,
    /// Cash handed back for refunds of cash top-ups.
    pub refunded_fen: i64,
    /// Recorded: received − refunded, what the drawer should hold.
    pub expected_fen: i64,
    /// What the supervisor counted, when given.
    pub counted_fen: Option<i64>,
    /// counted − expected (negative: short), when counted.
    pub difference_fen: Option<i64>,
}

/// Redemptions of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryLine {
    /// Category code.
    pub category: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// How many.
    pub count: i64,
    /// Points spent.
    pub points: i64,
    /// Balance credited.
    pub credit_fen: i64,
}

/// Points-mall redemptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct RedemptionSection {
    /// How many.
    pub count: i64,
    /// Points spent.
    pub points: i64,
    /// Balance credited.
    pub credit_fen: i64,
    /// By category.
    pub by_category: Vec<CategoryLine>,
    /// Reversed this day.
    pub reversed_count: i64,
    /// Points returned by those reversals.
    pub reversed_points: i64,
}

/// Complaints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ComplaintSection {
    /// Tickets opened.
    pub opened: i64,
    /// Tickets moved to resolved.
    pub resolved: i64,
    /// Tickets closed.
    pub closed: i64,
    /// Open tickets past an SLA target at the end of the day (or now, for today).
    pub overdue: i64,
}

/// The balance ledger's own sums for the day, to reconcile against the sections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct LedgerSide {
    /// Sum of top-up entries.
    pub topup_fen: i64,
    /// Sum of refund reversals (negative).
    pub refund_fen: i64,
    /// Sum of redemption credits.
    pub redemption_credit_fen: i64,
    /// The sections agree with the ledger.
    pub reconciled: bool,
}

/// One hour of the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourLine {
    /// 0–23, counter time.
    pub hour: u32,
    /// Top-ups approved.
    pub topups: i64,
    /// Paid for them.
    pub paid_fen: i64,
    /// Redemptions.
    pub redemptions: i64,
}

/// The daily counter report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DailyReport {
    /// The counter-local date, `YYYY-MM-DD`.
    pub date: String,
    /// When the report was made (RFC 3339 UTC).
    pub generated_at: String,
    /// Top-ups.
    pub topups: TopUpSection,
    /// Refunds.
    pub refunds: RefundSection,
    /// Cash drawer.
    pub cash: CashDrawer,
    /// Redemptions.
    pub redemptions: RedemptionSection,
    /// Plan changes.
    pub plan_changes: PlanChangeSection,
    /// Complaints.
    pub complaints: ComplaintSection,
    /// The ledger's side.
    pub ledger: LedgerSide,
    /// 24 hours, counter time.
    pub hours: Vec<HourLine>,
}

/// Plan changes (filled once plan changes are recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PlanChangeSection {
    /// Changes made.
    pub count: i64,
}

impl DailyReport {
    /// Sets the counted cash and the difference.
    pub fn with_counted(mut self, counted: Option<Fen>) -> DailyReport {
        self.cash.counted_fen = counted.map(|c| c.0);
        self.cash.difference_fen = counted.map(|c| c.0 - self.cash.expected_fen);
        self
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        Problem::bad_input(
            format!("日期“{s}”无法识别：请用 YYYY-MM-DD，例如 2026-12-04"),
            format!("cannot read the date \"{s}\": use YYYY-MM-DD, e.g. 2026-12-04"),
        )
    })
}

impl Service {
    /// The daily report for a counter-local date (today when `None`). Supervisors and admins.
    pub fn report_daily(
        &mut self,
        s: &Session,
        date: Option<NaiveDate>,
        counted: Option<Fen>,
    ) -> Result<DailyReport> {
        self.authorize(s, Permission::Supervise, "report.daily")?;
        let now = self.now();
        let date = date.unwrap_or_else(|| clock::local_date(now));
        // One read transaction: every section sees the same snapshot.
        let tx = self.conn.transaction()?;
        let report = build(&tx, date, now)?;
        tx.finish()?;
        Ok(report.with_counted(counted))
    }
}

/// Builds the report from one snapshot.
pub fn build(conn: &Connection, date: NaiveDate, now: DateTime<Utc>) -> Result<DailyReport> {
    let start = clock::start_of_day(date);
    let end = clock::start_of_day(date.succ_opt().unwrap_or(date));
    let (from, to) = (store::ts(start), store::ts(end));
    let topups = topup_section(conn, &from, &to)?;
    let refunds = refund_section(conn, &from, &to)?;
    let cash_refunded = refunds
        .by_channel
        .iter()
        .filter(|r| r.channel == Channel::Cash.code())
        .map(|r| r.returned_fen)
        .sum::<i64>();
    let received = topups
        .by_channel
        .iter()
        .filter(|c| c.channel == Channel::Cash.code())
        .map(|c| c.paid_fen)
        .sum::<i64>();
    let cash = CashDrawer {
        received_fen: received,
        refunded_fen: cash_refunded,
        expected_fen: received - cash_refunded,
        counted_fen: None,
        difference_fen: None,
    };
    let redemptions = redemption_section(conn, &from, &to)?;
    let complaints = complaint_section(conn, &from, &to, now.min(end))?;
    let ledger = ledger_side(conn, &from, &to, &topups, &refunds, &redemptions)?;
    let hours = hour_lines(conn, &from, &to)?;
    Ok(DailyReport {
        date: date.to_string(),
        generated_at: store::ts(now),
        topups,
        refunds,
        cash,
        redemptions,
        plan_changes: PlanChangeSection {
            count: store::reports::plan_changes(conn, &from, &to)?,
        },
        complaints,
        ledger,
        hours,
    })
}

fn topup_section(conn: &Connection, from: &str, to: &str) -> Result<TopUpSection> {
    let groups = q::payments(conn, from, to)?;
    let mut out = TopUpSection::default();
    for ch in Channel::ALL {
        let mut line = ChannelLine {
            channel: ch.code().to_string(),
            count: 0,
            amount_fen: 0,
            paid_fen: 0,
            credited_fen: 0,
        };
        for g in groups.iter().filter(|g| g.channel == ch.code()) {
            line.count += g.count;
            line.amount_fen += g.amount_fen;
            line.paid_fen += g.paid_fen;
            line.credited_fen += g.credited_fen;
        }
        out.by_channel.push(line);
    }
    for g in &groups {
        out.count += g.count;
        out.amount_fen += g.amount_fen;
        out.paid_fen += g.paid_fen;
        out.credited_fen += g.credited_fen;
        let cash = if g.channel == Channel::Cash.code() {
            g.paid_fen
        } else {
            0
        };
        match out.by_staff.iter_mut().find(|l| l.staff_id == g.staff_id) {
            Some(l) => {
                l.count += g.count;
                l.paid_fen += g.paid_fen;
                l.cash_fen += cash;
                l.credited_fen += g.credited_fen;
            }
            None => out.by_staff.push(StaffLine {
                staff_id: g.staff_id.clone(),
                staff_name: g.staff_name.clone(),
                count: g.count,
                paid_fen: g.paid_fen,
                cash_fen: cash,
                credited_fen: g.credited_fen,
            }),
        }
    }
    out.unsettled = q::unsettled(conn, from, to)?
        .into_iter()
        .map(|(status, count, paid_fen)| UnsettledLine {
            status,
            count,
            paid_fen,
        })
        .collect();
    Ok(out)
}

fn refund_section(conn: &Connection, from: &str, to: &str) -> Result<RefundSection> {
    let mut out = RefundSection::default();
    for g in q::refunds(conn, from, to)? {
        out.count += g.count;
        out.amount_fen += g.amount_fen;
        out.returned_fen += g.returned_fen;
        out.by_channel.push(RefundLine {
            channel: g.channel,
            count: g.count,
            amount_fen: g.amount_fen,
            returned_fen: g.returned_fen,
        });
    }
    Ok(out)
}

fn redemption_section(conn: &Connection, from: &str, to: &str) -> Result<RedemptionSection> {
    let mut out = RedemptionSection::default();
    for g in q::redemptions(conn, from, to)? {
        out.count += g.count;
        out.points += g.points;
        out.credit_fen += g.credit_fen;
        out.by_category.push(CategoryLine {
            name_zh: category_label(&g.category, Lang::Zh).to_string(),
            name_en: category_label(&g.category, Lang::En).to_string(),
            category: g.category,
            count: g.count,
            points: g.points,
            credit_fen: g.credit_fen,
        });
    }
    let (n, p) = q::redemption_reversals(conn, from, to)?;
    out.reversed_count = n;
    out.reversed_points = p;
    Ok(out)
}

fn complaint_section(
    conn: &Connection,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<ComplaintSection> {
    let mut overdue = 0;
    for row in store::tickets::list(conn, None, None, usize::MAX >> 1)? {
        let open = TicketStatus::parse(&row.status).is_ok_and(|s| s.is_open());
        if open && store::parse_ts(&row.opened_at).is_some_and(|t| t < at) {
            let view = super::complaints::view_of(conn, row, at)?;
            if view.overdue {
                overdue += 1;
            }
        }
    }
    Ok(ComplaintSection {
        opened: q::tickets_opened(conn, from, to)?,
        resolved: q::tickets_moved_to(conn, "resolved", from, to)?,
        closed: q::tickets_moved_to(conn, "closed", from, to)?,
        overdue,
    })
}

fn ledger_side(
    conn: &Connection,
    from: &str,
    to: &str,
    t: &TopUpSection,
    r: &RefundSection,
    red: &RedemptionSection,
) -> Result<LedgerSide> {
    let topup_fen = q::ledger_sum(conn, "top_up", "topup", from, to)?;
    let refund_fen = q::ledger_sum(conn, "reversal", "topup_refund", from, to)?;
    let redemption_credit_fen = q::ledger_sum(conn, "points_credit", "redemption", from, to)?;
    Ok(LedgerSide {
        topup_fen,
        refund_fen,
        redemption_credit_fen,
        reconciled: topup_fen == t.credited_fen
            && refund_fen == -r.amount_fen
            && redemption_credit_fen == red.credit_fen,
    })
}

fn hour_lines(conn: &Connection, from: &str, to: &str) -> Result<Vec<HourLine>> {
    let mut hours: Vec<HourLine> = (0..24)
        .map(|hour| HourLine {
            hour,
            topups: 0,
            paid_fen: 0,
            redemptions: 0,
        })
        .collect();
    let hour_of = |s: &str| store::parse_ts(s).map(|t| clock::local(t).hour() as usize);
    for (at, paid) in q::payment_times(conn, from, to)? {
        if let Some(h) = hour_of(&at).and_then(|h| hours.get_mut(h)) {
            h.topups += 1;
            h.paid_fen += paid;
        }
    }
    for at in q::redemption_times(conn, from, to)? {
        if let Some(h) = hour_of(&at).and_then(|h| hours.get_mut(h)) {
            h.redemptions += 1;
        }
    }
    Ok(hours)
}
