//! `touchpoint gen` (named synthetic: `gen` is a reserved word in Rust 2024): a synthetic database of any size — customers, months of usage, top-ups —
//! for benchmarks and load tests. Deterministic from a seed; fast enough for tens of millions of rows.

use crate::assets;
use crate::demo::{demo_payment, insert_staff};
use crate::domain::clock::{self};
use crate::domain::customer::{CustomerStatus, CustomerType};
use crate::domain::topup::Channel;
use crate::domain::{Fen, IdNumber, Problem};
use crate::error::Result;
use crate::service::bills::Month;
use crate::store::customers::NewCustomerRow;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::usage::UsageRecord;
use crate::store::{self, FileKind, OpenMode, audit::Outcome};
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::io::Write;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    /// Customers.
    pub customers: usize,
    /// Months of usage, ending with last month.
    pub months: usize,
    /// Usage records per customer per month.
    pub records_per_month: usize,
}

/// What was generated.
#[derive(Debug, Clone, serde::Serialize)]
pub struct GenSummary {
    /// Customers.
    pub customers: usize,
    /// Usage records.
    pub usage_records: usize,
    /// Top-ups.
    pub top_ups: usize,
    /// Seconds taken.
    pub seconds: f64,
}

/// Progress: (stage, done, total).
pub type Progress<'a> = &'a mut dyn FnMut(&str, u64, u64);

const KINDS: [&str; 5] = ["voice_out", "voice_in", "sms", "data", "data"];

fn phone(i: usize) -> String {
    const PREFIXES: [&str; 6] = ["134", "135", "136", "137", "138", "139"];
    format!(
        "{}{:08}",
        PREFIXES[i / 100_000_000 % PREFIXES.len()],
        i % 100_000_000
    )
}

fn id_number(rng: &mut ChaCha8Rng) -> String {
    let first17 = format!(
        "110105{}{:02}{:02}{:03}",
        rng.gen_range(1950..2005),
        rng.gen_range(1..13),
        rng.gen_range(1..29),
        rng.gen_range(0..1000)
    );
    let check = IdNumber::check_char(&first17).expect("17 digits");
    format!("{first17}{check}")
}

/// Generates a fresh database at `path`. Refuses an existing file unless it was made by `gen`.
pub fn generate(
    path: &Path,
    opts: GenOptions,
    now: DateTime<Utc>,
    progress: Progress<'_>,
) -> Result<GenSummary> {
    let started = std::time::Instant::now();
    match store::inspect(path)? {
        FileKind::Missing => {}
        FileKind::Touchpoint { .. } => {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
            )?;
            if store::meta_get(&conn, "generated")?.as_deref() != Some("1") {
                return Err(Problem::refused(
                    format!("{} 不是 gen 生成的数据库，不会覆盖", path.display()),
                    format!(
                        "{} was not made by `gen`; it will not be overwritten: choose another --db",
                        path.display()
                    ),
                )
                .into());
            }
        }
        FileKind::Empty => {}
    }
    crate::demo::remove_db_files(path)?;
    if opts.customers == 0 || opts.customers > 10_000_000 || opts.months > 36 {
        return Err(Problem::bad_input(
            "客户数应在 1 到 10,000,000 之间，月份不超过 36",
            "--customers must be 1 to 10,000,000 and --months at most 36",
        )
        .into());
    }
    let mut conn = store::open(path, OpenMode::Create)?;
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let names = assets::names();
    let plans: Vec<_> = assets::plans()
        .into_iter()
        .filter(|p| p.kind == "plan")
        .collect();
    let created = store::ts(now - Duration::days(400));
    let opening_at = store::ts(now - Duration::days(31 * opts.months as i64 + 5));
    store::write(&mut conn, |tx| {
        store::catalog::load_assets(tx)?;
        store::meta_set(tx, "generated", "1")?;
        insert_staff(tx, 7, &created)?;
        for i in 0..opts.customers {
            if i % 10_000 == 0 {
                progress("customers", i as u64, opts.customers as u64);
            }
            let plan = &plans[rng.gen_range(0..plans.len())];
            let brand = plan.brand.clone().unwrap_or_default();
            let name = format!(
                "{}{}{}",
                names.surnames[rng.gen_range(0..names.surnames.len())],
                names.given[rng.gen_range(0..names.given.len())],
                names.given[rng.gen_range(0..names.given.len())]
            );
            let id = store::customers::insert(
                tx,
                &NewCustomerRow {
                    phone: &phone(i),
                    name: &name,
                    id_number: &id_number(&mut rng),
                    brand: &brand,
                    plan: &plan.code,
                    customer_type: CustomerType::Consumer,
                    real_name_verified: true,
                    service_password_hash: None,
                    status: CustomerStatus::Active,
                    joined_on: "2020-01-01",
                    star_level: 2,
                    tags: "",
                    notes: "",
                },
                &created,
            )?;
            store::ledger::post(
                tx,
                &Posting {
                    customer_id: id,
                    kind: EntryKind::Adjustment,
                    amount: Fen(50_000),
                    ref_type: "gen",
                    ref_id: "",
                    staff_id: Some("admin"),
                    reverses_id: None,
                    note: "期初余额 opening balance",
                },
                &opening_at,
            )?;
        }
        progress("customers", opts.customers as u64, opts.customers as u64);
        store::audit::append(
            tx,
            &store::ts(now),
            "admin",
            "gen",
            Outcome::Ok,
            None,
            &format!("{opts:?}"),
        )?;
        Ok(())
    })?;
    let mut usage_records = 0usize;
    let mut top_ups = 0usize;
    let mut m = Month::of(now);
    for _ in 0..opts.months {
        m = m.prev();
    }
    let total = (opts.customers * opts.months * opts.records_per_month) as u64;
    for _ in 0..opts.months {
        // One transaction per month keeps the WAL in bounds.
        let month = m;
        store::write(&mut conn, |tx| {
            let first = clock::start_of_day(month.first()).timestamp();
            let span = i64::from(month.days()) * 86_400;
            let mut batch: Vec<UsageRecord> = Vec::with_capacity(opts.records_per_month * 1000);
            for c in 0..opts.customers {
                let customer_id = c as i64 + 1;
                let mut ats: Vec<i64> = (0..opts.records_per_month)
                    .map(|_| first + rng.gen_range(0..span))
                    .collect();
                ats.sort_unstable();
                for at in ats {
                    let kind = KINDS[rng.gen_range(0..KINDS.len())];
                    let quantity = match kind {
                        "voice_out" | "voice_in" => rng.gen_range(5..600),
                        "sms" => 1,
                        _ => rng.gen_range(100..200_000),
                    };
                    batch.push(UsageRecord {
                        id: 0,
                        customer_id,
                        month: month.int(),
                        at,
                        kind,
                        quantity,
                        scope: "local",
                        other_party: String::new(),
                        service: String::new(),
                        fee_fen: 0,
                    });
                }
                if batch.len() >= 500_000 {
                    store::usage::insert_all(tx, &batch)?;
                    usage_records += batch.len();
                    batch.clear();
                    progress("usage", usage_records as u64, total);
                }
                if c % 4 == 0 {
                    let when =
                        DateTime::from_timestamp(first + rng.gen_range(0..span), 0).unwrap_or(now);
                    demo_payment(
                        tx,
                        customer_id,
                        10_000 + top_ups,
                        when,
                        Fen::yuan(50),
                        Channel::Wechat,
                    )?;
                    top_ups += 1;
                }
            }
            store::usage::insert_all(tx, &batch)?;
            usage_records += batch.len();
            progress("usage", usage_records as u64, total);
            Ok(())
        })?;
        m = m.next();
    }
    Ok(GenSummary {
        customers: opts.customers,
        usage_records,
        top_ups,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Writes `rows` valid, distinct customers (deterministic) as a customers CSV: the input of the
/// customer-import benchmark.
pub fn write_customers_csv(file: &Path, rows: usize) -> Result<()> {
    use std::io::Write;
    let plans: Vec<(String, String)> = assets::plans()
        .into_iter()
        .filter(|p| p.kind == "plan")
        .filter_map(|p| p.brand.map(|b| (b, p.code)))
        .collect();
    const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
    const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊"];
    let mut out = std::io::BufWriter::new(std::fs::File::create(file)?);
    writeln!(out, "{}", crate::service::customer_csv::COLUMNS.join(","))?;
    for i in 0..rows {
        let phone = 13_900_000_000u64 + i as u64;
        let first17 = format!(
            "110101{}{:04}{:03}",
            1960 + i % 40,
            101 + (i % 12) * 100 + i % 28,
            i % 1000
        );
        let id = format!("{first17}{}", IdNumber::check_char(&first17).unwrap_or('0'));
        let (brand, plan) = &plans[i % plans.len()];
        writeln!(
            out,
            "{phone},{}{}{},{id},{brand},{plan},consumer,true,active,2025-{:02}-{:02},{},,",
            SURNAMES[i % 8],
            GIVEN[(i / 8) % 8],
            GIVEN[(i / 64) % 8],
            1 + i % 12,
            1 + i % 28,
            1 + i % 5
        )?;
    }
    out.flush()?;
    Ok(())
}

/// Writes a usage CSV of `rows` records for the database's customers, dated last month:
/// the input of the usage-import benchmark.
pub fn write_usage_csv(db: &Path, out: &Path, rows: usize, now: DateTime<Utc>) -> Result<usize> {
    let conn = store::open(db, OpenMode::Existing)?;
    let phones = store::customers::phones_by_id(&conn)?;
    if phones.is_empty() {
        return Err(Problem::not_found("数据库中没有客户", "the database has no customers").into());
    }
    let m = Month::of(now).prev();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(
        w,
        "phone,time,kind,quantity,scope,other_party,service,fee_fen"
    )?;
    for _ in 0..rows {
        let p = &phones[rng.gen_range(0..phones.len())];
        let day = rng.gen_range(1..=m.days());
        let kind = KINDS[rng.gen_range(0..KINDS.len())];
        writeln!(
            w,
            "{p},{}-{:02}-{:02} {:02}:{:02}:{:02},{kind},{},local,,,",
            m.year,
            m.month,
            day,
            rng.gen_range(0..24),
            rng.gen_range(0..60),
            rng.gen_range(0..60),
            rng.gen_range(1..5000)
        )?;
    }
    w.flush()?;
    Ok(rows)
}
