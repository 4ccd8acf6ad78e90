//! The deterministic demo database: a fixed seed and a pinned clock (2026-12-04 10:00 +08:00).
//!
//! The builder runs a list of steps inside one transaction; each later feature adds its own
//! history as a step (see [`STEPS`]) over the customers made by the first one.

use crate::assets;
use crate::domain::clock::{self, demo_epoch};
use crate::domain::customer::{CustomerStatus, CustomerType};
use crate::domain::points::{DEFAULT_EXPIRY_MONTHS, lot_expiry};
use crate::domain::staff::Role;
use crate::domain::topup::{self, Channel, PaymentStatus};
use crate::domain::{Fen, IdNumber, Problem};
use crate::error::Result;
use crate::service::passwords;
use crate::store::customers::NewCustomerRow;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::topups::NewPayment;
use crate::store::{self, FileKind, OpenMode, audit::Outcome};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Transaction;
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

/// The seed every demo starts from.
pub const SEED: u64 = 20_261_204;
/// How many customers the demo holds.
pub const CUSTOMERS: usize = 1_000;
/// The seed-trial customer's phone (SPEC §4).
pub const TRIAL_PHONE: &str = "13800138000";
/// The seed-trial customer's service password.
pub const TRIAL_PASSWORD: &str = "123456";
/// The seed-trial customer's points (SPEC §4).
pub const TRIAL_POINTS: i64 = 2537;
/// The password of the demo staff `clerk`, `super` and `admin`.
pub const STAFF_PASSWORD: &str = "demo";

/// A customer made by the demo, for later steps to give a history to.
#[derive(Debug, Clone)]
pub struct DemoCustomer {
    /// Row id.
    pub id: i64,
    /// Phone.
    pub phone: String,
    /// Brand code.
    pub brand: String,
    /// Plan code.
    pub plan: String,
    /// Status.
    pub status: CustomerStatus,
    /// Local date joined.
    pub joined_on: NaiveDate,
    /// One of the hand-made customers a walkthrough uses.
    pub featured: bool,
    /// The month (index into the billed year) from which the customer stops paying.
    pub stops_paying: Option<usize>,
}

/// What a step works with: the transaction, the seeded generator, the pinned now, and the customers so far.
pub struct DemoCtx<'a> {
    /// The one transaction the demo is built in.
    pub tx: &'a Transaction<'a>,
    /// Seeded randomness: the same every run.
    pub rng: ChaCha8Rng,
    /// The pinned clock's now.
    pub now: DateTime<Utc>,
    /// Customers made so far.
    pub customers: Vec<DemoCustomer>,
}

/// A step of the demo builder.
pub type Step = fn(&mut DemoCtx<'_>) -> Result<()>;

/// The steps, in order. Later features append theirs.
pub const STEPS: &[(&str, Step)] = &[
    ("staff", staff_step),
    ("customers", customers_step),
    ("year", crate::demo_year::year_step),
    ("topups", topups_step),
    ("redemptions", redemptions_step),
    ("complaints", complaints_step),
    ("business", business_step),
];

/// Business handling this month: pending plan changes, packs bought, and customers with several
/// value-added services (one of them cancelled, so its remaining days show). Generated customers
/// only; the featured ones keep their exact state.
fn business_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    use crate::service::plans;
    let all = store::catalog::plans(ctx.tx)?;
    let candidates: Vec<DemoCustomer> = ctx
        .customers
        .iter()
        .filter(|c| !c.featured && c.status == CustomerStatus::Active)
        .cloned()
        .collect();
    let mut minutes = 0i64;
    let mut when = |ctx: &DemoCtx<'_>| {
        minutes += 7;
        ctx.now - chrono::Duration::minutes(600 - minutes)
    };
    // A refusal (a balance too low for a pack, say) just means this customer is skipped.
    let skip_refusal = |r: Result<()>| match r {
        Err(crate::error::Error::Problem(_)) => Ok(()),
        other => other,
    };
    let (mut changes, mut packs, mut multi) = (0, 0, 0);
    for c in candidates.iter().step_by(37) {
        if changes < 8 {
            let others: Vec<&crate::assets::PlanAsset> = all
                .iter()
                .filter(|p| {
                    p.kind == "plan" && p.brand.as_deref() == Some(&c.brand) && p.code != c.plan
                })
                .collect();
            if !others.is_empty() {
                let to = others[ctx.rng.gen_range(0..others.len())].code.clone();
                let at = when(ctx);
                skip_refusal(plans::book_change(ctx.tx, c.id, &to, "clerk", at).map(|_| ()))?;
                changes += 1;
                continue;
            }
        }
        if packs < 8 {
            let code = ["PK_DATA5G", "PK_DATA1G", "PK_VOICE100", "PK_SMS100"][packs % 4];
            let at = when(ctx);
            skip_refusal(plans::add_pack_in(ctx.tx, c.id, code, "clerk", at).map(|_| ()))?;
            packs += 1;
            continue;
        }
        if multi < 4 {
            let at = when(ctx);
            for code in ["VAS_MUSIC", "VAS_CLOUD", "VAS_NEWS"] {
                skip_refusal(plans::subscribe_in(ctx.tx, c.id, code, "clerk", at).map(|_| ()))?;
            }
            if multi % 2 == 0 {
                let at = when(ctx);
                skip_refusal(
                    plans::cancel_vas_in(ctx.tx, c.id, "VAS_NEWS", "clerk", at).map(|_| ()),
                )?;
            }
            multi += 1;
        }
    }
    Ok(())
}

/// What was built.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// Customers made.
    pub customers: usize,
    /// Wall time taken.
    pub elapsed: std::time::Duration,
}

/// Builds a fresh demo database at `path`. Refuses to replace a database that is not a demo unless `force`.
pub fn build(path: &Path, force: bool) -> Result<DemoSummary> {
    let started = Instant::now();
    if !force {
        match store::inspect(path) {
            Ok(FileKind::Missing) => {}
            Ok(FileKind::Touchpoint { .. }) if is_demo(path)? => {}
            Ok(FileKind::Empty) if std::fs::metadata(path)?.len() == 0 => {}
            Ok(_) | Err(_) => {
                return Err(Problem::refused(
                    format!("{} 不是演示数据库，不会覆盖：换一个 --db 路径，或加 --force 覆盖", path.display()),
                    format!("{} is not a demo database and will not be overwritten: choose another --db, or add --force", path.display()),
                )
                .into());
            }
        }
    }
    let building = path.with_extension("building");
    remove_db_files(&building)?;
    {
        let mut conn = store::open(&building, OpenMode::Create)?;
        store::write(&mut conn, |tx| {
            store::catalog::load_assets(tx)?;
            let now = demo_epoch();
            store::meta_set(tx, "demo", "1")?;
            store::meta_set(tx, "demo_seed", &SEED.to_string())?;
            store::meta_set(tx, "created_at", &store::ts(now))?;
            let mut ctx = DemoCtx {
                tx,
                rng: ChaCha8Rng::seed_from_u64(SEED),
                now,
                customers: Vec::new(),
            };
            for (name, step) in STEPS {
                let t = Instant::now();
                step(&mut ctx)?;
                tracing::info!("demo step {name} took {:?}", t.elapsed());
            }
            store::audit::append(
                tx,
                &store::ts(now),
                "admin",
                "demo.build",
                Outcome::Ok,
                None,
                &format!("seed {SEED}"),
            )?;
            Ok(())
        })?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    }
    remove_db_files(path)?;
    std::fs::rename(&building, path)?;
    remove_db_files(&building)?;
    Ok(DemoSummary {
        customers: CUSTOMERS,
        elapsed: started.elapsed(),
    })
}

/// True when the file is a demo database built by [`build`].
pub fn is_demo(path: &Path) -> Result<bool> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    Ok(store::meta_get(&conn, "demo").ok().flatten().as_deref() == Some("1"))
}

/// Removes a database file and its companions (WAL, shared memory, journal); missing ones are fine.
pub(crate) fn remove_db_files(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let p = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

fn staff_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    let now = store::ts(ctx.now - Duration::days(400));
    insert_staff(ctx.tx, SEED, &now)
}

/// The three staff accounts (clerk, super, admin) with the password `STAFF_PASSWORD`, hashed
/// with salts drawn from `seed`, `seed + 1`, `seed + 2` (the demo and the synthetic database
/// each pass their own seed).
pub(crate) fn insert_staff(tx: &Transaction<'_>, seed: u64, now: &str) -> Result<()> {
    for (i, (id, name, role)) in [
        ("clerk", "张敏", Role::Clerk),
        ("super", "李强", Role::Supervisor),
        ("admin", "王磊", Role::Admin),
    ]
    .into_iter()
    .enumerate()
    {
        let hash = passwords::hash_with_seed(STAFF_PASSWORD, seed + i as u64);
        store::staff::insert(tx, id, name, role, &hash, now)?;
    }
    Ok(())
}

/// Hand-made customers a walkthrough relies on.
struct Featured {
    phone: &'static str,
    name: &'static str,
    brand: &'static str,
    plan: &'static str,
    ctype: CustomerType,
    real_name: bool,
    password: Option<&'static str>,
    status: CustomerStatus,
    joined: (i32, u32, u32),
    stars: u8,
    tags: &'static str,
    notes: &'static str,
    /// Balance entries: (days before now, kind, fen, note).
    ledger: &'static [(i64, EntryKind, i64, &'static str)],
    /// Points lots: (year, month earned, points).
    lots: &'static [(i32, u32, i64)],
}

const FEATURED: &[Featured] = &[
    Featured {
        phone: TRIAL_PHONE,
        name: "张明华",
        brand: "gotone",
        plan: "GT88",
        ctype: CustomerType::Consumer,
        real_name: true,
        password: Some(TRIAL_PASSWORD),
        status: CustomerStatus::Active,
        joined: (2012, 6, 18),
        stars: 5,
        tags: "全球通,老客户",
        notes: "常来柜台办理业务，偏好电话联系。",
        // The year of bills and payments follows in demo_year; this opening balance makes the
        // year end at ¥191.50 (see demo_year::TRIAL_*).
        ledger: &[(
            379,
            EntryKind::Adjustment,
            17_570,
            "期初余额 opening balance",
        )],
        // Older lots; the bills of the year add theirs, and demo_year adds the 2024-06 lot that
        // makes 2537 in all. The 2023-06 lot was spent on a coffee voucher in August 2025.
        lots: &[(2023, 6, 400), (2023, 12, 412)],
    },
    Featured {
        phone: "13900139000",
        name: "李娜",
        brand: "mzone",
        plan: "MZ38",
        ctype: CustomerType::Consumer,
        real_name: true,
        password: Some("654321"),
        status: CustomerStatus::Active,
        joined: (2019, 9, 1),
        stars: 2,
        tags: "学生",
        notes: "余额不足已停机，充值即可复机。",
        // ¥34.80 plus ¥38 a month for the ¥38 bills until October; the November bill leaves
        // -¥3.20 and suspends the line (demo_year).
        ledger: &[(
            379,
            EntryKind::Adjustment,
            3_480,
            "期初余额 opening balance",
        )],
        lots: &[(2025, 3, 120), (2025, 11, 60)],
    },
    Featured {
        phone: "15800158000",
        name: "赵磊",
        brand: "easyown",
        plan: "EO18",
        ctype: CustomerType::Consumer,
        real_name: false,
        password: None,
        status: CustomerStatus::Active,
        joined: (2024, 2, 29),
        stars: 1,
        tags: "",
        notes: "尚未实名登记：实名后方可累积积分。",
        ledger: &[(
            379,
            EntryKind::Adjustment,
            3_000,
            "期初余额 opening balance",
        )],
        lots: &[],
    },
    Featured {
        phone: "18800188000",
        name: "陈静",
        brand: "gotone",
        plan: "GT128",
        ctype: CustomerType::Corporate,
        real_name: true,
        password: Some("888888"),
        status: CustomerStatus::Active,
        joined: (2016, 3, 8),
        stars: 5,
        tags: "集团客户,VIP",
        notes: "某科技公司集团成员，账单由单位统一支付。",
        ledger: &[(
            379,
            EntryKind::Adjustment,
            25_000,
            "期初余额 opening balance",
        )],
        lots: &[(2024, 1, 1_500), (2025, 6, 2_100)],
    },
    Featured {
        phone: "13500135000",
        name: "王秀英",
        brand: "easyown",
        plan: "EO8",
        ctype: CustomerType::PublicInterest,
        real_name: true,
        password: None,
        status: CustomerStatus::Active,
        joined: (2010, 11, 20),
        stars: 1,
        tags: "老年卡",
        notes: "",
        ledger: &[(
            379,
            EntryKind::Adjustment,
            3_000,
            "期初余额 opening balance",
        )],
        lots: &[(2025, 5, 96)],
    },
];

const REGIONS: [&str; 10] = [
    "110105", "310104", "440106", "330106", "510107", "420106", "320102", "610113", "370102",
    "500103",
];

fn make_id_number(rng: &mut ChaCha8Rng) -> String {
    let region = REGIONS[rng.gen_range(0..REGIONS.len())];
    let birth = NaiveDate::from_ymd_opt(1950, 1, 1).expect("valid date")
        + Duration::days(rng.gen_range(0..20_000));
    let seq = rng.gen_range(0..1000);
    let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
    let check = IdNumber::check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}

fn insert_history(
    ctx: &mut DemoCtx<'_>,
    customer_id: i64,
    ledger: &[(i64, EntryKind, i64, String)],
    lots: &[(i32, u32, i64)],
) -> Result<()> {
    for (n, (days, kind, fen, note)) in ledger.iter().enumerate() {
        let at = ctx.now - Duration::days(*days) - Duration::hours(2);
        if *kind == EntryKind::TopUp {
            // Top-ups are real payments with their ledger entry, as the counter makes them.
            let channel = demo_channel(note, customer_id, *days);
            // Spread over the counter's opening hours rather than all at one minute.
            let at =
                at + Duration::minutes((customer_id * 37 + n as i64 * 53).rem_euclid(540) - 120);
            demo_payment(ctx.tx, customer_id, n, at, Fen(*fen), channel)?;
            continue;
        }
        let at = store::ts(at);
        store::ledger::post(
            ctx.tx,
            &Posting {
                customer_id,
                kind: *kind,
                amount: Fen(*fen),
                ref_type: "demo",
                ref_id: "",
                staff_id: Some("clerk"),
                reverses_id: None,
                note,
            },
            &at,
        )?;
    }
    for (y, m, points) in lots {
        let month = format!("{y:04}-{m:02}");
        let expires = lot_expiry(*y, *m, DEFAULT_EXPIRY_MONTHS).to_string();
        let at = store::ts(clock::start_of_day(
            NaiveDate::from_ymd_opt(*y, *m, 1).expect("valid month") + Duration::days(32),
        ));
        store::points::earn(
            ctx.tx,
            &store::points::NewLot {
                customer_id,
                earned_month: &month,
                points: *points,
                expires_on: &expires,
                source: "期初积分 opening points",
                ref_type: "demo",
                ref_id: "",
                staff_id: None,
            },
            &at,
        )?;
    }
    Ok(())
}

/// The channel of a demo top-up: named in the note, else spread by customer and day
/// (cash and WeChat Pay most common, as at a real counter).
pub(crate) fn demo_channel(note: &str, customer_id: i64, days: i64) -> Channel {
    let n = note.to_ascii_lowercase();
    if n.contains("cash") || n.contains("现金") {
        return Channel::Cash;
    }
    if n.contains("wechat") || n.contains("微信") {
        return Channel::Wechat;
    }
    match (customer_id * 31 + days * 7).rem_euclid(10) {
        0..=3 => Channel::Cash,
        4..=6 => Channel::Wechat,
        7..=8 => Channel::Alipay,
        _ => Channel::Card,
    }
}

/// An approved top-up in the past: the payment, its ledger entry. Paid equals credited:
/// the promotions started in November 2026, after most of this history.
pub(crate) fn demo_payment(
    tx: &Transaction<'_>,
    customer_id: i64,
    n: usize,
    at: DateTime<Utc>,
    amount: Fen,
    channel: Channel,
) -> Result<i64> {
    let now = store::ts(at);
    let staff = if (customer_id + n as i64) % 3 == 0 {
        "super"
    } else {
        "clerk"
    };
    let request_id = format!("demo-{customer_id}-{n}");
    let day = clock::local_date(at);
    let id = store::topups::insert_pending(
        tx,
        &NewPayment {
            request_id: &request_id,
            customer_id,
            channel,
            amount,
            paid: amount,
            credited: amount,
            promotion: None,
            staff_id: staff,
        },
        |id| topup::serial(day, id),
        &now,
    )?;
    let note = format!(
        "{} {}",
        channel.label(crate::domain::Lang::Zh),
        topup::serial(day, id)
    );
    let entry = store::ledger::post(
        tx,
        &Posting {
            customer_id,
            kind: EntryKind::TopUp,
            amount,
            ref_type: "topup",
            ref_id: &id.to_string(),
            staff_id: Some(staff),
            reverses_id: None,
            note: &note,
        },
        &now,
    )?;
    let reference = format!("DEMO-{}-{id:06}", channel.code().to_ascii_uppercase());
    store::topups::approve(tx, id, &reference, entry.id, false, staff, &now)?;
    Ok(id)
}

/// Payments that did not go through, for the lists: a few declined or voided over the year,
/// and one WeChat Pay top-up that timed out this morning and waits for the clerk (18800188000).
fn topups_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    let candidates: Vec<i64> = ctx
        .customers
        .iter()
        .filter(|c| !c.featured && c.status != CustomerStatus::Closed)
        .map(|c| c.id)
        .collect();
    let unpaid = |customer_id: i64,
                  at: DateTime<Utc>,
                  amount: Fen,
                  channel: Channel,
                  status: PaymentStatus,
                  note: &str,
                  request_id: String|
     -> Result<()> {
        let now = store::ts(at);
        let day = clock::local_date(at);
        let id = store::topups::insert_pending(
            ctx.tx,
            &NewPayment {
                request_id: &request_id,
                customer_id,
                channel,
                amount,
                paid: amount,
                credited: amount,
                promotion: None,
                staff_id: "clerk",
            },
            |id| topup::serial(day, id),
            &now,
        )?;
        if status != PaymentStatus::Pending {
            store::topups::close_unpaid(ctx.tx, id, status, note, "clerk", &now)?;
        }
        Ok(())
    };
    for i in 0..24 {
        let customer = candidates[ctx.rng.gen_range(0..candidates.len())];
        let days = ctx.rng.gen_range(1..365);
        let amount = Fen::yuan([20, 30, 50, 100][ctx.rng.gen_range(0..4)]);
        let channel = [Channel::Card, Channel::Alipay, Channel::Wechat][ctx.rng.gen_range(0..3)];
        let (status, note) = if i % 3 == 0 {
            (
                PaymentStatus::Voided,
                "顾客改用现金 customer paid cash instead",
            )
        } else {
            (PaymentStatus::Declined, "余额不足 insufficient funds")
        };
        let at = ctx.now - Duration::days(days) - Duration::minutes(ctx.rng.gen_range(0..480));
        unpaid(
            customer,
            at,
            amount,
            channel,
            status,
            note,
            format!("demo-unpaid-{i}"),
        )?;
    }
    let vip = ctx
        .customers
        .iter()
        .find(|c| c.phone == "18800188000")
        .map(|c| c.id)
        .ok_or_else(|| Problem::not_found("演示客户缺失", "demo customer missing"))?;
    unpaid(
        vip,
        ctx.now - Duration::minutes(18),
        Fen::yuan(100),
        Channel::Wechat,
        PaymentStatus::Pending,
        "",
        "demo-pending-1".to_string(),
    )?;
    store::audit::append(
        ctx.tx,
        &store::ts(ctx.now - Duration::minutes(18)),
        "clerk",
        "topup.timeout",
        Outcome::Failed,
        Some(vip),
        "demo: WeChat Pay did not answer, left pending",
    )?;
    Ok(())
}

fn customers_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    let created = store::ts(ctx.now - Duration::days(400));
    let mut used: HashSet<String> = HashSet::new();
    for (i, f) in FEATURED.iter().enumerate() {
        let hash = f
            .password
            .map(|pw| passwords::hash_with_seed(pw, SEED + 100 + i as u64));
        let joined =
            NaiveDate::from_ymd_opt(f.joined.0, f.joined.1, f.joined.2).expect("valid join date");
        let id_number = make_id_number(&mut ctx.rng);
        let id = store::customers::insert(
            ctx.tx,
            &NewCustomerRow {
                phone: f.phone,
                name: f.name,
                id_number: &id_number,
                brand: f.brand,
                plan: f.plan,
                customer_type: f.ctype,
                real_name_verified: f.real_name,
                service_password_hash: hash.as_deref(),
                status: f.status,
                joined_on: &joined.to_string(),
                star_level: f.stars,
                tags: f.tags,
                notes: f.notes,
            },
            &created,
        )?;
        let ledger: Vec<_> = f
            .ledger
            .iter()
            .map(|(d, k, a, n)| (*d, *k, *a, n.to_string()))
            .collect();
        insert_history(ctx, id, &ledger, f.lots)?;
        store::audit::append(
            ctx.tx,
            &created,
            "admin",
            "demo.customer",
            Outcome::Ok,
            Some(id),
            f.phone,
        )?;
        used.insert(f.phone.to_string());
        ctx.customers.push(DemoCustomer {
            id,
            phone: f.phone.to_string(),
            brand: f.brand.to_string(),
            plan: f.plan.to_string(),
            status: f.status,
            joined_on: joined,
            featured: true,
            stops_paying: (f.phone == "13900139000").then_some(11),
        });
    }

    let names = assets::names();
    let plans = assets::plans();
    // Which brands earn points only while real-name verified (assets/brands.toml says).
    let real_name_only: HashSet<String> = store::catalog::brands(ctx.tx)?
        .into_iter()
        .filter(|b| b.earn_requires_real_name)
        .map(|b| b.code)
        .collect();
    const PREFIXES: [&str; 14] = [
        "134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159", "182",
        "187",
    ];
    while ctx.customers.len() < CUSTOMERS {
        let rng = &mut ctx.rng;
        let phone = format!(
            "{}{:08}",
            PREFIXES[rng.gen_range(0..PREFIXES.len())],
            rng.gen_range(0..100_000_000u32)
        );
        if !used.insert(phone.clone()) {
            continue;
        }
        let surname = &names.surnames[rng.gen_range(0..names.surnames.len().min(60))];
        let given_len = if rng.gen_bool(0.7) { 2 } else { 1 };
        let mut name = surname.clone();
        for _ in 0..given_len {
            name.push_str(&names.given[rng.gen_range(0..names.given.len())]);
        }
        let brand = match rng.gen_range(0..100) {
            0..30 => "gotone",
            30..65 => "mzone",
            _ => "easyown",
        };
        let brand_plans: Vec<_> = plans
            .iter()
            .filter(|p| p.kind == "plan" && p.brand.as_deref() == Some(brand))
            .collect();
        let plan = brand_plans.choose(rng).expect("every brand has plans");
        let ctype = match rng.gen_range(0..100) {
            0..85 => CustomerType::Consumer,
            85..95 => CustomerType::Corporate,
            _ => CustomerType::PublicInterest,
        };
        let real_name = rng.gen_bool(if brand == "easyown" { 0.8 } else { 0.97 });
        let status = match rng.gen_range(0..100) {
            0..4 => CustomerStatus::Suspended,
            4..5 => CustomerStatus::Closed,
            _ => CustomerStatus::Active,
        };
        let joined = NaiveDate::from_ymd_opt(2008, 1, 1).expect("valid date")
            + Duration::days(rng.gen_range(0..6_500));
        let stars = (1 + (plan.fee_fen / 4_000) as u8 + rng.gen_range(0..2)).clamp(1, 5);
        let id_number = make_id_number(rng);
        let tags = match rng.gen_range(0..20) {
            0 => "学生",
            1 => "老年卡",
            2 => "VIP",
            3 => "宽带用户",
            _ => "",
        };
        // The year's payments and bills follow in demo_year; this is what was there before.
        let ledger = vec![(
            379,
            EntryKind::Adjustment,
            rng.gen_range(3_000..20_000),
            "期初余额 opening balance".to_string(),
        )];
        // Those who were to end up suspended stop paying at some month of the year instead.
        let stops_paying = (status == CustomerStatus::Suspended).then(|| rng.gen_range(2..11));
        let status = if status == CustomerStatus::Suspended {
            CustomerStatus::Active
        } else {
            status
        };
        let mut lots = Vec::new();
        if real_name || !real_name_only.contains(brand) {
            for _ in 0..rng.gen_range(0..4) {
                // Lots from before the year of bills (which earn their own).
                let months_ago = rng.gen_range(13..36);
                let index = 2026 * 12 + 10 - months_ago;
                lots.push((
                    index / 12,
                    (index % 12) as u32 + 1,
                    rng.gen_range(20..1_500),
                ));
            }
            lots.sort();
        }
        let created_at = created.clone();
        let id = store::customers::insert(
            ctx.tx,
            &NewCustomerRow {
                phone: &phone,
                name: &name,
                id_number: &id_number,
                brand,
                plan: &plan.code,
                customer_type: ctype,
                real_name_verified: real_name,
                service_password_hash: None,
                status,
                joined_on: &joined.to_string(),
                star_level: stars,
                tags,
                notes: "",
            },
            &created_at,
        )?;
        let plan_code = plan.code.clone();
        insert_history(ctx, id, &ledger, &lots)?;
        store::audit::append(
            ctx.tx,
            &created_at,
            "admin",
            "demo.customer",
            Outcome::Ok,
            Some(id),
            &phone,
        )?;
        ctx.customers.push(DemoCustomer {
            id,
            phone,
            brand: brand.to_string(),
            plan: plan_code,
            status,
            joined_on: joined,
            featured: false,
            stops_paying,
        });
    }
    Ok(())
}

/// Past redemptions: the seed-trial customer's coffee voucher, and vouchers, data and minutes for
/// about a tenth of the other customers during the last month. Only items without a balance
/// credit, so no ledger entry is back-dated among newer ones.
fn redemptions_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    use crate::service::points::redeem_in;
    let trial = ctx
        .customers
        .iter()
        .find(|c| c.phone == TRIAL_PHONE)
        .map(|c| c.id);
    if let Some(id) = trial {
        let at = clock::start_of_day(NaiveDate::from_ymd_opt(2025, 8, 15).expect("valid date"))
            + Duration::hours(15);
        redeem_in(ctx.tx, id, "LUCKIN", "clerk", at, &mut ctx.rng)?;
    }
    let items: Vec<_> = store::redemptions::items(ctx.tx)?
        .into_iter()
        .filter(|i| i.credit_fen == 0 && i.stock.is_none_or(|s| s >= 10))
        .collect();
    let candidates: Vec<i64> = ctx
        .customers
        .iter()
        .filter(|c| !c.featured && c.status == CustomerStatus::Active)
        .map(|c| c.id)
        .collect();
    for id in candidates {
        if !ctx.rng.gen_bool(0.1) {
            continue;
        }
        let item = &items[ctx.rng.gen_range(0..items.len())];
        let at = ctx.now
            - Duration::days(ctx.rng.gen_range(1..30))
            - Duration::minutes(ctx.rng.gen_range(0..600));
        let today = clock::local_date(at).to_string();
        let active =
            store::customers::get(ctx.tx, id)?.is_some_and(|c| c.status == CustomerStatus::Active);
        if !active || store::points::available(ctx.tx, id, &today)? < item.cost_points {
            continue;
        }
        redeem_in(ctx.tx, id, &item.code, "clerk", at, &mut ctx.rng)?;
    }
    Ok(())
}

/// A hand-made ticket of the demo queue: who, what, and what happened to it, in hours before now.
struct DemoTicket {
    /// A featured phone, or `None` for a generated active customer.
    phone: Option<&'static str>,
    category: crate::domain::ticket::Category,
    priority: crate::domain::ticket::Priority,
    channel: crate::domain::ticket::Channel,
    month: Option<&'static str>,
    text: &'static str,
    /// Hours before now it was opened.
    opened_h: f64,
    steps: &'static [(f64, DemoStep)],
}

/// Something done to a demo ticket, hours before now.
#[derive(Clone, Copy)]
enum DemoStep {
    Assign(&'static str),
    Start,
    Wait(&'static str),
    Resume(&'static str),
    Reply(&'static str),
    Note(&'static str),
    Resolve(&'static str, Option<i64>),
    Approve,
}

const DEMO_TICKETS: &[DemoTicket] = {
    use crate::domain::ticket::{Category::*, Channel::*, Priority::*};
    use DemoStep::*;
    &[
        DemoTicket {
            phone: Some(TRIAL_PHONE),
            category: UnknownVas,
            priority: High,
            channel: Counter,
            month: Some("2026-11"),
            text: "11月账单有一项“增值业务费 15元”，客户表示从未订购过任何增值业务，要求说明并退还。",
            opened_h: 18.7,
            steps: &[
                (18.5, Assign("clerk")),
                (18.4, Start),
                (
                    18.0,
                    Note(
                        "查询订购记录：2026-10-12 通过短信订购“咪咕视频会员”，需核实是否本人操作。",
                    ),
                ),
                (
                    17.6,
                    Reply(
                        "您好，经查该费用为咪咕视频会员月费，我们正在核实订购来源，两个工作日内给您答复。",
                    ),
                ),
            ],
        },
        DemoTicket {
            phone: Some("13900139000"),
            category: TopUp,
            priority: Urgent,
            channel: Hotline,
            month: None,
            text: "昨晚通过支付宝充值 50 元，支付成功但号码仍然停机，急需使用手机。",
            opened_h: 3.33,
            steps: &[],
        },
        DemoTicket {
            phone: Some("18800188000"),
            category: NetworkQuality,
            priority: Normal,
            channel: Online,
            month: None,
            text: "家中（浦东新区某小区 12 楼）室内 4G/5G 信号很弱，通话经常断线。",
            opened_h: 145.0,
            steps: &[
                (144.0, Assign("super")),
                (143.5, Start),
                (
                    140.0,
                    Reply("已提交网络优化工单，请您方便时在家中使用“信号测试”并反馈结果。"),
                ),
                (139.5, Wait("等待客户在家中测试信号并回传截图")),
            ],
        },
        DemoTicket {
            phone: Some("13500135000"),
            category: ServiceAttitude,
            priority: Normal,
            channel: Counter,
            month: None,
            text: "老人办理业务时工作人员不耐烦，讲解太快，老人没听明白就被要求签字。",
            opened_h: 530.0,
            steps: &[
                (529.0, Assign("clerk")),
                (528.0, Start),
                (
                    520.0,
                    Reply("非常抱歉给您带来不好的体验，我们已安排值班长了解情况，会尽快回复。"),
                ),
                (300.0, Note("已约谈当班营业员，待值班长与家属电话沟通。")),
            ],
        },
        DemoTicket {
            phone: Some("15800158000"),
            category: BillingDispute,
            priority: Normal,
            channel: Counter,
            month: Some("2026-05"),
            text: "对 5 月账单的国内通话费有异议，认为套餐内分钟数未扣减就收费。",
            opened_h: 20.0,
            steps: &[],
        },
        DemoTicket {
            phone: None,
            category: BillingDispute,
            priority: Urgent,
            channel: Hotline,
            month: Some("2026-11"),
            text: "本月被扣国际漫游费 268 元，客户称本月并未出境。",
            opened_h: 18.0,
            steps: &[],
        },
        DemoTicket {
            phone: None,
            category: UnknownVas,
            priority: High,
            channel: Counter,
            month: Some("2026-10"),
            text: "彩铃业务已于 9 月退订，10 月仍被收取 5 元彩铃功能费。",
            opened_h: 330.0,
            steps: &[
                (329.0, Assign("clerk")),
                (328.0, Start),
                (
                    320.0,
                    Reply("经核实退订未成功同步，我们将退还费用并给予补偿。"),
                ),
                (
                    200.0,
                    Resolve(
                        "已重新退订彩铃并退还 10 月功能费，另补偿 15 元话费。",
                        Some(1_500),
                    ),
                ),
                (0.83, Approve),
            ],
        },
        DemoTicket {
            phone: None,
            category: NetworkQuality,
            priority: Normal,
            channel: Online,
            month: None,
            text: "单位附近基站故障，连续三天无法上网，影响工作。",
            opened_h: 70.0,
            steps: &[
                (69.0, Assign("super")),
                (68.0, Start),
                (60.0, Reply("基站已于今日修复，请您重启手机后再试。")),
                (
                    17.0,
                    Resolve(
                        "基站故障已修复，建议补偿当月 3 天流量费 10 元。",
                        Some(1_000),
                    ),
                ),
            ],
        },
        DemoTicket {
            phone: None,
            category: Points,
            priority: Low,
            channel: Online,
            month: None,
            text: "积分兑换的电子券显示已使用，但本人从未使用过。",
            opened_h: 40.0,
            steps: &[
                (39.0, Assign("clerk")),
                (38.0, Start),
                (30.0, Wait("请客户提供电子券截图及兑换时间")),
                (26.0, Resume("客户已提供截图，转合作商核查")),
            ],
        },
        DemoTicket {
            phone: None,
            category: Other,
            priority: Normal,
            channel: Counter,
            month: None,
            text: "要求补寄近一年的纸质发票。",
            opened_h: 1.5,
            steps: &[],
        },
    ]
};

/// Closed complaints of the past year: category, rating, comment.
const DEMO_RATINGS: &[(crate::domain::ticket::Category, i64, &str)] = {
    use crate::domain::ticket::Category::*;
    &[
        (BillingDispute, 4, "解释清楚了"),
        (BillingDispute, 3, "处理有点慢"),
        (BillingDispute, 5, ""),
        (UnknownVas, 2, "退费周期太长"),
        (UnknownVas, 4, ""),
        (UnknownVas, 3, "希望以后订购要二次确认"),
        (NetworkQuality, 3, "信号还是一般"),
        (NetworkQuality, 4, ""),
        (NetworkQuality, 2, "修了一周"),
        (ServiceAttitude, 5, "值班长亲自道歉，很满意"),
        (ServiceAttitude, 4, ""),
        (Points, 5, "很快就处理好了"),
        (Points, 4, ""),
        (TopUp, 5, "到账了"),
        (TopUp, 4, ""),
        (TopUp, 5, ""),
        (Other, 4, ""),
        (Other, 3, "要跑两趟"),
    ]
};

/// The complaints queue: new, in progress, waiting on the customer, overdue, resolved with
/// compensation (approved and awaiting approval), closed with ratings over the past year, and
/// counter service records (enquiries, transactions).
fn complaints_step(ctx: &mut DemoCtx<'_>) -> Result<()> {
    use crate::domain::ticket::{Category, Channel, Priority, RecordKind, TicketStatus};
    use crate::service::complaints::{
        NewComplaint, assign_in, close_in, decide_compensation_in, note_in, open_in, record_in,
        reply_in, resolve_in, transition_in,
    };
    let now = ctx.now;
    let ago = |h: f64| now - Duration::seconds((h * 3600.0) as i64);
    let mut pool: Vec<i64> = ctx
        .customers
        .iter()
        .filter(|c| !c.featured && c.status == CustomerStatus::Active)
        .map(|c| c.id)
        .collect();
    pool.shuffle(&mut ctx.rng);
    let mut pool = pool.into_iter();
    let mut next_customer = || pool.next().expect("enough generated customers");
    // The year's closed tickets first, so ids follow time.
    for (i, (category, rating, comment)) in DEMO_RATINGS.iter().enumerate() {
        let customer_id = next_customer();
        let opened = ago(24.0 * (340.0 - i as f64 * 17.0) + ctx.rng.gen_range(0.0..8.0));
        let clerk = if ctx.rng.gen_bool(0.6) {
            "clerk"
        } else {
            "super"
        };
        let id = open_in(
            ctx.tx,
            &NewComplaint {
                customer_id,
                category: *category,
                priority: [
                    Priority::Low,
                    Priority::Normal,
                    Priority::Normal,
                    Priority::High,
                ][ctx.rng.gen_range(0..4)],
                channel: [Channel::Counter, Channel::Hotline, Channel::Online]
                    [ctx.rng.gen_range(0..3)],
                description: format!(
                    "{}：客户来电/到厅反映问题，详见备注。",
                    category.label(crate::domain::Lang::Zh)
                ),
                disputed_month: None,
                assignee: Some(clerk.to_string()),
            },
            "clerk",
            opened,
        )?;
        let h = |x: i64| opened + Duration::hours(x);
        transition_in(ctx.tx, id, TicketStatus::InProgress, "", clerk, h(1))?;
        reply_in(
            ctx.tx,
            id,
            "您好，您反映的问题我们已经受理并核实，处理结果稍后通知您。",
            clerk,
            h(3),
        )?;
        resolve_in(
            ctx.tx,
            id,
            "已核实并处理完毕，已向客户解释原因。",
            None,
            clerk,
            h(30 + ctx.rng.gen_range(0..100)),
        )?;
        close_in(ctx.tx, id, *rating, comment, clerk, h(140))?;
    }
    for t in DEMO_TICKETS {
        let customer_id = match t.phone {
            Some(p) => ctx
                .customers
                .iter()
                .find(|c| c.phone == p)
                .map(|c| c.id)
                .expect("featured customer exists"),
            None => next_customer(),
        };
        let id = open_in(
            ctx.tx,
            &NewComplaint {
                customer_id,
                category: t.category,
                priority: t.priority,
                channel: t.channel,
                description: t.text.to_string(),
                disputed_month: t.month.map(str::to_string),
                assignee: None,
            },
            "clerk",
            ago(t.opened_h),
        )?;
        let mut who = "clerk";
        for (h, step) in t.steps {
            let at = ago(*h);
            match *step {
                DemoStep::Assign(s) => {
                    assign_in(ctx.tx, id, s, "clerk", at)?;
                    who = s;
                }
                DemoStep::Start => {
                    transition_in(ctx.tx, id, TicketStatus::InProgress, "", who, at)?
                }
                DemoStep::Wait(n) => {
                    transition_in(ctx.tx, id, TicketStatus::WaitingCustomer, n, who, at)?
                }
                DemoStep::Resume(n) => {
                    transition_in(ctx.tx, id, TicketStatus::InProgress, n, who, at)?
                }
                DemoStep::Reply(text) => {
                    reply_in(ctx.tx, id, text, who, at)?;
                }
                DemoStep::Note(text) => {
                    note_in(ctx.tx, id, text, who, at)?;
                }
                DemoStep::Resolve(text, fen) => {
                    resolve_in(ctx.tx, id, text, fen.map(Fen), who, at)?
                }
                DemoStep::Approve => {
                    decide_compensation_in(ctx.tx, id, true, "", "super", at)?;
                }
            }
        }
    }
    // Counter interactions of the last month, and the seed-trial customer's own.
    let trial = ctx
        .customers
        .iter()
        .find(|c| c.phone == TRIAL_PHONE)
        .map(|c| c.id);
    if let Some(id) = trial {
        record_in(
            ctx.tx,
            id,
            RecordKind::Enquiry,
            Category::Points,
            "询问 412 积分年底到期如何使用，已介绍积分商城。",
            "clerk",
            ago(24.0 * 12.0),
        )?;
        record_in(
            ctx.tx,
            id,
            RecordKind::Transaction,
            Category::Other,
            "补办 SIM 卡（原卡损坏）。",
            "clerk",
            ago(24.0 * 40.0),
        )?;
    }
    const ENQUIRIES: &[(RecordKind, Category, &str)] = &[
        (
            RecordKind::Enquiry,
            Category::BillingDispute,
            "询问本月账单明细",
        ),
        (
            RecordKind::Enquiry,
            Category::Points,
            "查询积分余额及兑换方式",
        ),
        (
            RecordKind::Enquiry,
            Category::NetworkQuality,
            "咨询 5G 覆盖范围",
        ),
        (RecordKind::Enquiry, Category::TopUp, "咨询充值优惠活动"),
        (RecordKind::Transaction, Category::Other, "办理副卡"),
        (
            RecordKind::Transaction,
            Category::UnknownVas,
            "退订视频会员",
        ),
        (RecordKind::Transaction, Category::Other, "修改服务密码"),
    ];
    for _ in 0..60 {
        let customer_id = next_customer();
        let (kind, category, notes) = ENQUIRIES[ctx.rng.gen_range(0..ENQUIRIES.len())];
        let at = ago(ctx.rng.gen_range(2.0..24.0 * 30.0));
        record_in(ctx.tx, customer_id, kind, category, notes, "clerk", at)?;
    }
    Ok(())
}
