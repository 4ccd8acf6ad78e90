//! Points mall (积分商城): earning lots, FIFO spending, expiry, redemption and its reversal.

use super::{Service, Session};
use crate::domain::brand::Brand;
use crate::domain::customer::CustomerStatus;
use crate::domain::points::catalog::{CatalogItem, Fulfilment, allowance_text, check_redeemable};
use crate::domain::points::lots::{self, LotBalance};
use crate::domain::points::{DEFAULT_EXPIRY_MONTHS, lot_expiry};
use crate::domain::staff::Permission;
use crate::domain::{Fen, Lang, Problem, clock};
use crate::error::Result;
use crate::store::customers::CustomerRow;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::points::Movement;
use crate::store::redemptions::NewRedemption;
use crate::store::{self, audit::Outcome};
use chrono::{DateTime, NaiveDate, Utc};
use rand::{Rng, RngCore};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

/// A lot as shown in a balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LotInfo {
    /// Lot id.
    pub id: i64,
    /// `YYYY-MM` earned.
    pub earned_month: String,
    /// Points earned.
    pub points: i64,
    /// Points left.
    pub remaining: i64,
    /// Last valid day.
    pub expires_on: String,
    /// Past its expiry (the expiry run will move it out).
    pub expired: bool,
}

/// A customer's points: what can be spent, and the lots it sits in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointsBalance {
    /// Phone.
    pub phone: String,
    /// Points that can be spent today.
    pub points: i64,
    /// 积分 / M值.
    pub currency_zh: String,
    /// points / M-points.
    pub currency_en: String,
    /// Frozen while suspended or closed.
    pub frozen: bool,
    /// Lots holding points, soonest to expire first.
    pub lots: Vec<LotInfo>,
}

impl PointsBalance {
    /// The soonest expiry still ahead: (points, date).
    pub fn expiring_soonest(&self) -> Option<(i64, &str)> {
        self.lots
            .iter()
            .find(|l| !l.expired && l.remaining > 0)
            .map(|l| (l.remaining, l.expires_on.as_str()))
    }
}

/// What a redemption did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedemptionResult {
    /// Redemption id.
    pub id: i64,
    /// Phone.
    pub phone: String,
    /// Item code.
    pub item_code: String,
    /// Item name in Chinese.
    pub item_name_zh: String,
    /// Item name in English.
    pub item_name_en: String,
    /// Points spent.
    pub cost_points: i64,
    /// Available before.
    pub points_before: i64,
    /// Available after.
    pub points_after: i64,
    /// Balance before, fen.
    pub balance_before_fen: i64,
    /// Balance after, fen.
    pub balance_after_fen: i64,
    /// Balance credited, fen.
    pub credit_fen: i64,
    /// Coupon issued.
    pub coupon_code: Option<String>,
    /// Allowance kind added.
    pub allowance_kind: Option<String>,
    /// Allowance added.
    pub allowance_amount: i64,
    /// Notices queued, in order (template names).
    pub notices: Vec<String>,
    /// Stored instant.
    pub created_at: String,
}

/// What a reversal did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReversalResult {
    /// Redemption id.
    pub id: i64,
    /// Points back in their (unexpired) lots.
    pub points_returned: i64,
    /// Points whose lots have expired since: they stay expired.
    pub points_expired: i64,
    /// Balance credit taken back, fen.
    pub credit_reversed_fen: i64,
    /// A unit went back to stock.
    pub stock_returned: bool,
}

/// What an expiry run moved out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryReport {
    /// The day counted as today.
    pub as_of: String,
    /// Customers touched.
    pub customers: usize,
    /// Lots emptied.
    pub lots: usize,
    /// Points moved out.
    pub points: i64,
}

/// A redemption as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedemptionView {
    /// Redemption id.
    pub id: i64,
    /// Item code.
    pub item_code: String,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Category code.
    pub category: String,
    /// Points.
    pub cost_points: i64,
    /// Stored instant.
    pub created_at: String,
    /// Coupon code.
    pub coupon_code: Option<String>,
    /// Credit, fen.
    pub credit_fen: i64,
    /// Allowance kind.
    pub allowance_kind: Option<String>,
    /// Allowance amount.
    pub allowance_amount: i64,
    /// Clerk.
    pub staff_id: String,
    /// When reversed.
    pub reversed_at: Option<String>,
    /// Why reversed.
    pub reverse_reason: Option<String>,
}

impl RedemptionView {
    /// What the customer got, in words.
    pub fn got(&self, lang: Lang) -> String {
        if let Some(c) = &self.coupon_code {
            return c.clone();
        }
        if self.credit_fen > 0 {
            return format!("+{}", Fen(self.credit_fen));
        }
        match &self.allowance_kind {
            Some(k) => allowance_text(k, self.allowance_amount, lang),
            None => String::new(),
        }
    }
}

fn lot_balances(conn: &Connection, customer_id: i64) -> Result<Vec<LotBalance>> {
    Ok(store::points::all_lots(conn, customer_id)?
        .into_iter()
        .filter_map(|l| {
            l.expires_on.parse::<NaiveDate>().ok().map(|d| LotBalance {
                id: l.id,
                remaining: l.remaining,
                expires_on: d,
            })
        })
        .collect())
}

fn brand_of(conn: &Connection, c: &CustomerRow) -> Result<Brand> {
    store::catalog::brand(conn, &c.brand)?.ok_or_else(|| {
        Problem::not_found(
            format!("没有品牌 {}", c.brand),
            format!("no brand {}", c.brand),
        )
        .into()
    })
}

/// The lot lifetime in months, from the database's settings.
fn expiry_months(conn: &Connection) -> Result<u32> {
    Ok(store::meta_get(conn, "points_expiry_months")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_EXPIRY_MONTHS))
}

/// Moves a customer's expired lots out through `expire` entries; returns (lots, points).
fn expire_customer(
    conn: &Connection,
    customer_id: i64,
    today: NaiveDate,
    staff: Option<&str>,
    now: &str,
) -> Result<(usize, i64)> {
    let expired = lots::expired(&lot_balances(conn, customer_id)?, today);
    let mut points = 0;
    for (lot_id, left) in &expired {
        store::points::move_points(
            conn,
            &Movement {
                customer_id,
                lot_id: *lot_id,
                kind: "expire",
                points: -left,
                ref_type: "expiry",
                ref_id: &today.to_string(),
                staff_id: staff,
                reverses_id: None,
            },
            now,
        )?;
        points += left;
    }
    Ok((expired.len(), points))
}

/// The day a bill's points lot of `month` (`YYYY-MM`) expires: the end of the configured month
/// after it. The same for every bill of a month, so the bill run asks once.
pub fn bill_lot_expiry(conn: &Connection, month: &str) -> Result<String> {
    let (y, m) = month
        .split_once('-')
        .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)))
        .filter(|(_, m)| (1..=12).contains(m))
        .ok_or_else(|| {
            Problem::bad_input(
                format!("月份“{month}”应为 YYYY-MM"),
                format!("month \"{month}\" must be YYYY-MM"),
            )
        })?;
    Ok(lot_expiry(y, m, expiry_months(conn)?).to_string())
}

/// Earns the points of an issued bill by the brand's rule, as one lot expiring on `expires_on`
/// ([`bill_lot_expiry`]); call inside the bill run's transaction. Returns the points earned (0
/// for none).
#[allow(clippy::too_many_arguments)]
pub fn earn_for_bill(
    conn: &Connection,
    customer: &CustomerRow,
    brand: &Brand,
    month: &str,
    expires_on: &str,
    bill_total: Fen,
    bill_ref: &str,
    staff: Option<&str>,
    now: &str,
) -> Result<i64> {
    let points = brand.points_for_bill(bill_total, customer.real_name_verified);
    if points <= 0 {
        return Ok(0);
    }
    let source = format!("{month} 账单 bill");
    store::points::earn(
        conn,
        &store::points::NewLot {
            customer_id: customer.id,
            earned_month: month,
            points,
            expires_on,
            source: &source,
            ref_type: "bill",
            ref_id: bill_ref,
            staff_id: staff,
        },
        now,
    )?;
    Ok(points)
}

const COUPON_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

fn coupon_code(partner: &str, rng: &mut dyn RngCore) -> String {
    let body: String = (0..10)
        .map(|_| COUPON_ALPHABET[rng.gen_range(0..COUPON_ALPHABET.len())] as char)
        .collect();
    format!("{partner}-{body}")
}

/// One redemption inside the caller's transaction: checks, lots, stock, record, fulfilment, notices, audit.
pub(crate) fn redeem_in(
    conn: &Connection,
    customer_id: i64,
    code: &str,
    staff: &str,
    at: DateTime<Utc>,
    rng: &mut dyn RngCore,
) -> Result<RedemptionResult> {
    let now = store::ts(at);
    let today = clock::local_date(at);
    let month = clock::month_of(at);
    let c = store::customers::require(conn, customer_id)?;
    let item = store::redemptions::item(conn, code)?.ok_or_else(|| {
        Problem::not_found(
            format!("积分商城没有编码为“{code}”的商品"),
            format!("no points-mall item with code \"{code}\" (see `points catalog`)"),
        )
    })?;
    let fulfilment = item.fulfilment()?;
    // Lots past their date are moved out first, so the check and the spend see the same points.
    expire_customer(conn, customer_id, today, Some(staff), &now)?;
    let before = store::points::available(conn, customer_id, &today.to_string())?;
    let count = store::redemptions::count_in_month(conn, customer_id, &item.code, &month)?;
    check_redeemable(&item, c.status, item.stock, count, before)?;
    let plan = lots::plan_spend(&lot_balances(conn, customer_id)?, item.cost_points, today)?;
    if !store::redemptions::take_stock(conn, &item.code)? {
        return Err(Problem::refused(
            format!("“{}”已兑完", item.name_zh),
            format!("\"{}\" is out of stock", item.name_en),
        )
        .into());
    }
    let coupon = match &fulfilment {
        Fulfilment::Coupon { partner } => Some(coupon_code(partner, rng)),
        _ => None,
    };
    let (credit, allowance) = match &fulfilment {
        Fulfilment::Credit(f) => (*f, None),
        Fulfilment::Allowance { kind, amount } => (Fen::ZERO, Some((kind.clone(), *amount))),
        Fulfilment::Coupon { .. } => (Fen::ZERO, None),
    };
    let id = store::redemptions::insert(
        conn,
        &NewRedemption {
            customer_id,
            item_code: &item.code,
            cost_points: item.cost_points,
            month: &month,
            coupon_code: coupon.as_deref(),
            credit_fen: credit.0,
            allowance_kind: allowance.as_ref().map(|(k, _)| k.as_str()),
            allowance_amount: allowance.as_ref().map(|(_, a)| *a).unwrap_or(0),
            staff_id: staff,
        },
        &now,
    )?;
    let id_text = id.to_string();
    for (lot_id, take) in &plan {
        let entry = store::points::move_points(
            conn,
            &Movement {
                customer_id,
                lot_id: *lot_id,
                kind: "spend",
                points: -take,
                ref_type: "redemption",
                ref_id: &id_text,
                staff_id: Some(staff),
                reverses_id: None,
            },
            &now,
        )?;
        store::redemptions::add_lot(conn, id, *lot_id, *take, entry)?;
    }
    let mut balance_after = Fen(c.balance_fen);
    if credit.0 > 0 {
        let entry = store::ledger::post(
            conn,
            &Posting {
                customer_id,
                kind: EntryKind::PointsCredit,
                amount: credit,
                ref_type: "redemption",
                ref_id: &id_text,
                staff_id: Some(staff),
                reverses_id: None,
                note: &item.name_zh,
            },
            &now,
        )?;
        store::redemptions::set_ledger(conn, id, entry.id)?;
        balance_after = entry.balance_after;
    }
    if let Some((kind, amount)) = &allowance {
        store::redemptions::add_allowance(
            conn,
            &store::redemptions::AllowanceGrant {
                customer_id,
                month: &month,
                kind,
                amount: *amount,
                source_type: "redemption",
                source_id: &id_text,
            },
            &now,
        )?;
    }
    let after = store::points::available(conn, customer_id, &today.to_string())?;
    let masked = crate::domain::phone::mask_stored(&c.phone).unwrap_or_default();
    let mut params = BTreeMap::new();
    params.insert("phone".to_string(), masked);
    params.insert("item".to_string(), item.name_zh.clone());
    params.insert("item_en".to_string(), item.name_en.clone());
    params.insert("points".to_string(), item.cost_points.to_string());
    params.insert("left".to_string(), after.to_string());
    params.insert(
        "gets".to_string(),
        coupon.clone().unwrap_or_else(|| item.gets(Lang::Zh)),
    );
    params.insert(
        "gets_en".to_string(),
        coupon.clone().unwrap_or_else(|| item.gets(Lang::En)),
    );
    let mut notices = vec!["redemption".to_string()];
    store::notices::queue(conn, customer_id, "redemption", &params, Some(staff), &now)?;
    if credit.0 > 0 {
        let mut p = BTreeMap::new();
        p.insert("amount".to_string(), credit.to_string());
        p.insert("balance".to_string(), balance_after.to_string());
        p.insert("source".to_string(), "积分兑换".to_string());
        p.insert("source_en".to_string(), "points redemption".to_string());
        store::notices::queue(conn, customer_id, "credit", &p, Some(staff), &now)?;
        notices.push("credit".to_string());
    }
    store::audit::append(
        conn,
        &now,
        staff,
        "points.redeem",
        Outcome::Ok,
        Some(customer_id),
        &format!(
            "redemption {id}: {} for {} points",
            item.code, item.cost_points
        ),
    )?;
    Ok(RedemptionResult {
        id,
        phone: c.phone,
        item_code: item.code,
        item_name_zh: item.name_zh,
        item_name_en: item.name_en,
        cost_points: item.cost_points,
        points_before: before,
        points_after: after,
        balance_before_fen: c.balance_fen,
        balance_after_fen: balance_after.0,
        credit_fen: credit.0,
        coupon_code: coupon,
        allowance_kind: allowance.as_ref().map(|(k, _)| k.clone()),
        allowance_amount: allowance.map(|(_, a)| a).unwrap_or(0),
        notices,
        created_at: now,
    })
}

impl Service {
    /// The catalogue, in catalogue order, with live stock.
    pub fn points_catalog(&self) -> Result<Vec<CatalogItem>> {
        store::redemptions::items(&self.conn)
    }

    /// A customer's spendable points and lots (no verification needed, SPEC).
    pub fn points_balance(&self, _s: &Session, customer_id: i64) -> Result<PointsBalance> {
        let c = store::customers::require(&self.conn, customer_id)?;
        let brand = brand_of(&self.conn, &c)?;
        let today = clock::local_date(self.now());
        let lots: Vec<LotInfo> = store::points::all_lots(&self.conn, customer_id)?
            .into_iter()
            .filter(|l| l.remaining > 0)
            .map(|l| LotInfo {
                expired: l
                    .expires_on
                    .parse::<NaiveDate>()
                    .map(|d| lots::is_expired(d, today))
                    .unwrap_or(false),
                id: l.id,
                earned_month: l.earned_month,
                points: l.points,
                remaining: l.remaining,
                expires_on: l.expires_on,
            })
            .collect();
        Ok(PointsBalance {
            phone: c.phone,
            points: store::points::available(&self.conn, customer_id, &today.to_string())?,
            currency_zh: brand.currency_zh,
            currency_en: brand.currency_en,
            frozen: c.status != CustomerStatus::Active,
            lots,
        })
    }

    /// Redeems an item for a verified customer; any failed check changes nothing and is audited.
    pub fn redeem(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        code: &str,
    ) -> Result<RedemptionResult> {
        self.business_write(s, visit, customer_id, "points.redeem", |tx, staff, at| {
            redeem_in(tx, customer_id, code, staff, at, &mut rand::thread_rng())
        })
    }

    /// A verified customer's redemptions, newest first, with coupon codes.
    pub fn redemption_history(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        limit: usize,
    ) -> Result<Vec<RedemptionView>> {
        self.require_verified(s, visit, customer_id, "points.history")?;
        self.redemptions_of(customer_id, limit)
    }

    fn redemptions_of(&self, customer_id: i64, limit: usize) -> Result<Vec<RedemptionView>> {
        let items = store::redemptions::items(&self.conn)?;
        Ok(
            store::redemptions::of_customer(&self.conn, customer_id, limit)?
                .into_iter()
                .map(|r| {
                    let item = items.iter().find(|i| i.code == r.item_code);
                    RedemptionView {
                        id: r.id,
                        name_zh: item.map(|i| i.name_zh.clone()).unwrap_or_default(),
                        name_en: item.map(|i| i.name_en.clone()).unwrap_or_default(),
                        category: item.map(|i| i.category.clone()).unwrap_or_default(),
                        item_code: r.item_code,
                        cost_points: r.cost_points,
                        created_at: r.created_at,
                        coupon_code: r.coupon_code,
                        credit_fen: r.credit_fen,
                        allowance_kind: r.allowance_kind,
                        allowance_amount: r.allowance_amount,
                        staff_id: r.staff_id,
                        reversed_at: r.reversed_at,
                        reverse_reason: r.reverse_reason,
                    }
                })
                .collect(),
        )
    }

    /// Reverses a redemption (supervisor, with a reason): points go back to their original lots
    /// (expired lots stay expired), stock returns, a credit is reversed in the ledger, an allowance
    /// is taken back. A redemption is reversed at most once.
    pub fn reverse_redemption(
        &mut self,
        s: &Session,
        redemption_id: i64,
        reason: &str,
    ) -> Result<ReversalResult> {
        self.authorize(s, Permission::Supervise, "points.reverse")?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Problem::bad_input("冲正需要填写原因", "a reversal needs a reason").into());
        }
        self.write_or_refuse(
            &s.staff_id,
            "points.reverse",
            |_| None,
            |tx, staff, at| reverse_in(tx, redemption_id, &reason, staff, at),
        )
    }

    /// Moves every lot expired before `as_of` out through ledger entries. Running it again moves nothing.
    pub fn expire_points(&mut self, s: &Session, as_of: NaiveDate) -> Result<ExpiryReport> {
        self.authorize(s, Permission::RunBatch, "points.expire")?;
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            let customers = store::points::customers_with_expired(tx, &as_of.to_string())?;
            let (mut lots_moved, mut points) = (0, 0);
            for c in &customers {
                let (l, p) = expire_customer(tx, *c, as_of, Some(&staff), now)?;
                lots_moved += l;
                points += p;
            }
            store::audit::append(
                tx,
                now,
                &staff,
                "points.expire",
                Outcome::Ok,
                None,
                &format!(
                    "as of {as_of}: {points} points in {lots_moved} lots of {} customers",
                    customers.len()
                ),
            )?;
            Ok(ExpiryReport {
                as_of: as_of.to_string(),
                customers: customers.len(),
                lots: lots_moved,
                points,
            })
        })
    }

    /// Earns a bill's points for a customer (the bill run calls [`earn_for_bill`] inside its own transaction).
    pub fn earn_points(
        &mut self,
        s: &Session,
        customer_id: i64,
        month: &str,
        bill_total: Fen,
        bill_ref: &str,
    ) -> Result<i64> {
        self.authorize(s, Permission::RunBatch, "points.earn")?;
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            let c = store::customers::require(tx, customer_id)?;
            let brand = brand_of(tx, &c)?;
            let expires_on = bill_lot_expiry(tx, month)?;
            let points = earn_for_bill(
                tx,
                &c,
                &brand,
                month,
                &expires_on,
                bill_total,
                bill_ref,
                Some(&staff),
                now,
            )?;
            store::audit::append(
                tx,
                now,
                &staff,
                "points.earn",
                Outcome::Ok,
                Some(customer_id),
                &format!("{points} for {month}"),
            )?;
            Ok(points)
        })
    }
}

fn reverse_in(
    conn: &Connection,
    redemption_id: i64,
    reason: &str,
    staff: &str,
    at: DateTime<Utc>,
) -> Result<ReversalResult> {
    let now = store::ts(at);
    let today = clock::local_date(at);
    let r = store::redemptions::get(conn, redemption_id)?.ok_or_else(|| {
        Problem::not_found(
            format!("没有兑换记录 {redemption_id}"),
            format!("no redemption {redemption_id}"),
        )
    })?;
    if let Some(when) = &r.reversed_at {
        return Err(Problem::refused(
            format!("兑换记录 {redemption_id} 已于 {when} 冲正，不能重复冲正"),
            format!("redemption {redemption_id} was already reversed at {when}; it cannot be reversed twice"),
        )
        .into());
    }
    let c = store::customers::require(conn, r.customer_id)?;
    c.status.ensure_writable()?;
    let id_text = redemption_id.to_string();
    let (mut returned, mut expired) = (0, 0);
    for (lot_id, points, spend_entry) in store::redemptions::lots_of(conn, redemption_id)? {
        let lot = store::points::all_lots(conn, r.customer_id)?
            .into_iter()
            .find(|l| l.id == lot_id)
            .ok_or_else(|| Problem::not_found("积分批次缺失", "a points lot is missing"))?;
        let movement = |kind, pts, rev| Movement {
            customer_id: r.customer_id,
            lot_id,
            kind,
            points: pts,
            ref_type: "redemption",
            ref_id: &id_text,
            staff_id: Some(staff),
            reverses_id: rev,
        };
        store::points::move_points(conn, &movement("reversal", points, Some(spend_entry)), &now)?;
        let lot_expired = lot
            .expires_on
            .parse::<NaiveDate>()
            .map(|d| lots::is_expired(d, today))
            .unwrap_or(false);
        if lot_expired {
            store::points::move_points(conn, &movement("expire", -points, None), &now)?;
            expired += points;
        } else {
            returned += points;
        }
    }
    store::redemptions::return_stock(conn, &r.item_code)?;
    let stock_returned =
        store::redemptions::item(conn, &r.item_code)?.is_some_and(|i| i.stock.is_some());
    let mut reversal_ledger = None;
    if let Some(entry) = r.ledger_id {
        let e = store::ledger::post(
            conn,
            &Posting {
                customer_id: r.customer_id,
                kind: EntryKind::Reversal,
                amount: Fen(-r.credit_fen),
                ref_type: "redemption",
                ref_id: &id_text,
                staff_id: Some(staff),
                reverses_id: Some(entry),
                note: reason,
            },
            &now,
        )?;
        reversal_ledger = Some(e.id);
        let brand = brand_of(conn, &c)?;
        if c.status == CustomerStatus::Active && brand.is_below_line(e.balance_after) {
            store::customers::set_status(conn, c.id, CustomerStatus::Suspended, &now)?;
            let mut p = BTreeMap::new();
            p.insert("balance".to_string(), e.balance_after.to_string());
            store::notices::queue(conn, c.id, "suspended", &p, Some(staff), &now)?;
            store::audit::append(
                conn,
                &now,
                staff,
                "customer.suspend",
                Outcome::Ok,
                Some(c.id),
                "balance below the line after a reversal",
            )?;
        }
    }
    if let Some(kind) = &r.allowance_kind {
        store::redemptions::add_allowance(
            conn,
            &store::redemptions::AllowanceGrant {
                customer_id: r.customer_id,
                month: &r.month,
                kind,
                amount: -r.allowance_amount,
                source_type: "redemption_reversal",
                source_id: &id_text,
            },
            &now,
        )?;
    }
    if !store::redemptions::mark_reversed(
        conn,
        redemption_id,
        staff,
        reason,
        reversal_ledger,
        &now,
    )? {
        return Err(
            Problem::refused("该兑换已被冲正", "this redemption was already reversed").into(),
        );
    }
    let mut p = BTreeMap::new();
    p.insert("item".to_string(), r.item_code.clone());
    p.insert("points".to_string(), returned.to_string());
    store::notices::queue(
        conn,
        r.customer_id,
        "redemption_reversed",
        &p,
        Some(staff),
        &now,
    )?;
    store::audit::append(
        conn,
        &now,
        staff,
        "points.reverse",
        Outcome::Ok,
        Some(r.customer_id),
        &format!("redemption {redemption_id}: {reason}"),
    )?;
    Ok(ReversalResult {
        id: redemption_id,
        points_returned: returned,
        points_expired: expired,
        credit_reversed_fen: r.credit_fen,
        stock_returned,
    })
}
