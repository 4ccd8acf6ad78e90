//! Bill services (话费服务): usage import, the monthly bill run, bills and their explanation,
//! the month so far, detail records, daily data, reminders and plan advice.

use super::{Service, Session};
use crate::assets;
use crate::assets::PlanAsset;
use crate::domain::advice::{self, Advice, Choice};
use crate::domain::bill::{
    self, BillInput, BillItem, Category, Discount, ThirdPartyCharge, VasCharge,
};
use crate::domain::customer::CustomerStatus;
use crate::domain::rating::{CommonRates, Extra, PlanRates, Rated, Usage, rate};
use crate::domain::staff::Permission;
use crate::domain::{Fen, Lang, Msisdn, Problem, clock};
use crate::error::Result;
use crate::store::bills::{NewBill, ReminderSettings};
use crate::store::ledger::{EntryKind, Posting};
use crate::store::usage::{DetailFilter, UsageRecord};
use crate::store::{self, audit::Outcome};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::Connection;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// `assets/rates.toml`.
#[derive(Debug, Clone, Deserialize)]
pub struct RatesFile {
    /// International roaming per started minute.
    pub roaming_voice_fen_per_min: i64,
    /// Each MMS.
    pub mms_fen: i64,
    /// Discounts.
    pub discount: Vec<Discount>,
    /// Reminder defaults.
    pub reminders: ReminderDefaults,
}

/// Reminder defaults.
#[derive(Debug, Clone, Deserialize)]
pub struct ReminderDefaults {
    /// Default low-balance threshold.
    pub low_balance_fen: i64,
}

/// The shipped rates (parsed once).
pub fn rates() -> &'static RatesFile {
    static R: std::sync::OnceLock<RatesFile> = std::sync::OnceLock::new();
    R.get_or_init(|| toml::from_str(assets::RATES).expect("assets/rates.toml is valid (tested)"))
}

fn common(r: &RatesFile) -> CommonRates {
    CommonRates {
        roaming_voice_fen_per_min: r.roaming_voice_fen_per_min,
        mms_fen: r.mms_fen,
    }
}

/// The rating view of a plan or pack.
pub fn plan_rates(p: &PlanAsset) -> PlanRates {
    PlanRates {
        fee_fen: p.fee_fen,
        minutes: p.minutes,
        data_mb: p.data_mb,
        sms: p.sms,
        voice_fen_per_min: p.overage_voice_fen,
        sms_fen: p.overage_sms_fen,
        data_fen_per_mb: p.overage_data_fen_per_mb,
    }
}

/// A billing month parsed: `YYYY-MM`, `YYYYMM`, its first and last days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Result<Month, Problem> {
        let bad = || {
            Problem::bad_input(
                format!("月份“{s}”应为 YYYY-MM，例如 2026-11"),
                format!("month \"{s}\" must be YYYY-MM, e.g. 2026-11"),
            )
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let (year, month) = (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
        );
        if y.len() != 4
            || m.len() != 2
            || !(1..=12).contains(&month)
            || !(2000..=2100).contains(&year)
        {
            return Err(bad());
        }
        Ok(Month { year, month })
    }

    /// The month an instant falls in (counter time).
    pub fn of(t: DateTime<Utc>) -> Month {
        let d = clock::local_date(t);
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// `YYYY-MM`.
    pub fn text(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// `YYYYMM`, as usage records store it.
    pub fn int(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    /// The first day.
    pub fn first(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }

    /// The last day.
    pub fn last(self) -> NaiveDate {
        self.next().first().pred_opt().expect("valid date")
    }

    /// The month after.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month before.
    pub fn prev(self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// Days in the month.
    pub fn days(self) -> u32 {
        self.last().day()
    }
}

/// What a bill run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BillRunReport {
    /// The month billed.
    pub month: String,
    /// Bills issued now.
    pub bills_issued: usize,
    /// Customers already billed for the month (nothing done twice).
    pub already_billed: usize,
    /// Sum of the bills issued now.
    pub total_fen: i64,
    /// Points earned.
    pub points_earned: i64,
    /// Lines suspended by their bill.
    pub suspended: usize,
    /// Usage records rated.
    pub usage_records: i64,
}

fn vas_charges(
    conn: &Connection,
    m: Month,
    plans: &HashMap<String, PlanAsset>,
    customer_id: Option<i64>,
) -> Result<HashMap<i64, Vec<VasCharge>>> {
    let mut out: HashMap<i64, Vec<VasCharge>> = HashMap::new();
    for s in store::bills::subscriptions_between(
        conn,
        &m.first().to_string(),
        &m.last().to_string(),
        customer_id,
    )? {
        if let Some(p) = plans.get(&s.code) {
            out.entry(s.customer_id).or_default().push(VasCharge {
                code: p.code.clone(),
                name_zh: p.name_zh.clone(),
                name_en: p.name_en.clone(),
                description_zh: p.description_zh.clone(),
                description_en: p.description_en.clone(),
                fee_fen: p.fee_fen,
                subscribed_on: s.started_on.clone(),
            });
        }
    }
    Ok(out)
}

/// Queues a reminder once per period when the customer's settings ask for it.
fn remind(
    conn: &Connection,
    customer_id: i64,
    period: &str,
    kind: &str,
    params: &BTreeMap<String, String>,
    staff: &str,
    now: &str,
) -> Result<bool> {
    if store::bills::mark_reminder(conn, customer_id, period, kind, now)? {
        store::notices::queue(conn, customer_id, kind, params, Some(staff), now)?;
        return Ok(true);
    }
    Ok(false)
}

/// Sends the low-balance reminder (once a month) when the balance is under the customer's threshold.
pub(crate) fn check_low_balance(
    conn: &Connection,
    customer_id: i64,
    balance: Fen,
    at: DateTime<Utc>,
    staff: &str,
) -> Result<()> {
    let defaults = rates().reminders.low_balance_fen;
    let s = store::bills::reminder_settings(conn, customer_id, defaults)?;
    low_balance_with(conn, customer_id, balance, at, staff, &s)
}

/// The low-balance reminder with settings already read (the bill run reads them once).
fn low_balance_with(
    conn: &Connection,
    customer_id: i64,
    balance: Fen,
    at: DateTime<Utc>,
    staff: &str,
    s: &ReminderSettings,
) -> Result<()> {
    if balance.0 < s.low_balance_fen {
        let mut p = BTreeMap::new();
        p.insert("balance".to_string(), balance.to_string());
        p.insert("threshold".to_string(), Fen(s.low_balance_fen).to_string());
        remind(
            conn,
            customer_id,
            &Month::of(at).text(),
            "low_balance",
            &p,
            staff,
            &store::ts(at),
        )?;
    }
    Ok(())
}

/// Sends the data reminders at 80 % and 100 % of the month's allowance, once each.
pub fn check_data(
    conn: &Connection,
    customer_id: i64,
    m: Month,
    at: DateTime<Utc>,
    staff: &str,
) -> Result<()> {
    let Some(c) = store::customers::get(conn, customer_id)? else {
        return Ok(());
    };
    let Some(plan) = store::catalog::plan(conn, &c.plan)? else {
        return Ok(());
    };
    let extra = store::redemptions::extras(conn, &m.text(), Some(customer_id))?
        .remove(&customer_id)
        .unwrap_or_default();
    let allowance = plan.data_mb + extra.data_mb;
    if allowance <= 0 {
        return Ok(());
    }
    let used = crate::domain::rating::started_mb(
        store::usage::customer_month(conn, customer_id, m.int())?.data_kb,
    );
    let settings =
        store::bills::reminder_settings(conn, customer_id, rates().reminders.low_balance_fen)?;
    let mut p = BTreeMap::new();
    p.insert("used".to_string(), used.to_string());
    p.insert("allowance".to_string(), allowance.to_string());
    let now = store::ts(at);
    if settings.data_80 && used * 100 >= allowance * 80 {
        remind(conn, customer_id, &m.text(), "data_80", &p, staff, &now)?;
    }
    if settings.data_100 && used >= allowance {
        remind(conn, customer_id, &m.text(), "data_100", &p, staff, &now)?;
    }
    Ok(())
}

/// The bill run inside the caller's transaction: one bill per unbilled customer, charged, pointed, noticed.
pub fn run_bills_in(
    conn: &Connection,
    m: Month,
    staff: &str,
    at: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<BillRunReport> {
    let now = store::ts(at);
    let month = m.text();
    let rates_file = rates();
    let common = common(rates_file);
    let plans: HashMap<String, PlanAsset> = store::catalog::plans(conn)?
        .into_iter()
        .map(|p| (p.code.clone(), p))
        .collect();
    let brands: HashMap<String, crate::domain::brand::Brand> = store::catalog::brands(conn)?
        .into_iter()
        .map(|b| (b.code.clone(), b))
        .collect();
    // Changes due by now become current first; the month is then billed with the plan that was
    // in effect during it, not with one that took effect after it ended.
    super::plans::apply_due_changes(conn, at, None, staff)?;
    let plan_in_month = store::plans::plans_on(conn, &m.last().to_string())?;
    let customers = store::bills::unbilled(conn, &month, &m.last().to_string())?;
    let already = store::bills::count_in_month(conn, &month)?;
    // A month already billed in full has nothing left to rate: a rerun only counts the records
    // (from the index alone); otherwise the one pass over the month counts them as it sums.
    let (usage, extra, vas, usage_records) = if customers.is_empty() {
        let records = store::usage::count_in_month(conn, m.int())?;
        (
            Default::default(),
            Default::default(),
            Default::default(),
            records,
        )
    } else {
        let usage = store::usage::month_totals(conn, m.int())?;
        let records = usage.values().map(|t| t.records).sum();
        (
            usage,
            store::redemptions::extras(conn, &month, None)?,
            vas_charges(conn, m, &plans, None)?,
            records,
        )
    };
    let mut report = BillRunReport {
        month: month.clone(),
        already_billed: already as usize,
        usage_records,
        ..BillRunReport::default()
    };
    let points_expire_on = super::points::bill_lot_expiry(conn, &month)?;
    let n = customers.len();
    for (i, id) in customers.into_iter().enumerate() {
        if i % 500 == 0 {
            progress(i, n);
        }
        let Some(c) = store::customers::get(conn, id)? else {
            continue;
        };
        let plan_code = plan_in_month.get(&id).unwrap_or(&c.plan);
        let (Some(plan), Some(brand)) = (plans.get(plan_code), brands.get(&c.brand)) else {
            continue;
        };
        let month_total = usage.get(&id).copied().unwrap_or_default();
        let u = month_total.usage;
        let rated = rate(
            &plan_rates(plan),
            &extra.get(&id).copied().unwrap_or_default(),
            &common,
            &u,
        );
        let tp: Vec<ThirdPartyCharge> = if month_total.partner_events > 0 {
            store::usage::third_party(conn, m.int(), id)?
                .into_iter()
                .map(|(service, fee_fen, events)| ThirdPartyCharge {
                    service,
                    fee_fen,
                    events,
                })
                .collect()
        } else {
            Vec::new()
        };
        let discounts: Vec<&Discount> = rates_file
            .discount
            .iter()
            .filter(|d| d.applies(c.star_level, c.customer_type.code()))
            .collect();
        let no_vas = Vec::new();
        let items = bill::compose(&BillInput {
            plan_code: &plan.code,
            plan_zh: &plan.name_zh,
            plan_en: &plan.name_en,
            plan_fee: Fen(plan.fee_fen),
            plan_desc_zh: &plan.description_zh,
            plan_desc_en: &plan.description_en,
            usage: u,
            rated,
            vas: vas.get(&id).unwrap_or(&no_vas),
            third_party: &tp,
            discounts: &discounts,
        });
        let total = bill::total(&items);
        let bill_id = store::bills::insert(
            conn,
            &NewBill {
                customer_id: id,
                month: &month,
                plan: &plan.code,
                items: &items,
                total_fen: total.0,
                staff,
            },
            &now,
        )?;
        let bill_ref = bill_id.to_string();
        let mut balance = Fen(c.balance_fen);
        if total.0 > 0 {
            let e = store::ledger::post(
                conn,
                &Posting {
                    customer_id: id,
                    kind: EntryKind::BillCharge,
                    amount: Fen(-total.0),
                    ref_type: "bill",
                    ref_id: &bill_ref,
                    staff_id: Some(staff),
                    reverses_id: None,
                    note: &month,
                },
                &now,
            )?;
            balance = e.balance_after;
        }
        if c.status == CustomerStatus::Active && brand.is_below_line(balance) {
            store::customers::set_status(conn, id, CustomerStatus::Suspended, &now)?;
            let mut p = BTreeMap::new();
            p.insert("balance".to_string(), balance.to_string());
            store::notices::queue(conn, id, "suspended", &p, Some(staff), &now)?;
            report.suspended += 1;
        }
        report.points_earned += super::points::earn_for_bill(
            conn,
            &c,
            brand,
            &month,
            &points_expire_on,
            total,
            &bill_ref,
            Some(staff),
            &now,
        )?;
        let settings =
            store::bills::reminder_settings(conn, id, rates_file.reminders.low_balance_fen)?;
        if settings.bill_issued {
            let mut p = BTreeMap::new();
            p.insert("month".to_string(), month.clone());
            p.insert("total".to_string(), total.to_string());
            p.insert("balance".to_string(), balance.to_string());
            store::notices::queue(conn, id, "bill_issued", &p, Some(staff), &now)?;
        }
        low_balance_with(conn, id, balance, at, staff, &settings)?;
        report.bills_issued += 1;
        report.total_fen += total.0;
    }
    progress(n, n);
    store::audit::append(
        conn,
        &now,
        staff,
        "bill.run",
        Outcome::Ok,
        None,
        &format!(
            "{month}: {} bills, {} total, {} already billed",
            report.bills_issued,
            Fen(report.total_fen),
            report.already_billed
        ),
    )?;
    Ok(report)
}

/// A month's bill at a glance: total and the split by category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillSummary {
    /// Bill id.
    pub id: i64,
    /// YYYY-MM.
    pub month: String,
    /// Total.
    pub total_fen: i64,
    /// Points it earned.
    pub points_earned: i64,
    /// Sum per category, in bill order.
    pub categories: Vec<(Category, i64)>,
}

/// One item as shown and printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    /// Category code.
    pub category: Category,
    /// Name in the chosen language.
    pub name: String,
    /// Explanation in the chosen language.
    pub explanation: String,
    /// Amount.
    pub amount_fen: i64,
    /// Name in Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Explanation in Chinese.
    pub explanation_zh: String,
    /// Explanation in English.
    pub explanation_en: String,
}

/// A bill with its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BillView {
    /// Bill id.
    pub id: i64,
    /// YYYY-MM.
    pub month: String,
    /// Plan billed.
    pub plan: String,
    /// Total.
    pub total_fen: i64,
    /// Points earned.
    pub points_earned: i64,
    /// Items in order.
    pub items: Vec<ItemView>,
}

/// The current month so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthSoFar {
    /// YYYY-MM.
    pub month: String,
    /// Today's day of the month.
    pub day: u32,
    /// Days in the month.
    pub days: u32,
    /// Usage so far.
    pub usage: Usage,
    /// Allowances: plan plus extra.
    pub allowance: Extra,
    /// Rated so far.
    pub rated: Rated,
    /// Plan fee.
    pub plan_fee_fen: i64,
    /// VAS fees this month.
    pub vas_fen: i64,
    /// Partner charges so far.
    pub third_party_fen: i64,
    /// The bill if the month ended today.
    pub so_far_fen: i64,
    /// The bill if the rest of the month goes like so far.
    pub projected_fen: i64,
}

/// The advice with plan names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdviceView {
    /// The priced comparison.
    #[serde(flatten)]
    pub advice: Advice,
    /// Names of the plans and packs mentioned: code → (zh, en).
    pub names: BTreeMap<String, (String, String)>,
}

/// What a usage import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Records imported.
    pub records: usize,
    /// Customers touched.
    pub customers: usize,
}

fn item_view(i: BillItem, lang: Lang) -> ItemView {
    ItemView {
        category: i.category,
        name: lang.pick(&i.name_zh, &i.name_en).to_string(),
        explanation: lang.pick(&i.explanation_zh, &i.explanation_en).to_string(),
        amount_fen: i.amount_fen,
        name_zh: i.name_zh,
        name_en: i.name_en,
        explanation_zh: i.explanation_zh,
        explanation_en: i.explanation_en,
    }
}

impl Service {
    /// Runs the bill for a finished month (supervisor). Running a month again issues nothing twice.
    pub fn run_bills(
        &mut self,
        s: &Session,
        month: &str,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<BillRunReport> {
        self.authorize(s, Permission::RunBatch, "bill.run")?;
        let m = Month::parse(month)?;
        let now = self.now();
        if m.int() >= Month::of(now).int() {
            return Err(Problem::refused(
                format!("{} 尚未结束，不能出账：只能对已结束的月份出账", m.text()),
                format!(
                    "{} is not over yet: only a finished month can be billed",
                    m.text()
                ),
            )
            .into());
        }
        let staff = s.staff_id.clone();
        store::write(&mut self.conn, |tx| {
            run_bills_in(tx, m, &staff, now, progress)
        })
    }

    /// A verified customer's bills of the last `months` months, newest first.
    pub fn bills_of(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        months: usize,
    ) -> Result<Vec<BillSummary>> {
        self.require_verified(s, visit, customer_id, "bill.show")?;
        let rows = store::bills::recent(&self.conn, customer_id, months)?;
        let ids: Vec<i64> = rows.iter().map(|b| b.id).collect();
        let sums = store::bills::category_sums(&self.conn, &ids)?;
        Ok(rows
            .into_iter()
            .map(|b| BillSummary {
                categories: Category::ALL
                    .iter()
                    .map(|c| {
                        (
                            *c,
                            sums.iter()
                                .filter(|(id, cat, _)| *id == b.id && cat == c)
                                .map(|(_, _, f)| *f)
                                .sum(),
                        )
                    })
                    .collect(),
                id: b.id,
                month: b.month,
                total_fen: b.total_fen,
                points_earned: b.points_earned,
            })
            .collect())
    }

    /// A verified customer's bill of a month, every item explained.
    pub fn bill_of(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        month: &str,
        lang: Lang,
    ) -> Result<BillView> {
        let m = Month::parse(month)?;
        self.require_verified(s, visit, customer_id, "bill.show")?;
        let b = store::bills::by_month(&self.conn, customer_id, &m.text())?.ok_or_else(|| {
            Problem::not_found(
                format!("{} 没有账单", m.text()),
                format!("no bill for {}", m.text()),
            )
        })?;
        let items = store::bills::items(&self.conn, b.id)?
            .into_iter()
            .map(|i| item_view(i, lang))
            .collect();
        Ok(BillView {
            id: b.id,
            month: b.month,
            plan: b.plan,
            total_fen: b.total_fen,
            points_earned: b.points_earned,
            items,
        })
    }

    /// The current month so far and where it is heading.
    pub fn month_so_far(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
    ) -> Result<MonthSoFar> {
        self.require_verified(s, visit, customer_id, "bill.show")?;
        let now = self.now();
        let m = Month::of(now);
        let c = store::customers::require(&self.conn, customer_id)?;
        let plans: HashMap<String, PlanAsset> = store::catalog::plans(&self.conn)?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
        let plan = plans
            .get(&c.plan)
            .ok_or_else(|| Problem::not_found("没有该套餐", "no such plan"))?;
        let extra = store::redemptions::extras(&self.conn, &m.text(), Some(customer_id))?
            .remove(&customer_id)
            .unwrap_or_default();
        let common = common(rates());
        let usage = store::usage::customer_month(&self.conn, customer_id, m.int())?;
        let pr = plan_rates(plan);
        let rated = rate(&pr, &extra, &common, &usage);
        let vas_fen: i64 = vas_charges(&self.conn, m, &plans, Some(customer_id))?
            .remove(&customer_id)
            .unwrap_or_default()
            .iter()
            .map(|v| v.fee_fen)
            .sum();
        let third_party_fen: i64 = store::usage::third_party(&self.conn, m.int(), customer_id)?
            .iter()
            .map(|(_, f, _)| f)
            .sum();
        let day = clock::local_date(now).day();
        let days = m.days();
        let scale = |x: i64| x * i64::from(days) / i64::from(day.max(1));
        let projected_usage = Usage {
            voice_out_minutes: scale(usage.voice_out_minutes),
            voice_in_minutes: scale(usage.voice_in_minutes),
            roaming_minutes: scale(usage.roaming_minutes),
            sms: scale(usage.sms),
            mms: scale(usage.mms),
            data_kb: scale(usage.data_kb),
        };
        let projected = rate(&pr, &extra, &common, &projected_usage);
        Ok(MonthSoFar {
            month: m.text(),
            day,
            days,
            usage,
            allowance: Extra {
                minutes: plan.minutes + extra.minutes,
                data_mb: plan.data_mb + extra.data_mb,
                sms: plan.sms + extra.sms,
            },
            rated,
            plan_fee_fen: plan.fee_fen,
            vas_fen,
            third_party_fen,
            so_far_fen: plan.fee_fen + rated.usage_fen() + vas_fen + third_party_fen,
            projected_fen: plan.fee_fen + projected.usage_fen() + vas_fen + scale(third_party_fen),
        })
    }

    /// One page of a verified customer's detail records, with the count of all that match.
    pub fn usage_page(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        f: &DetailFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(i64, Vec<UsageRecord>)> {
        self.require_verified(s, visit, customer_id, "bill.details")?;
        Ok((
            store::usage::count(&self.conn, customer_id, f)?,
            store::usage::page(&self.conn, customer_id, f, offset, limit)?,
        ))
    }

    /// Data used per day of a month (流量账单).
    pub fn daily_data(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        month: Month,
    ) -> Result<Vec<(u32, i64)>> {
        self.require_verified(s, visit, customer_id, "bill.details")?;
        store::usage::daily_data(&self.conn, customer_id, month.int())
    }

    /// Prices the last three finished months of usage under every plan of the brand, alone and with
    /// each pack, and recommends the cheapest fit.
    pub fn advice(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
    ) -> Result<AdviceView> {
        self.require_verified(s, visit, customer_id, "bill.advice")?;
        let c = store::customers::require(&self.conn, customer_id)?;
        let all = store::catalog::plans(&self.conn)?;
        let common = common(rates());
        let mut m = Month::of(self.now()).prev();
        let mut months = Vec::new();
        for _ in 0..3 {
            months.push(store::usage::customer_month(
                &self.conn,
                customer_id,
                m.int(),
            )?);
            m = m.prev();
        }
        let packs: Vec<&PlanAsset> = all.iter().filter(|p| p.kind == "pack").collect();
        let mut options = Vec::new();
        let mut names = BTreeMap::new();
        let mut current = None;
        for p in all
            .iter()
            .filter(|p| p.kind == "plan" && p.brand.as_deref() == Some(c.brand.as_str()))
        {
            names.insert(p.code.clone(), (p.name_zh.clone(), p.name_en.clone()));
            let base = Choice {
                plan: p.code.clone(),
                pack: None,
                rates: plan_rates(p),
                pack_extra: Extra::default(),
                pack_fen: 0,
            };
            if p.code == c.plan {
                current = Some(base.clone());
            }
            options.push(base.clone());
            for k in &packs {
                names.insert(k.code.clone(), (k.name_zh.clone(), k.name_en.clone()));
                options.push(Choice {
                    pack: Some(k.code.clone()),
                    pack_extra: Extra {
                        minutes: k.minutes,
                        data_mb: k.data_mb,
                        sms: k.sms,
                    },
                    pack_fen: k.fee_fen,
                    ..base.clone()
                });
            }
        }
        let current = current.ok_or_else(|| {
            Problem::not_found(
                "当前套餐不在目录中",
                "the current plan is not in the catalogue",
            )
        })?;
        Ok(AdviceView {
            advice: advice::advise(&current, &options, &common, &months),
            names,
        })
    }

    /// A customer's reminder settings (提醒服务).
    pub fn reminders(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
    ) -> Result<ReminderSettings> {
        self.require_verified(s, visit, customer_id, "bill.reminders")?;
        store::bills::reminder_settings(&self.conn, customer_id, rates().reminders.low_balance_fen)
    }

    /// Changes a verified customer's reminder settings.
    pub fn set_reminders(
        &mut self,
        s: &Session,
        visit: Option<i64>,
        customer_id: i64,
        settings: ReminderSettings,
    ) -> Result<ReminderSettings> {
        self.require_verified(s, visit, customer_id, "bill.reminders")?;
        if settings.low_balance_fen < 0 || settings.low_balance_fen > 100_000 {
            return Err(Problem::bad_input(
                "余额提醒阈值应在 ¥0 到 ¥1,000 之间",
                "the low-balance threshold must be between ¥0 and ¥1,000",
            )
            .into());
        }
        let staff = s.staff_id.clone();
        self.write(|tx, now| {
            store::bills::set_reminder_settings(tx, customer_id, &settings, now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "reminders.set",
                Outcome::Ok,
                Some(customer_id),
                &format!(
                    "low balance {}, data 80% {}, data 100% {}, bill issued {}",
                    Fen(settings.low_balance_fen),
                    settings.data_80,
                    settings.data_100,
                    settings.bill_issued
                ),
            )?;
            Ok(settings)
        })
    }

    /// Imports usage records from CSV (supervisor): every row is checked first; one bad row imports nothing.
    pub fn import_usage(
        &mut self,
        s: &Session,
        path: &std::path::Path,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportReport> {
        self.authorize(s, Permission::RunBatch, "usage.import")?;
        // A large import into a table not much larger than it drops the index and rebuilds it
        // with one sort (about 0.3 s per million rows) instead of inserting into it row by row
        // (about 1 µs a row).
        let file_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let file_rows = file_bytes / BYTES_PER_ROW;
        let stored = store::usage::approx_rows(&self.conn)?;
        let bulk = store::rebuild_indexes(file_rows, stored, BULK_ROWS);
        let staff = s.staff_id.clone();
        let at = self.now();
        let t0 = std::time::Instant::now();
        if bulk {
            store::bulk_connection(&self.conn, true)?;
        }
        let written = store::write(&mut self.conn, |tx| {
            // Read inside the transaction: every customer id the reader hands on exists in the
            // snapshot the rows are written to (which is why a bulk load may skip the per-row
            // foreign-key lookup).
            let phones = store::customers::ids_by_phone_number(tx)?;
            // A reader thread parses and checks while this one inserts; a bad row anywhere
            // makes the reader fail and the whole transaction roll back.
            let (tx_chunks, rx_chunks) =
                std::sync::mpsc::sync_channel::<(Vec<UsageRecord>, u64)>(2);
            let file = path.to_path_buf();
            let reader = std::thread::spawn(move || {
                read_usage_csv(&file, &phones, &mut |chunk, read_to| {
                    tx_chunks.send((chunk, read_to)).map_err(|_| {
                        Problem::refused("导入已中止", "the import was stopped").into()
                    })
                })
            });
            let mut touched: FxHashSet<(i64, i64)> = FxHashSet::default();
            let mut n = 0usize;
            if bulk {
                store::usage::bulk_load_begin(tx)?;
            }
            for (chunk, read_to) in rx_chunks.iter() {
                store::usage::insert_all(tx, &chunk)?;
                touched.extend(chunk.iter().map(|r| (r.customer_id, r.month)));
                n += chunk.len();
                // Rows so far, and the file's rows extrapolated from the bytes read so far.
                let total = (n as u64).saturating_mul(file_bytes) / read_to.max(1);
                progress(n, (total as usize).max(n));
            }
            reader.join().map_err(|_| {
                Problem::refused("读取导入文件时出错", "reading the import file failed")
            })??;
            if bulk {
                store::usage::bulk_load_end(tx)?;
            }
            let mut touched: Vec<(i64, i64)> = touched.into_iter().collect();
            touched.sort_unstable();
            tracing::info!(
                "usage import: {n} rows read, checked and inserted in {:?}",
                t0.elapsed()
            );
            let current = Month::of(at);
            for (id, month) in &touched {
                if *month == current.int() {
                    check_data(tx, *id, current, at, &staff)?;
                }
            }
            let customers = {
                let mut ids: Vec<i64> = touched.iter().map(|(id, _)| *id).collect();
                ids.dedup();
                ids.len()
            };
            store::audit::append(
                tx,
                &store::ts(at),
                &staff,
                "usage.import",
                Outcome::Ok,
                None,
                &format!(
                    "{n} records for {customers} customers from {}",
                    path.display()
                ),
            )?;
            Ok(ImportReport {
                records: n,
                customers,
            })
        });
        if bulk {
            store::bulk_connection(&self.conn, false)?;
        }
        written
    }
}

/// Customer ids by phone, the phone as a number.
pub type PhoneIds = rustc_hash::FxHashMap<u64, i64>;

/// An 11-digit phone as a number (the key of [`PhoneIds`]).
fn phone_key(s: &str) -> Option<u64> {
    (s.len() == 11 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Bad rows named one by one in an import's refusal; the rest are counted.
const MAX_REPORTED: usize = 20;

/// Bytes a usage row takes in a CSV at most, roughly: estimates the rows of a file.
const BYTES_PER_ROW: u64 = 64;

/// From about this many rows an import may rebuild the index instead of inserting into it.
const BULK_ROWS: u64 = 100_000;

/// Rows handed on at a time while a file is read: the first chunk is small so that inserting
/// starts at once, later ones double up to the largest, since rows sorted across a larger
/// window reach the index in fewer places.
const FIRST_CHUNK: usize = 16_384;
const IMPORT_CHUNK: usize = 262_144;

/// Reads and checks a usage CSV (`phone,time,kind,quantity,scope,other_party,service,fee_fen`),
/// handing good rows on in chunks as it goes, with the bytes of the file read so far, so
/// inserting can overlap reading and show how far it is. Each chunk is
/// sorted by (month, customer, time): rows then reach the index, and the customers the foreign
/// key looks up, in order. Bad rows are collected and, if there are any, reported by line at the
/// end — the caller then rolls back whatever it wrote.
pub fn read_usage_csv(
    path: &std::path::Path,
    phones: &PhoneIds,
    sink: &mut dyn FnMut(Vec<UsageRecord>, u64) -> Result<()>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_path(path)
        .map_err(|e| {
            Problem::bad_input(
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
    let mut size = FIRST_CHUNK;
    let mut chunk = Vec::with_capacity(size);
    let mut errors: Vec<String> = Vec::new();
    let mut bad_rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                bad_rows += 1;
                if errors.len() < MAX_REPORTED {
                    errors.push(format!("line {line}: {e}"));
                }
                continue;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        match parse_row(&record, phones) {
            Ok(r) if bad_rows == 0 => {
                chunk.push(r);
                if chunk.len() == size {
                    size = (size * 2).min(IMPORT_CHUNK);
                    let mut full = std::mem::replace(&mut chunk, Vec::with_capacity(size));
                    full.sort_unstable_by_key(|r| (r.month, r.customer_id, r.at));
                    sink(full, reader.position().byte())?;
                }
            }
            // After a bad row nothing more is handed on; the rest is only checked.
            Ok(_) => {}
            Err(why) => {
                bad_rows += 1;
                if errors.len() < MAX_REPORTED {
                    errors.push(format!("line {line}: {why}"));
                }
            }
        }
    }
    if bad_rows > 0 {
        let more = if bad_rows > errors.len() {
            format!(" (and {} more)", bad_rows - errors.len())
        } else {
            String::new()
        };
        return Err(Problem::bad_input(
            format!(
                "{} 行有误，未导入任何记录：\n{}{more}",
                bad_rows,
                errors.join("\n")
            ),
            format!(
                "{bad_rows} bad row(s); nothing was imported:\n{}{more}",
                errors.join("\n")
            ),
        )
        .into());
    }
    chunk.sort_unstable_by_key(|r| (r.month, r.customer_id, r.at));
    sink(chunk, reader.position().byte())
}

fn parse_row(r: &csv::StringRecord, phones: &PhoneIds) -> std::result::Result<UsageRecord, String> {
    let field = |i: usize| r.get(i).map(str::trim).unwrap_or("");
    if r.len() < 4 {
        return Err(format!(
            "expected at least 4 fields (phone,time,kind,quantity), found {}",
            r.len()
        ));
    }
    // Stored phones are valid, so a plain 11-digit match needs no further checking.
    let customer_id = match phone_key(field(0)).and_then(|k| phones.get(&k)) {
        Some(id) => *id,
        None => {
            let phone = Msisdn::parse(field(0)).map_err(|e| e.en)?;
            *phone_key(phone.as_str())
                .and_then(|k| phones.get(&k))
                .ok_or_else(|| format!("no customer with phone {}", phone.masked()))?
        }
    };
    let at = parse_time(field(1))
        .ok_or_else(|| format!("time \"{}\" must be YYYY-MM-DD HH:MM:SS", field(1)))?;
    let kind = field(2);
    let kind = store::usage::known(&store::usage::KINDS, kind).ok_or_else(|| {
        format!("kind \"{kind}\" must be voice_out, voice_in, sms, mms, data or vas")
    })?;
    let quantity: i64 = field(3)
        .parse()
        .ok()
        .filter(|q: &i64| *q >= 0)
        .ok_or_else(|| format!("quantity \"{}\" must be a whole number ≥ 0", field(3)))?;
    let scope = match field(4) {
        "" => "local",
        s => store::usage::known(&store::usage::SCOPES, s)
            .ok_or_else(|| format!("scope \"{s}\" must be local, long_distance or roaming"))?,
    };
    let fee_fen: i64 = match field(7) {
        "" => 0,
        s => s
            .parse()
            .ok()
            .filter(|f: &i64| *f >= 0)
            .ok_or_else(|| format!("fee_fen \"{s}\" must be whole fen ≥ 0"))?,
    };
    Ok(UsageRecord {
        id: 0,
        customer_id,
        month: Month::of(at).int(),
        at: at.timestamp(),
        kind,
        quantity,
        scope,
        other_party: field(5).chars().take(32).collect(),
        service: field(6).chars().take(40).collect(),
        fee_fen,
    })
}

/// `YYYY-MM-DD HH:MM:SS` in counter time (read by position: this runs a million times an import),
/// or RFC 3339.
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() == 19 && b[10] == b' ' && b[13] == b':' && b[16] == b':' {
        let date = clock::ymd(&b[..10])?;
        let num = |r: std::ops::Range<usize>| clock::digits(&b[r]);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if h > 23 || mi > 59 || se > 59 {
            return None;
        }
        return Some(
            clock::start_of_day(date)
                + chrono::Duration::seconds(i64::from(h * 3600 + mi * 60 + se)),
        );
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok()?;
    use chrono::TimeZone;
    clock::counter_tz()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_step() {
        let m = Month::parse("2026-02").unwrap();
        assert_eq!(
            (m.first().to_string(), m.last().to_string(), m.days()),
            ("2026-02-01".into(), "2026-02-28".into(), 28)
        );
        assert_eq!(m.prev().text(), "2026-01");
        assert_eq!(Month::parse("2026-12").unwrap().next().text(), "2027-01");
        for bad in ["2026-13", "2026-1", "26-01", "abc", "2026-00"] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_shipped_rates_parse() {
        let r = rates();
        assert!(r.roaming_voice_fen_per_min > 0 && r.discount.len() >= 2);
        assert_eq!(r.reminders.low_balance_fen, 1000);
    }
}
