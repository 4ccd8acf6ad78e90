//! Bill services with a clock that moves month by month (Kill Bill style): every item of every
//! bill checked, reruns change nothing, reminders fire once, imports are all or nothing.

mod common;

use chrono::TimeZone;
use std::io::Write;
use touchpoint::domain::bill::Category;
use touchpoint::domain::clock::{ManualClock, counter_tz};
use touchpoint::domain::customer::CustomerStatus;
use touchpoint::domain::visit::Proof;
use touchpoint::domain::{Lang, ProblemKind};
use touchpoint::service::customers::NewCustomer;
use touchpoint::service::{Service, Session, check};
use touchpoint::store;

fn at(y: i32, m: u32, d: u32, h: u32) -> chrono::DateTime<chrono::Utc> {
    counter_tz()
        .with_ymd_and_hms(y, m, d, h, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

struct World {
    _dir: tempfile::TempDir,
    svc: Service,
    clock: std::sync::Arc<ManualClock>,
    admin: Session,
    customer: i64,
    dir: std::path::PathBuf,
}

/// A fresh database with one GoTone GT58 customer (200 min, 10 GB, 50 SMS; 0.19/min, 0.10/SMS, 0.03/MB)
/// who has a ringback tone since 2026-01-20.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(at(2026, 1, 10, 9));
    let path = dir.path().join("t.sqlite");
    let mut svc = touchpoint::service::auth::init(&path, "adminpw", clock.clone()).unwrap();
    let admin = svc.login("admin", "adminpw").unwrap();
    let c = svc
        .customer_add(
            &admin,
            &NewCustomer {
                phone: "13712345678".into(),
                name: "测试".into(),
                id_number: "11010519491231002X".into(),
                brand: "gotone".into(),
                plan: "GT58".into(),
                ..Default::default()
            },
        )
        .unwrap();
    store::bills::subscribe(
        svc.conn(),
        c.id,
        "VAS_RBT",
        "2026-01-20",
        Some("admin"),
        "2026-01-20T02:00:00.000Z",
    )
    .unwrap();
    let d = dir.path().to_path_buf();
    World {
        _dir: dir,
        svc,
        clock,
        admin,
        customer: c.id,
        dir: d,
    }
}

fn csv(w: &World, name: &str, rows: &[String]) -> std::path::PathBuf {
    let p = w.dir.join(name);
    let mut f = std::fs::File::create(&p).unwrap();
    writeln!(
        f,
        "phone,time,kind,quantity,scope,other_party,service,fee_fen"
    )
    .unwrap();
    for r in rows {
        writeln!(f, "{r}").unwrap();
    }
    p
}

fn january_usage() -> Vec<String> {
    let mut rows = Vec::new();
    // 60 calls of 200 s: 4 started minutes each = 240 minutes, 40 beyond the allowance.
    for i in 0..60 {
        rows.push(format!(
            "13712345678,2026-01-{:02} 10:{:02}:00,voice_out,200,local,13900000000,,",
            11 + i % 15,
            i % 60
        ));
    }
    // One 61-second call: 2 minutes. Incoming calls are free.
    rows.push("13712345678,2026-01-12 11:00:00,voice_out,61,long_distance,01012345678,,".into());
    rows.push("13712345678,2026-01-12 12:00:00,voice_in,3600,local,13900000001,,".into());
    // Two roaming calls of 30 s: 2 minutes at 0.99.
    rows.push("13712345678,2026-01-13 08:00:00,voice_out,30,roaming,+85212345678,,".into());
    rows.push("13712345678,2026-01-13 09:00:00,voice_in,30,roaming,+85212345678,,".into());
    // 10 GB and 1 KB of data: one started MB beyond.
    rows.push(format!(
        "13712345678,2026-01-14 20:00:00,data,{},local,,,",
        10 * 1024 * 1024 + 1
    ));
    // 51 SMS (one over) and an MMS.
    rows.push("13712345678,2026-01-15 10:00:00,sms,51,local,13900000002,,".into());
    rows.push("13712345678,2026-01-15 10:05:00,mms,1,local,13900000002,,".into());
    // A partner charge collected for a game (代收费).
    rows.push("13712345678,2026-01-16 21:00:00,vas,1,local,,游戏点券,600".into());
    rows
}

fn notices(svc: &Service, id: i64) -> Vec<String> {
    store::notices::recent(svc.conn(), id, 100)
        .unwrap()
        .into_iter()
        .map(|n| n.template)
        .collect()
}

#[test]
fn a_month_is_rated_itemised_charged_and_pointed_exactly() {
    let mut w = world();
    w.clock.set(at(2026, 1, 25, 9));
    let file = csv(&w, "jan.csv", &january_usage());
    let r = w.svc.import_usage(&w.admin, &file, &mut |_, _| {}).unwrap();
    assert_eq!(r.records, 68);
    // 10 GB + 1 KB is past 100 % of 10 GB: both data reminders fired, once.
    let n = notices(&w.svc, w.customer);
    assert_eq!(n.iter().filter(|t| *t == "data_80").count(), 1);
    assert_eq!(n.iter().filter(|t| *t == "data_100").count(), 1);
    w.svc
        .import_usage(
            &w.admin,
            &csv(
                &w,
                "more.csv",
                &["13712345678,2026-01-26 20:00:00,data,100,local,,,".into()],
            ),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(
        notices(&w.svc, w.customer)
            .iter()
            .filter(|t| t.starts_with("data_"))
            .count(),
        2,
        "reminders fire once"
    );

    // January cannot be billed before it is over.
    let e = w
        .svc
        .run_bills(&w.admin, "2026-01", &mut |_, _| {})
        .unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));

    w.clock.set(at(2026, 2, 1, 2));
    let run = w
        .svc
        .run_bills(&w.admin, "2026-01", &mut |_, _| {})
        .unwrap();
    assert_eq!((run.bills_issued, run.already_billed), (1, 0));
    let visit = w.svc.open_visit(&w.admin, w.customer).unwrap();
    w.svc
        .override_verification(&w.admin, visit, "test")
        .unwrap();
    let bill = w
        .svc
        .bill_of(&w.admin, Some(visit), w.customer, "2026-01", Lang::En)
        .unwrap();
    let items: Vec<(Category, i64)> = bill
        .items
        .iter()
        .map(|i| (i.category, i.amount_fen))
        .collect();
    assert_eq!(
        items,
        vec![
            (Category::PlanFixed, 5800),
            (Category::Voice, 42 * 19),  // 242 minutes, 42 beyond
            (Category::Voice, 2 * 99),   // roaming, both directions
            (Category::Data, 3),         // one started MB beyond
            (Category::Sms, 10 + 30),    // one SMS beyond and one MMS
            (Category::Vas, 500),        // ringback tone
            (Category::ThirdParty, 600), // the game's points
        ]
    );
    let total = 5800 + 798 + 198 + 3 + 40 + 500 + 600;
    assert_eq!(bill.total_fen, total);
    let vas = bill
        .items
        .iter()
        .find(|i| i.category == Category::Vas)
        .unwrap();
    assert!(
        vas.explanation.contains("2026-01-20") && vas.explanation.contains("QXCL"),
        "{}",
        vas.explanation
    );
    // Charged, pointed (2 per whole yuan for GoTone), noticed.
    let c = w.svc.customer_by_id(&w.admin, w.customer, None).unwrap();
    assert_eq!(c.balance_fen, -total);
    assert_eq!(bill.points_earned, (total / 100) * 2);
    assert_eq!(
        c.status,
        CustomerStatus::Active,
        "within the ¥100 credit limit"
    );
    let n = notices(&w.svc, w.customer);
    assert!(n.contains(&"bill_issued".to_string()) && n.contains(&"low_balance".to_string()));

    // Running January again issues nothing, charges nothing, earns nothing, sends nothing.
    let before = (c.balance_fen, c.points, notices(&w.svc, w.customer).len());
    let again = w
        .svc
        .run_bills(&w.admin, "2026-01", &mut |_, _| {})
        .unwrap();
    assert_eq!(
        (again.bills_issued, again.already_billed, again.total_fen),
        (0, 1, 0)
    );
    let c = w.svc.customer_by_id(&w.admin, w.customer, None).unwrap();
    assert_eq!(
        (c.balance_fen, c.points, notices(&w.svc, w.customer).len()),
        before
    );
    let r = check::run(w.svc.conn()).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn a_bill_below_the_credit_line_suspends_the_line() {
    let mut w = world();
    // February: 600 minutes, 400 beyond = ¥76, on top of January's plan month.
    let rows: Vec<String> = (0..100)
        .map(|i| {
            format!(
                "13712345678,2026-02-{:02} 10:00:{:02},voice_out,360,local,13900000000,,",
                1 + i % 27,
                i % 60
            )
        })
        .collect();
    w.clock.set(at(2026, 2, 27, 9));
    w.svc
        .import_usage(&w.admin, &csv(&w, "feb.csv", &rows), &mut |_, _| {})
        .unwrap();
    w.clock.set(at(2026, 3, 1, 2));
    w.svc
        .run_bills(&w.admin, "2026-01", &mut |_, _| {})
        .unwrap();
    let c = w.svc.customer_by_id(&w.admin, w.customer, None).unwrap();
    assert_eq!(c.status, CustomerStatus::Active);
    let run = w
        .svc
        .run_bills(&w.admin, "2026-02", &mut |_, _| {})
        .unwrap();
    assert_eq!(run.suspended, 1);
    let c = w.svc.customer_by_id(&w.admin, w.customer, None).unwrap();
    assert_eq!(c.status, CustomerStatus::Suspended);
    assert!(c.balance_fen < -10_000);
    assert!(notices(&w.svc, w.customer).contains(&"suspended".to_string()));
}

#[test]
fn one_bad_row_among_ten_thousand_imports_nothing_and_names_the_line() {
    let mut w = world();
    let mut rows: Vec<String> = (0..10_000)
        .map(|i| {
            format!(
                "13712345678,2026-01-{:02} 10:00:00,data,{},local,,,",
                1 + i % 28,
                100 + i
            )
        })
        .collect();
    rows[6_999] = "13712345678,2026-01-40 10:00:00,data,100,local,,,".into(); // line 7001 (header is line 1)
    let e = w
        .svc
        .import_usage(&w.admin, &csv(&w, "bad.csv", &rows), &mut |_, _| {})
        .unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::BadInput));
    assert!(
        e.message(Lang::En).contains("line 7001"),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(store::usage::total(w.svc.conn()).unwrap(), 0);
    // Unknown numbers, bad kinds, negative quantities are named too.
    let bad = [
        "13700000000,2026-01-02 10:00:00,data,1,local,,,",
        "13712345678,2026-01-02 10:00:00,fax,1,local,,,",
        "13712345678,2026-01-02 10:00:00,sms,-1,local,,,",
    ];
    let e = w
        .svc
        .import_usage(
            &w.admin,
            &csv(&w, "bad2.csv", &bad.map(String::from)),
            &mut |_, _| {},
        )
        .unwrap_err();
    let m = e.message(Lang::En);
    assert!(
        m.contains("line 2: no customer")
            && m.contains("line 3: kind \"fax\"")
            && m.contains("line 4: quantity"),
        "{m}"
    );
    // A clerk may not import.
    let clerk_pw = "clerkpw";
    w.svc
        .staff_add(
            &w.admin,
            "c1",
            "营业员",
            touchpoint::domain::staff::Role::Clerk,
            clerk_pw,
        )
        .unwrap();
    let clerk = w.svc.login("c1", clerk_pw).unwrap();
    assert!(
        w.svc
            .import_usage(&clerk, &csv(&w, "ok.csv", &rows[..1]), &mut |_, _| {})
            .is_err()
    );
}

#[test]
fn a_bulk_usage_import_rebuilds_the_index_and_rolls_back_whole() {
    // Large enough (by file size) for the bulk path, which drops and rebuilds the index.
    const ROWS: usize = 150_000;
    let mut w = world();
    let index_exists = |svc: &Service| -> bool {
        svc.conn()
            .query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'usage_month_customer'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
            == 1
    };
    let mut rows: Vec<String> = (0..ROWS)
        .map(|i| {
            format!(
                "13712345678,2026-01-{:02} {:02}:{:02}:{:02},data,{},local,,,",
                1 + i % 28,
                i % 24,
                i % 60,
                (i / 60) % 60,
                1 + i % 7
            )
        })
        .collect();
    let expected_kb: i64 = (0..ROWS).map(|i| 1 + (i % 7) as i64).sum();
    rows[ROWS - 1] = "13712345678,2026-01-02 10:00:00,data,lots,local,,,".into();
    let file = csv(&w, "bulk.csv", &rows);
    let e = w
        .svc
        .import_usage(&w.admin, &file, &mut |_, _| {})
        .unwrap_err();
    assert!(
        e.message(Lang::En)
            .contains(&format!("line {}: quantity", ROWS + 1)),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(store::usage::total(w.svc.conn()).unwrap(), 0);
    assert!(index_exists(&w.svc), "the rollback restores the index");
    assert_eq!(
        common::pragma(&w.svc, "foreign_keys"),
        1,
        "set back after a failure"
    );
    assert_eq!(
        common::pragma(&w.svc, "cache_size"),
        -65_536,
        "the usual page cache"
    );
    assert_eq!(common::pragma(&w.svc, "temp_store"), 0);

    rows[ROWS - 1] = "13712345678,2026-01-02 10:00:00,data,1,local,,,".into();
    let file = csv(&w, "bulk.csv", &rows);
    let mut seen = Vec::new();
    let r = w
        .svc
        .import_usage(&w.admin, &file, &mut |done, total| seen.push((done, total)))
        .unwrap();
    // Progress climbs chunk by chunk towards an estimate of the whole file, and ends exact.
    assert!(seen.len() > 1, "{seen:?}");
    assert!(seen.windows(2).all(|p| p[0].0 < p[1].0), "{seen:?}");
    assert!(seen.iter().all(|(done, total)| done <= total), "{seen:?}");
    assert!(
        seen[0].1 > seen[0].0,
        "the first chunk is not the whole file: {seen:?}"
    );
    assert_eq!(seen.last(), Some(&(ROWS, ROWS)));
    assert_eq!(r.records, ROWS);
    assert!(index_exists(&w.svc));
    // The bulk load skipped foreign-key lookups; the connection checks them again, and every
    // row it wrote points at a customer.
    assert_eq!(common::pragma(&w.svc, "foreign_keys"), 1);
    assert_eq!(common::pragma(&w.svc, "temp_store"), 0);
    assert_eq!(common::dangling_references(&w.svc, "usage_records"), 0);
    let totals = store::usage::month_totals(w.svc.conn(), 202601).unwrap();
    assert_eq!(
        totals[&w.customer].usage.data_kb,
        expected_kb - (1 + ((ROWS - 1) % 7) as i64) + 1
    );
    let plan: String = w
        .svc
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT * FROM usage_records WHERE month = 202601 AND customer_id = 1 ORDER BY at",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("usage_month_customer"), "{plan}");
}

#[test]
fn advice_prices_the_last_three_months_under_every_plan() {
    let (_db, mut svc, _clock) = common::demo_service();
    let s = common::login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    svc.verify(&s, visit, &Proof::Password("123456".into()))
        .unwrap();
    let a = svc.advice(&s, Some(visit), c.id).unwrap();
    assert_eq!(a.advice.months, 3);
    assert_eq!(a.advice.current.plan, "GT88");
    // His light use fits the cheaper GT58: the advice says so, with the saving.
    assert_eq!(a.advice.best.plan, "GT58");
    assert_eq!(a.advice.saving_fen, 8800 - 5800);
    assert!(
        svc.advice(&s, None, c.id).is_err(),
        "bills need verification"
    );
}

#[test]
fn the_demo_year_has_twelve_bills_with_an_explained_vas_item() {
    let (_db, mut svc, _clock) = common::demo_service();
    let s = common::login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    svc.verify(&s, visit, &Proof::Password("123456".into()))
        .unwrap();
    let bills = svc.bills_of(&s, Some(visit), c.id, 12).unwrap();
    assert_eq!(bills.len(), 12);
    assert_eq!(bills[0].month, "2026-11");
    assert_eq!(bills[11].month, "2025-12");
    let b = svc
        .bill_of(&s, Some(visit), c.id, "2026-11", Lang::Zh)
        .unwrap();
    let vas = b
        .items
        .iter()
        .find(|i| i.category == Category::Vas)
        .unwrap();
    assert_eq!(vas.name, "彩铃");
    assert!(vas.explanation.contains("2024-03-15") && vas.explanation.contains("取消"));
    let r = check::run(svc.conn()).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn the_bill_runs_one_pass_agrees_with_each_customers_own_month() {
    // The bill run sums a month for everyone at once; the month-so-far view sums one customer.
    // On the demo year (43 customers with partner charges a month) both must agree exactly.
    let (_db, svc, _clock) = common::demo_service();
    let conn = svc.conn();
    let month = 202611;
    let totals = store::usage::month_totals(conn, month).unwrap();
    assert!(totals.len() > 500, "{} customers", totals.len());
    let mut with_partner = 0;
    for (id, t) in &totals {
        assert_eq!(
            t.usage,
            store::usage::customer_month(conn, *id, month).unwrap(),
            "customer {id}"
        );
        let partner = store::usage::third_party(conn, month, *id).unwrap();
        let events: i64 = partner.iter().map(|(_, _, n)| n).sum();
        assert_eq!(t.partner_events, events, "customer {id}");
        with_partner += usize::from(events > 0);
    }
    assert!(
        with_partner > 10,
        "{with_partner} customers with partner charges"
    );
    let records: i64 = totals.values().map(|t| t.records).sum();
    assert_eq!(records, store::usage::count_in_month(conn, month).unwrap());
    // A customer with no records that month has none of anything.
    assert_eq!(
        store::usage::customer_month(conn, i64::MAX, month).unwrap(),
        Default::default()
    );
}
