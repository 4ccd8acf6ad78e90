//! The demo's year (2025-12 to 2026-11) played month by month, so the ledger reads in order:
//! each month's usage, the payments customers make, then the bill run on the 1st of the next
//! month. Then the first days of December so far.

use crate::demo::{DemoCtx, DemoCustomer, TRIAL_PHONE, demo_channel, demo_payment};
use crate::domain::brand::PaymentKind;
use crate::domain::clock;
use crate::domain::customer::CustomerStatus;
use crate::domain::{Fen, Problem};
use crate::error::Result;
use crate::service::bills::{Month, check_data, run_bills_in};
use crate::store;
use crate::store::usage::UsageRecord;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The first month billed.
const FIRST: Month = Month {
    year: 2025,
    month: 12,
};
/// Months billed.
const MONTHS: usize = 12;

/// How a customer uses the line.
#[derive(Debug, Clone, Copy)]
struct Profile {
    calls_out: u32,
    calls_in: u32,
    call_secs: i64,
    data_share: f64,
    sms: u32,
    roams_in: Option<usize>,
    partner: Option<usize>,
}

const PARTNERS: [(&str, i64); 3] = [("游戏点券", 600), ("视频点播", 300), ("彩票资讯", 200)];

fn profile(rng: &mut ChaCha8Rng) -> Profile {
    Profile {
        calls_out: rng.gen_range(5..45),
        calls_in: rng.gen_range(5..40),
        call_secs: rng.gen_range(40..240),
        data_share: rng.gen_range(0.2..1.15),
        sms: rng.gen_range(0..8),
        roams_in: rng.gen_bool(0.03).then(|| rng.gen_range(0..MONTHS)),
        partner: rng.gen_bool(0.04).then(|| rng.gen_range(0..PARTNERS.len())),
    }
}

/// Featured customers use their lines gently, so their bills are the plan (and its services) only,
/// except one July with some extra calls for the seed-trial customer.
fn featured_profile() -> Profile {
    Profile {
        calls_out: 20,
        calls_in: 20,
        call_secs: 120,
        data_share: 0.35,
        sms: 4,
        roams_in: None,
        partner: None,
    }
}

fn at(day: NaiveDate, secs: i64) -> i64 {
    clock::start_of_day(day).timestamp() + secs
}

/// Usage of one customer for days `from..=to` of a month.
#[allow(clippy::too_many_arguments)]
fn usage(
    rng: &mut ChaCha8Rng,
    c: &DemoCustomer,
    p: &Profile,
    m: Month,
    index: usize,
    to_day: u32,
    allowance_mb: i64,
    out: &mut Vec<UsageRecord>,
) {
    let month = m.int();
    let days = m.days();
    let share = f64::from(to_day) / f64::from(days);
    let rec = |at: i64,
               kind: &'static str,
               q: i64,
               scope: &'static str,
               party: String,
               service: &str,
               fee: i64| {
        UsageRecord {
            id: 0,
            customer_id: c.id,
            month,
            at,
            kind,
            quantity: q,
            scope,
            other_party: party,
            service: service.to_string(),
            fee_fen: fee,
        }
    };
    let day =
        |rng: &mut ChaCha8Rng| m.first() + Duration::days(rng.gen_range(0..i64::from(to_day)));
    let party = |rng: &mut ChaCha8Rng| {
        format!(
            "1{}{:09}",
            rng.gen_range(3..10),
            rng.gen_range(0..1_000_000_000u32)
        )
    };
    let mut calls_out = (f64::from(p.calls_out) * share) as u32;
    if c.phone == TRIAL_PHONE
        && m == (Month {
            year: 2026,
            month: 7,
        })
    {
        // A busy July: a family matter meant long calls, 30 minutes past the allowance.
        calls_out += 30;
    }
    for i in 0..calls_out {
        let d = day(rng);
        let secs = if c.phone == TRIAL_PHONE && m.month == 7 && i >= p.calls_out {
            840
        } else {
            rng.gen_range(p.call_secs / 4..p.call_secs * 2)
        };
        let scope = if rng.gen_bool(0.2) {
            "long_distance"
        } else {
            "local"
        };
        out.push(rec(
            at(d, rng.gen_range(28_800..79_200)),
            "voice_out",
            secs,
            scope,
            party(rng),
            "",
            0,
        ));
    }
    for _ in 0..(f64::from(p.calls_in) * share) as u32 {
        let d = day(rng);
        out.push(rec(
            at(d, rng.gen_range(28_800..79_200)),
            "voice_in",
            rng.gen_range(10..p.call_secs * 2),
            "local",
            party(rng),
            "",
            0,
        ));
    }
    if p.roams_in == Some(index) {
        for _ in 0..rng.gen_range(3..9) {
            let d = day(rng);
            out.push(rec(
                at(d, rng.gen_range(28_800..79_200)),
                "voice_out",
                rng.gen_range(30..400),
                "roaming",
                format!("+852{:08}", rng.gen_range(0..100_000_000u32)),
                "",
                0,
            ));
        }
    }
    for _ in 0..(f64::from(p.sms) * share) as u32 {
        let d = day(rng);
        out.push(rec(
            at(d, rng.gen_range(28_800..82_800)),
            "sms",
            rng.gen_range(1..4),
            "local",
            party(rng),
            "",
            0,
        ));
    }
    if !c.featured && rng.gen_bool(0.05) {
        let d = day(rng);
        out.push(rec(at(d, 43_200), "mms", 1, "local", party(rng), "", 0));
    }
    let daily_kb = (allowance_mb.max(300) as f64 * p.data_share * 1024.0 / f64::from(days)) as i64;
    for d in 0..to_day {
        let date = m.first() + Duration::days(i64::from(d));
        let kb = (daily_kb as f64 * rng.gen_range(0.4..1.6)) as i64;
        out.push(rec(
            at(date, 75_600),
            "data",
            kb,
            "local",
            String::new(),
            "",
            0,
        ));
    }
    if let Some(k) = p.partner {
        let (service, fee) = PARTNERS[k];
        for _ in 0..rng.gen_range(1..3) {
            let d = day(rng);
            out.push(rec(
                at(d, rng.gen_range(36_000..79_200)),
                "vas",
                1,
                "local",
                String::new(),
                service,
                fee,
            ));
        }
    }
}

/// Value-added subscriptions: the seed-trial customer's ringback tone (the 增值业务费 to
/// explain), and one or two services for about one customer in six.
fn subscriptions(ctx: &mut DemoCtx<'_>) -> Result<()> {
    let created = store::ts(ctx.now - Duration::days(400));
    const VAS: [&str; 5] = ["VAS_RBT", "VAS_MUSIC", "VAS_VIDEO", "VAS_NEWS", "VAS_CLOUD"];
    for c in ctx.customers.clone() {
        if c.status == CustomerStatus::Closed {
            continue;
        }
        if c.phone == TRIAL_PHONE {
            store::bills::subscribe(
                ctx.tx,
                c.id,
                "VAS_RBT",
                "2024-03-15",
                Some("clerk"),
                &created,
            )?;
            continue;
        }
        if c.featured || !ctx.rng.gen_bool(0.16) {
            continue;
        }
        for _ in 0..ctx.rng.gen_range(1..3) {
            let code = VAS[ctx.rng.gen_range(0..VAS.len())];
            let started = NaiveDate::from_ymd_opt(2023, 1, 1).expect("valid date")
                + Duration::days(ctx.rng.gen_range(0..1_300));
            store::bills::subscribe(
                ctx.tx,
                c.id,
                code,
                &started.to_string(),
                Some("clerk"),
                &created,
            )?;
        }
    }
    Ok(())
}

/// The year: usage, payments and bills month by month; then December so far.
pub(crate) fn year_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    subscriptions(ctx)?;
    let plans: std::collections::HashMap<String, crate::assets::PlanAsset> =
        store::catalog::plans(ctx.tx)?
            .into_iter()
            .map(|p| (p.code.clone(), p))
            .collect();
    // Post-paid brands pay each bill in full (assets/brands.toml says which they are).
    let postpaid: std::collections::HashSet<String> = store::catalog::brands(ctx.tx)?
        .into_iter()
        .filter(|b| b.kind == PaymentKind::Postpaid)
        .map(|b| b.code)
        .collect();
    let customers = ctx.customers.clone();
    let profiles: Vec<Profile> = customers
        .iter()
        .map(|c| {
            if c.featured {
                featured_profile()
            } else {
                profile(&mut ctx.rng)
            }
        })
        .collect();
    let presets = crate::assets::topup_rules().presets();
    let mut last_bill: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
    let mut m = FIRST;
    let mut payment_no = 1000usize;
    let (mut t_gen, mut t_ins, mut t_pay, mut t_bill) = (
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
        std::time::Duration::ZERO,
    );
    for index in 0..=MONTHS {
        let t0 = std::time::Instant::now();
        let current = index == MONTHS;
        let to_day = if current {
            clock::local_date(ctx.now).day()
        } else {
            m.days()
        };
        let mut records = Vec::new();
        for (c, p) in customers.iter().zip(&profiles) {
            if c.status == CustomerStatus::Closed || c.joined_on > m.last() {
                continue;
            }
            let allowance = plans.get(&c.plan).map(|p| p.data_mb).unwrap_or(1024);
            usage(
                &mut ctx.rng,
                c,
                p,
                m,
                index,
                to_day,
                allowance,
                &mut records,
            );
        }
        // Up to the pinned moment only, in the month still running.
        let now_ts = ctx.now.timestamp();
        records.retain(|r| r.at < now_ts);
        records.sort_unstable_by_key(|r| (r.customer_id, r.at));
        t_gen += t0.elapsed();
        let t0 = std::time::Instant::now();
        store::usage::insert_all(ctx.tx, &records)?;
        t_ins += t0.elapsed();
        let t0 = std::time::Instant::now();
        if current {
            for c in &customers {
                if c.status != CustomerStatus::Closed {
                    check_data(ctx.tx, c.id, m, ctx.now, "clerk")?;
                }
            }
            break;
        }
        // Payments during the month: post-paid customers pay last month's bill; pre-paid ones
        // top up when the balance would not cover the coming bill.
        for c in &customers {
            if c.status == CustomerStatus::Closed || c.stops_paying.is_some_and(|s| index >= s) {
                continue;
            }
            let Some(row) = store::customers::get(ctx.tx, c.id)? else {
                continue;
            };
            let fee = plans.get(&c.plan).map(|p| p.fee_fen).unwrap_or(0);
            let amount = if c.phone == TRIAL_PHONE {
                // ¥100 in December, then each bill in full by bank card.
                last_bill.get(&c.id).copied().unwrap_or(10_000)
            } else if c.phone == "13900139000" {
                // Her bills are the ¥38 plan fee and nothing else (light use, no services).
                3_800
            } else if postpaid.contains(&c.brand) {
                last_bill.get(&c.id).copied().unwrap_or(0)
            } else {
                let need = fee + 1_000 - row.balance_fen;
                if need <= 0 {
                    0
                } else {
                    let fit = presets
                        .iter()
                        .map(|f| f.0)
                        .find(|p| *p >= need)
                        .unwrap_or((need + 99) / 100 * 100);
                    if ctx.rng.gen_bool(0.3) {
                        presets
                            .iter()
                            .map(|f| f.0)
                            .find(|p| *p > fit)
                            .unwrap_or(fit)
                    } else {
                        fit
                    }
                }
            };
            if amount <= 0 {
                continue;
            }
            let day = m.first() + Duration::days(ctx.rng.gen_range(2..25));
            let when = clock::start_of_day(day) + Duration::minutes(ctx.rng.gen_range(540..1_170));
            let days_before = (ctx.now - when).num_days();
            let note = if c.phone == TRIAL_PHONE { "card" } else { "" };
            let channel = demo_channel(note, c.id, days_before);
            payment_no += 1;
            demo_payment(ctx.tx, c.id, payment_no, when, Fen(amount), channel)?;
        }
        t_pay += t0.elapsed();
        let t0 = std::time::Instant::now();
        // The bill run on the 1st of the next month, 02:00.
        let run_at = clock::start_of_day(m.next().first()) + Duration::hours(2);
        run_bills_in(ctx.tx, m, "super", run_at, &mut |_, _| {})?;
        last_bill.extend(store::bills::totals_for_month(ctx.tx, &m.text())?);
        t_bill += t0.elapsed();
        m = m.next();
    }
    tracing::info!(
        "demo year: usage generated in {t_gen:?}, inserted in {t_ins:?}, payments {t_pay:?}, bill runs {t_bill:?}"
    );
    trial_points(ctx)?;
    Ok(())
}

/// The seed-trial customer holds exactly 2537 points (SPEC §4): the year's bills earned theirs,
/// and one older lot (2024-06) makes up the rest.
fn trial_points(ctx: &mut DemoCtx<'_>) -> Result<()> {
    let Some(c) = ctx.customers.iter().find(|c| c.phone == TRIAL_PHONE) else {
        return Ok(());
    };
    let today = clock::local_date(ctx.now).to_string();
    // The 2023-06 lot (400, spent later on the August 2025 voucher) has expired by today.
    let have = store::points::available(ctx.tx, c.id, &today)?;
    let rest = crate::demo::TRIAL_POINTS - have;
    if rest <= 0 {
        return Err(Problem::refused(
            format!(
                "演示数据有误：账单积分 {have} 已超过 {}",
                crate::demo::TRIAL_POINTS
            ),
            format!(
                "demo data: the year's bills earned {have} points, more than {}",
                crate::demo::TRIAL_POINTS
            ),
        )
        .into());
    }
    let at = store::ts(
        Utc.from_utc_datetime(
            &NaiveDate::from_ymd_opt(2024, 7, 2)
                .expect("valid date")
                .and_hms_opt(2, 0, 0)
                .expect("valid time"),
        ),
    );
    store::points::earn(
        ctx.tx,
        &store::points::NewLot {
            customer_id: c.id,
            earned_month: "2024-06",
            points: rest,
            expires_on: &crate::domain::points::lot_expiry(
                2024,
                6,
                crate::domain::points::DEFAULT_EXPIRY_MONTHS,
            )
            .to_string(),
            source: "2024-06 账单 bill",
            ref_type: "demo",
            ref_id: "",
            staff_id: None,
        },
        &at,
    )?;
    Ok(())
}
