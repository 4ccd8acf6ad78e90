//! Business handling (业务办理): plan changes, add-on packs and value-added services.
//!
//! Rules:
//! - **Plan history.** A plan change is a row of `plan_changes` booked `pending` with
//!   `effective_from` = the 1st of next month. [`apply_due_changes`] makes it `applied` (and sets
//!   `customers.plan`) on or after that day; every operation here and the bill run call it first,
//!   and the customer view shows a due change as already applied. The bill for a month uses the
//!   plan in effect during it ([`crate::store::plans::plans_on`]), so a change never reaches back
//!   into a month before it took effect, even when that month is billed after the 1st.
//!   One pending change at a time; it can be cancelled until it takes effect.
//! - **Packs** take effect at once, add their allowance to this month (valid to its last day) and
//!   charge their price now as a `pack_charge`. A suspended line cannot buy a pack (it is suspended
//!   for arrears: top up first), and a purchase that would take the balance below the suspension
//!   line is refused as insufficient funds — so buying a pack never suspends a line.
//! - **VAS** subscribe starts today; cancel stops at the end of this month (charged for the whole
//!   month, as the bill run charges every subscription running at any time in a month).

use super::{Service, Session};
use crate::assets::{self, PlanAsset, Recommendation};
use crate::domain::customer::CustomerStatus;
use crate::domain::rating::Extra;
use crate::domain::staff::Permission;
use crate::domain::{Fen, Problem, clock};
use crate::error::Result;
use crate::service::bills::Month;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::plans::{PackPurchase, PlanChange, VasSubscription};
use crate::store::redemptions::AllowanceGrant;
use crate::store::{self, audit::Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of `plan list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogEntry {
    /// Code.
    pub code: String,
    /// `plan`, `pack` or `vas`.
    pub kind: String,
    /// Brand, or null where any brand may take it.
    pub brand: Option<String>,
    /// Name in the chosen language.
    pub name: String,
    /// Monthly fee (plan, vas).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_fee_fen: Option<i64>,
    /// Price (pack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_fen: Option<i64>,
    /// Included minutes.
    pub minutes: i64,
    /// Included data, MB.
    pub data_mb: i64,
    /// Included SMS.
    pub sms: i64,
    /// What it is.
    pub description: String,
    /// Packs: valid until the end of the month bought.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity: Option<String>,
}

/// A subscription as shown: with the days it still runs when cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubscriptionView {
    /// The record.
    #[serde(flatten)]
    pub sub: VasSubscription,
    /// Monthly fee.
    pub fee_fen: i64,
    /// Days left including today, once cancelled and still running; None while active.
    pub remaining_days: Option<i64>,
    /// Still running today.
    pub running: bool,
}

/// One line of the customer's business history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryLine {
    /// Stored instant.
    pub at: String,
    /// `plan_change`, `plan_applied`, `plan_cancelled`, `pack`, `vas_subscribe`, `vas_cancel`.
    pub kind: String,
    /// Plan, pack or service code.
    pub code: String,
    /// Staff member.
    pub staff_id: Option<String>,
    /// A date that matters: effective from, valid until, ends on.
    pub date: Option<String>,
    /// Money moved or monthly fee.
    pub fee_fen: i64,
}

/// Everything the Plans tab shows of a customer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusinessView {
    /// Customer.
    pub customer_id: i64,
    /// Brand code.
    pub brand: String,
    /// Status.
    pub status: CustomerStatus,
    /// Balance.
    pub balance_fen: i64,
    /// The plan in effect.
    pub plan: PlanAsset,
    /// Extra allowances this month (packs, redemptions).
    pub extra: Extra,
    /// The pending change.
    pub pending: Option<PlanChange>,
    /// Packs bought, newest first.
    pub packs: Vec<PackPurchase>,
    /// Subscriptions, newest first.
    pub subscriptions: Vec<SubscriptionView>,
    /// Plans, packs and VAS this customer may take (plans of the brand only).
    pub catalog: Vec<PlanAsset>,
    /// Recommendations not yet taken.
    pub recommendations: Vec<Recommendation>,
    /// History, newest first.
    pub history: Vec<HistoryLine>,
    /// Today (local).
    pub today: String,
}

/// What booking a plan change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanChangeResult {
    /// The change booked (`id`, `effective_from`, …).
    #[serde(flatten)]
    pub change: PlanChange,
    /// New monthly fee.
    pub monthly_fee_fen: i64,
}

/// What a pack purchase did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackResult {
    /// The purchase.
    #[serde(flatten)]
    pub purchase: PackPurchase,
    /// Balance before.
    pub balance_before_fen: i64,
    /// Balance after.
    pub balance_after_fen: i64,
}

/// What a VAS cancellation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VasCancelResult {
    /// The subscription, now with `ends_on`.
    #[serde(flatten)]
    pub sub: VasSubscription,
    /// Days it still runs, today included.
    pub remaining_days: i64,
}

/// The first day of the month after the one `at` falls in.
pub fn next_first(at: DateTime<Utc>) -> NaiveDate {
    Month::of(at).next().first()
}

/// Applies every pending change due by `at`'s local date (one customer or all): the plan is
/// switched, the customer noticed and the change audited under `staff`.
pub fn apply_due_changes(
    conn: &Connection,
    at: DateTime<Utc>,
    customer_id: Option<i64>,
    staff: &str,
) -> Result<usize> {
    let today = clock::local_date(at).to_string();
    let now = store::ts(at);
    let due = store::plans::due(conn, &today, customer_id)?;
    for c in &due {
        store::plans::apply_change(conn, c, staff, &now)?;
        let to = store::catalog::plan(conn, &c.to_plan)?;
        let mut p = BTreeMap::new();
        p.insert("date".to_string(), c.effective_from.clone());
        if let Some(to) = &to {
            p.insert("to".to_string(), to.name_zh.clone());
            p.insert("to_en".to_string(), to.name_en.clone());
            p.insert("fee".to_string(), Fen(to.fee_fen).to_string());
        }
        store::notices::queue(conn, c.customer_id, "plan_changed", &p, Some(staff), &now)?;
        store::audit::append(
            conn,
            &now,
            staff,
            "plan.applied",
            Outcome::Ok,
            Some(c.customer_id),
            &format!(
                "change {}: {} -> {} from {} (booked by {})",
                c.id, c.from_plan, c.to_plan, c.effective_from, c.staff_id
            ),
        )?;
    }
    Ok(due.len())
}

fn catalog_item(conn: &Connection, code: &str, kind: &str) -> Result<PlanAsset> {
    let (zh, en) = match kind {
        "plan" => ("套餐", "plan"),
        "pack" => ("加油包", "pack"),
        _ => ("增值业务", "value-added service"),
    };
    let p = store::catalog::plan(conn, code)?
        .filter(|p| p.kind == kind)
        .ok_or_else(|| {
            Problem::not_found(
                format!("没有编码为“{code}”的{zh}（见 plan list）"),
                format!("no {en} with code \"{code}\" (see `plan list`)"),
            )
        })?;
    Ok(p)
}

/// Catalogue entries in a language.
pub fn catalog_entries(plans: &[PlanAsset], lang: crate::domain::Lang) -> Vec<CatalogEntry> {
    plans
        .iter()
        .map(|p| CatalogEntry {
            code: p.code.clone(),
            kind: p.kind.clone(),
            brand: p.brand.clone(),
            name: lang.pick(&p.name_zh, &p.name_en).to_string(),
            monthly_fee_fen: (p.kind != "pack").then_some(p.fee_fen),
            price_fen: (p.kind == "pack").then_some(p.fee_fen),
            minutes: p.minutes,
            data_mb: p.data_mb,
            sms: p.sms,
            description: lang.pick(&p.description_zh, &p.description_en).to_string(),
            validity: (p.kind == "pack").then(|| {
                lang.pick("购买当月月底前有效", "until the end of the month bought")
                    .to_string()
            }),
        })
        .collect()
}

pub(crate) fn book_change(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<PlanChangeResult> {
    let now = store::ts(at);
    apply_due_changes(conn, at, Some(customer_id), staff)?;
    let c = store::customers::require(conn, customer_id)?;
    c.status.ensure_writable()?;
    let to = catalog_item(conn, code, "plan")?;
    if to.brand.as_deref() != Some(c.brand.as_str()) {
        return Err(Problem::refused(
            format!("“{}”不是本品牌的套餐：只能换成本品牌的套餐", to.name_zh),
            format!(
                "\"{}\" is a plan of another brand: a customer can only change to a plan of their own brand",
                to.name_en
            ),
        )
        .into());
    }
    if let Some(p) = store::plans::pending(conn, customer_id)? {
        return Err(Problem::refused(
            format!(
                "已有一笔待生效的套餐变更（改为 {}，{} 生效）：一次只能有一笔，请先取消它",
                p.to_plan, p.effective_from
            ),
            format!(
                "a plan change is already pending (to {} from {}): only one at a time; cancel it first",
                p.to_plan, p.effective_from
            ),
        )
        .into());
    }
    if c.plan == to.code {
        return Err(Problem::refused(
            format!("客户已在使用“{}”", to.name_zh),
            format!("the customer is already on \"{}\"", to.name_en),
        )
        .into());
    }
    let from = catalog_item(conn, &c.plan, "plan")?;
    let effective = next_first(at).to_string();
    let id = store::plans::insert_change(
        conn,
        customer_id,
        &c.plan,
        &to.code,
        &effective,
        staff,
        &now,
    )?;
    let mut p = BTreeMap::new();
    p.insert("from".to_string(), from.name_zh.clone());
    p.insert("from_en".to_string(), from.name_en.clone());
    p.insert("to".to_string(), to.name_zh.clone());
    p.insert("to_en".to_string(), to.name_en.clone());
    p.insert("fee".to_string(), Fen(to.fee_fen).to_string());
    p.insert("date".to_string(), effective.clone());
    store::notices::queue(conn, customer_id, "plan_change", &p, Some(staff), &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "plan.change",
        Outcome::Ok,
        Some(customer_id),
        &format!("change {id}: {} -> {} from {effective}", c.plan, to.code),
    )?;
    let change = store::plans::pending(conn, customer_id)?
        .ok_or_else(|| Problem::not_found("变更记录缺失", "the change is missing"))?;
    Ok(PlanChangeResult {
        change,
        monthly_fee_fen: to.fee_fen,
    })
}

pub(crate) fn cancel_change_in(
    conn: &Connection,
    customer_id: i64,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<PlanChange> {
    let now = store::ts(at);
    apply_due_changes(conn, at, Some(customer_id), staff)?;
    store::customers::require(conn, customer_id)?
        .status
        .ensure_writable()?;
    let p = store::plans::pending(conn, customer_id)?.ok_or_else(|| {
        Problem::refused(
            "没有待生效的套餐变更可取消（已生效的变更不能取消，只能再申请变更）",
            "there is no pending plan change to cancel (one that took effect cannot be cancelled; book another change)",
        )
    })?;
    store::plans::cancel_change(conn, p.id, staff, &now)?;
    let names = |code: &str| -> Result<(String, String)> {
        Ok(store::catalog::plan(conn, code)?
            .map(|x| (x.name_zh, x.name_en))
            .unwrap_or_else(|| (code.to_string(), code.to_string())))
    };
    let (from_zh, from_en) = names(&p.from_plan)?;
    let (to_zh, to_en) = names(&p.to_plan)?;
    let mut m = BTreeMap::new();
    m.insert("from".to_string(), from_zh);
    m.insert("from_en".to_string(), from_en);
    m.insert("to".to_string(), to_zh);
    m.insert("to_en".to_string(), to_en);
    m.insert("date".to_string(), p.effective_from.clone());
    store::notices::queue(
        conn,
        customer_id,
        "plan_change_cancelled",
        &m,
        Some(staff),
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "plan.cancel_change",
        Outcome::Ok,
        Some(customer_id),
        &format!(
            "change {}: {} -> {} from {} cancelled",
            p.id, p.from_plan, p.to_plan, p.effective_from
        ),
    )?;
    Ok(PlanChange {
        status: "cancelled".into(),
        closed_by: Some(staff.to_string()),
        closed_at: Some(now),
        ..p
    })
}

pub(crate) fn add_pack_in(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<PackResult> {
    let now = store::ts(at);
    apply_due_changes(conn, at, Some(customer_id), staff)?;
    let c = store::customers::require(conn, customer_id)?;
    c.status.ensure_writable()?;
    let pack = catalog_item(conn, code, "pack")?;
    if c.status == CustomerStatus::Suspended {
        return Err(Problem::refused(
            format!(
                "号码已停机（余额 {}）：停机期间不能订购加油包，请先充值复机",
                Fen(c.balance_fen)
            ),
            format!(
                "the line is suspended (balance {}): no pack can be bought while suspended; top up first",
                Fen(c.balance_fen)
            ),
        )
        .into());
    }
    let brand = store::catalog::brand(conn, &c.brand)?
        .ok_or_else(|| Problem::not_found("没有该品牌", "no such brand"))?;
    let before = Fen(c.balance_fen);
    let after = Fen(before.0 - pack.fee_fen);
    if brand.is_below_line(after) {
        return Err(Problem::refused(
            format!(
                "余额不足：{} 需 {}，当前余额 {}，扣费后将低于停机线，请先充值",
                pack.name_zh,
                Fen(pack.fee_fen),
                before
            ),
            format!(
                "insufficient balance: {} costs {} and the balance is {}; the charge would take it below the suspension line: top up first",
                pack.name_en,
                Fen(pack.fee_fen),
                before
            ),
        )
        .into());
    }
    let m = Month::of(at);
    let month = m.text();
    let valid_until = m.last().to_string();
    let mut purchase = PackPurchase {
        id: 0,
        customer_id,
        code: pack.code.clone(),
        month: month.clone(),
        fee_fen: pack.fee_fen,
        valid_until: valid_until.clone(),
        ledger_id: None,
        staff_id: staff.to_string(),
        created_at: now.clone(),
    };
    purchase.id = store::plans::insert_pack(conn, &purchase)?;
    let id_text = purchase.id.to_string();
    let mut balance = before;
    if pack.fee_fen > 0 {
        let e = store::ledger::post(
            conn,
            &Posting {
                customer_id,
                kind: EntryKind::PackCharge,
                amount: Fen(-pack.fee_fen),
                ref_type: "pack",
                ref_id: &id_text,
                staff_id: Some(staff),
                reverses_id: None,
                note: &pack.code,
            },
            &now,
        )?;
        balance = e.balance_after;
        store::plans::set_pack_ledger(conn, purchase.id, e.id)?;
        purchase.ledger_id = Some(e.id);
    }
    for (kind, amount) in [
        ("minutes", pack.minutes),
        ("data_mb", pack.data_mb),
        ("sms", pack.sms),
    ] {
        if amount > 0 {
            store::redemptions::add_allowance(
                conn,
                &AllowanceGrant {
                    customer_id,
                    month: &month,
                    kind,
                    amount,
                    source_type: "pack",
                    source_id: &id_text,
                },
                &now,
            )?;
        }
    }
    let mut p = BTreeMap::new();
    p.insert("pack".to_string(), pack.name_zh.clone());
    p.insert("pack_en".to_string(), pack.name_en.clone());
    p.insert("fee".to_string(), Fen(pack.fee_fen).to_string());
    p.insert("until".to_string(), valid_until.clone());
    p.insert("balance".to_string(), balance.to_string());
    store::notices::queue(conn, customer_id, "pack_added", &p, Some(staff), &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "pack.add",
        Outcome::Ok,
        Some(customer_id),
        &format!(
            "pack {} {}: {} charged, balance {before} -> {balance}, valid until {valid_until}",
            purchase.id,
            pack.code,
            Fen(pack.fee_fen)
        ),
    )?;
    super::bills::check_low_balance(conn, customer_id, balance, at, staff)?;
    Ok(PackResult {
        purchase,
        balance_before_fen: before.0,
        balance_after_fen: balance.0,
    })
}

fn running_subscription(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    today: &str,
) -> Result<Option<VasSubscription>> {
    Ok(store::plans::subscriptions_of(conn, customer_id)?
        .into_iter()
        .find(|s| s.code == code && s.ends_on.as_deref().is_none_or(|e| e >= today)))
}

pub(crate) fn subscribe_in(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<VasSubscription> {
    let now = store::ts(at);
    let today = clock::local_date(at).to_string();
    apply_due_changes(conn, at, Some(customer_id), staff)?;
    let c = store::customers::require(conn, customer_id)?;
    c.status.ensure_writable()?;
    let vas = catalog_item(conn, code, "vas")?;
    if c.status == CustomerStatus::Suspended {
        return Err(Problem::refused(
            "号码已停机：停机期间不能订购增值业务，请先充值复机",
            "the line is suspended: no service can be subscribed while suspended; top up first",
        )
        .into());
    }
    if let Some(s) = running_subscription(conn, customer_id, code, &today)? {
        let (zh, en) = match &s.ends_on {
            None => (
                format!("客户已订购“{}”（{} 起）", vas.name_zh, s.started_on),
                format!(
                    "the customer already has \"{}\" (since {})",
                    vas.name_en, s.started_on
                ),
            ),
            Some(e) => (
                format!("“{}”已退订但本月仍可用至 {e}：下月再订购", vas.name_zh),
                format!(
                    "\"{}\" is cancelled but runs until {e}: subscribe again after that",
                    vas.name_en
                ),
            ),
        };
        return Err(Problem::refused(zh, en).into());
    }
    let id = store::bills::subscribe(conn, customer_id, &vas.code, &today, Some(staff), &now)?;
    let mut p = BTreeMap::new();
    p.insert("service".to_string(), vas.name_zh.clone());
    p.insert("service_en".to_string(), vas.name_en.clone());
    p.insert("fee".to_string(), Fen(vas.fee_fen).to_string());
    p.insert("date".to_string(), today.clone());
    p.insert("cancel".to_string(), "到营业厅办理".to_string());
    store::notices::queue(conn, customer_id, "vas_subscribed", &p, Some(staff), &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "vas.subscribe",
        Outcome::Ok,
        Some(customer_id),
        &format!(
            "subscription {id} {} from {today}, {} a month",
            vas.code,
            Fen(vas.fee_fen)
        ),
    )?;
    store::plans::subscriptions_of(conn, customer_id)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Problem::not_found("订购记录缺失", "the subscription is missing").into())
}

pub(crate) fn cancel_vas_in(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<VasCancelResult> {
    let now = store::ts(at);
    let today = clock::local_date(at);
    apply_due_changes(conn, at, Some(customer_id), staff)?;
    store::customers::require(conn, customer_id)?
        .status
        .ensure_writable()?;
    let vas = catalog_item(conn, code, "vas")?;
    let sub = store::plans::subscriptions_of(conn, customer_id)?
        .into_iter()
        .find(|s| s.code == vas.code && s.ends_on.is_none())
        .ok_or_else(|| {
            Problem::refused(
                format!("客户没有在订的“{}”，无需退订", vas.name_zh),
                format!("the customer has no running \"{}\" to cancel", vas.name_en),
            )
        })?;
    let ends_on = Month::of(at).last();
    store::plans::cancel_subscription(conn, sub.id, &ends_on.to_string(), staff, &now)?;
    let remaining_days = days_left(today, &ends_on.to_string());
    let mut p = BTreeMap::new();
    p.insert("service".to_string(), vas.name_zh.clone());
    p.insert("service_en".to_string(), vas.name_en.clone());
    p.insert("until".to_string(), ends_on.to_string());
    store::notices::queue(conn, customer_id, "vas_cancelled", &p, Some(staff), &now)?;
    store::audit::append(
        conn,
        &now,
        staff,
        "vas.cancel",
        Outcome::Ok,
        Some(customer_id),
        &format!(
            "subscription {} {} ends {ends_on} ({remaining_days} days left, charged to month end)",
            sub.id, vas.code
        ),
    )?;
    Ok(VasCancelResult {
        sub: VasSubscription {
            ends_on: Some(ends_on.to_string()),
            cancelled_at: Some(now),
            cancelled_by: Some(staff.to_string()),
            ..sub
        },
        remaining_days,
    })
}

/// Days from `today` to `ends_on`, both included (0 when over).
pub fn days_left(today: NaiveDate, ends_on: &str) -> i64 {
    NaiveDate::parse_from_str(ends_on, "%Y-%m-%d")
        .map(|e| ((e - today).num_days() + 1).max(0))
        .unwrap_or(0)
}

fn audience_fits(
    r: &Recommendation,
    usage: &crate::domain::rating::Usage,
    plan: &PlanAsset,
) -> bool {
    match r.audience.as_str() {
        "data" => {
            plan.data_mb > 0
                && crate::domain::rating::started_mb(usage.data_kb) * 10 >= plan.data_mb * 7
        }
        "voice" => plan.minutes > 0 && usage.voice_out_minutes * 10 >= plan.minutes * 7,
        // Heavy data users stream; everyone else is offered the cheaper music membership.
        "video" => crate::domain::rating::started_mb(usage.data_kb) >= 8 * 1024,
        _ => true,
    }
}

impl Service {
    /// The catalogue of plans, packs and VAS (anyone logged in).
    pub fn plan_catalog(&self) -> Result<Vec<PlanAsset>> {
        store::catalog::plans(&self.conn)
    }

    pub(super) fn business_write<T>(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        action: &str,
        f: impl FnOnce(&Connection, &str, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        self.authorize(s, Permission::Serve, action)?;
        self.require_verified(s, visit, customer_id, action)?;
        self.write_or_refuse(&s.staff_id, action, |_| Some(customer_id), f)
    }

    /// Books a plan change for a verified customer, effective on the 1st of next month.
    pub fn change_plan(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        code: &str,
    ) -> Result<PlanChangeResult> {
        let code = code.trim().to_uppercase();
        self.business_write(s, visit, customer_id, "plan.change", |tx, staff, at| {
            book_change(tx, customer_id, &code, staff, at)
        })
    }

    /// Cancels the verified customer's pending plan change.
    pub fn cancel_plan_change(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
    ) -> Result<PlanChange> {
        self.business_write(
            s,
            visit,
            customer_id,
            "plan.cancel_change",
            |tx, staff, at| cancel_change_in(tx, customer_id, staff, at),
        )
    }

    /// Sells a pack: effective at once, charged now.
    pub fn add_pack(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        code: &str,
    ) -> Result<PackResult> {
        let code = code.trim().to_uppercase();
        self.business_write(s, visit, customer_id, "pack.add", |tx, staff, at| {
            add_pack_in(tx, customer_id, &code, staff, at)
        })
    }

    /// Subscribes a value-added service from today.
    pub fn subscribe_vas(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        code: &str,
    ) -> Result<VasSubscription> {
        let code = code.trim().to_uppercase();
        self.business_write(s, visit, customer_id, "vas.subscribe", |tx, staff, at| {
            subscribe_in(tx, customer_id, &code, staff, at)
        })
    }

    /// Cancels a value-added service: it runs (and is charged) to the end of this month.
    pub fn cancel_vas(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        code: &str,
    ) -> Result<VasCancelResult> {
        let code = code.trim().to_uppercase();
        self.business_write(s, visit, customer_id, "vas.cancel", |tx, staff, at| {
            cancel_vas_in(tx, customer_id, &code, staff, at)
        })
    }

    /// What the Plans tab shows of a verified customer. Applies a change that has come due first.
    pub fn business_of(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
    ) -> Result<BusinessView> {
        self.require_verified(s, visit, customer_id, "plan.show")?;
        let at = self.now();
        let staff = s.staff_id.clone();
        if !store::plans::due(
            &self.conn,
            &clock::local_date(at).to_string(),
            Some(customer_id),
        )?
        .is_empty()
        {
            store::write(&mut self.conn, |tx| {
                apply_due_changes(tx, at, Some(customer_id), &staff)
            })?;
        }
        let conn = &self.conn;
        let today = clock::local_date(at);
        let c = store::customers::require(conn, customer_id)?;
        let all = store::catalog::plans(conn)?;
        let plan = all
            .iter()
            .find(|p| p.code == c.plan)
            .cloned()
            .ok_or_else(|| Problem::not_found("没有该套餐", "no such plan"))?;
        let m = Month::of(at);
        let extra = store::redemptions::extras(conn, &m.text(), Some(customer_id))?
            .remove(&customer_id)
            .unwrap_or_default();
        let fee = |code: &str| {
            all.iter()
                .find(|p| p.code == code)
                .map(|p| p.fee_fen)
                .unwrap_or(0)
        };
        let subs = store::plans::subscriptions_of(conn, customer_id)?;
        let today_s = today.to_string();
        let subscriptions: Vec<SubscriptionView> = subs
            .iter()
            .map(|s| SubscriptionView {
                fee_fen: fee(&s.code),
                remaining_days: s.ends_on.as_deref().map(|e| days_left(today, e)),
                running: s.started_on <= today_s
                    && s.ends_on.as_deref().is_none_or(|e| e >= today_s.as_str()),
                sub: s.clone(),
            })
            .collect();
        let packs = store::plans::packs_of(conn, customer_id)?;
        let changes = store::plans::changes_of(conn, customer_id)?;
        let mut history = Vec::new();
        for ch in &changes {
            history.push(HistoryLine {
                at: ch.created_at.clone(),
                kind: "plan_change".into(),
                code: format!("{}→{}", ch.from_plan, ch.to_plan),
                staff_id: Some(ch.staff_id.clone()),
                date: Some(ch.effective_from.clone()),
                fee_fen: fee(&ch.to_plan),
            });
            if let Some(when) = &ch.closed_at {
                history.push(HistoryLine {
                    at: when.clone(),
                    kind: if ch.status == "cancelled" {
                        "plan_cancelled"
                    } else {
                        "plan_applied"
                    }
                    .into(),
                    code: format!("{}→{}", ch.from_plan, ch.to_plan),
                    staff_id: ch.closed_by.clone(),
                    date: Some(ch.effective_from.clone()),
                    fee_fen: fee(&ch.to_plan),
                });
            }
        }
        for p in &packs {
            history.push(HistoryLine {
                at: p.created_at.clone(),
                kind: "pack".into(),
                code: p.code.clone(),
                staff_id: Some(p.staff_id.clone()),
                date: Some(p.valid_until.clone()),
                fee_fen: p.fee_fen,
            });
        }
        for s in &subs {
            history.push(HistoryLine {
                at: s.created_at.clone(),
                kind: "vas_subscribe".into(),
                code: s.code.clone(),
                staff_id: s.staff_id.clone(),
                date: Some(s.started_on.clone()),
                fee_fen: fee(&s.code),
            });
            if let Some(when) = &s.cancelled_at {
                history.push(HistoryLine {
                    at: when.clone(),
                    kind: "vas_cancel".into(),
                    code: s.code.clone(),
                    staff_id: s.cancelled_by.clone(),
                    date: s.ends_on.clone(),
                    fee_fen: fee(&s.code),
                });
            }
        }
        history.sort_by(|a, b| b.at.cmp(&a.at));
        let usage = store::usage::customer_month(conn, customer_id, m.prev().int())?;
        let taken: Vec<&str> = subscriptions
            .iter()
            .filter(|s| s.running)
            .map(|s| s.sub.code.as_str())
            .collect();
        let recommendations = assets::recommendations()
            .into_iter()
            .filter(|r| !taken.contains(&r.code.as_str()))
            .filter(|r| audience_fits(r, &usage, &plan))
            .collect();
        let catalog = all
            .into_iter()
            .filter(|p| p.kind != "plan" || p.brand.as_deref() == Some(c.brand.as_str()))
            .collect();
        Ok(BusinessView {
            customer_id,
            brand: c.brand.clone(),
            status: c.status,
            balance_fen: c.balance_fen,
            plan,
            extra,
            pending: store::plans::pending(conn, customer_id)?,
            packs,
            subscriptions,
            catalog,
            recommendations,
            history,
            today: today_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_change_on_the_31st_is_effective_on_the_1st() {
        let at = clock::counter_tz()
            .with_ymd_and_hms(2026, 12, 31, 23, 30, 0)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(next_first(at).to_string(), "2027-01-01");
    }

    #[test]
    fn days_left_counts_today() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(days_left(d, "2026-12-31"), 28);
        assert_eq!(days_left(d, "2026-12-04"), 1);
        assert_eq!(days_left(d, "2026-11-30"), 0);
    }
}
