//! Reports and data tools (issue 8): the daily report against the ledger, customers CSV import
//! and export, backup and restore.

mod common;

use chrono::{NaiveDate, TimeZone};
use common::{demo_service, login};
use std::path::Path;
use touchpoint::domain::clock::{ManualClock, counter_tz};
use touchpoint::domain::ticket::{Category, Channel as TicketChannel, Priority, TicketStatus};
use touchpoint::domain::topup::Channel;
use touchpoint::domain::visit::Proof;
use touchpoint::domain::{Fen, Lang, ProblemKind};
use touchpoint::service::complaints::NewComplaint;
use touchpoint::service::customer_csv::ImportOptions;
use touchpoint::service::topup::TopUpRequest;
use touchpoint::service::{Service, Session, auth, check};

fn at(d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    counter_tz()
        .with_ymd_and_hms(2026, 12, d, h, min, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn sum(svc: &Service, sql: &str) -> i64 {
    svc.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn top_up(svc: &mut Service, s: &Session, phone: &str, fen: i64, ch: Channel, id: &str) -> i64 {
    svc.top_up(
        s,
        &TopUpRequest {
            phone: phone.into(),
            amount: Fen(fen),
            channel: ch,
            request_id: id.into(),
        },
    )
    .unwrap()
    .id
}

fn active_phones(svc: &Service, n: usize) -> Vec<String> {
    let mut st = svc
        .conn()
        .prepare("SELECT phone FROM customers WHERE status = 'active' AND phone != '13800138000' ORDER BY phone LIMIT ?1")
        .unwrap();
    st.query_map([n as i64], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// `--update`: stored customers are updated, all or nothing.
const UPDATE: ImportOptions = ImportOptions {
    update: true,
    skip_bad: false,
};

#[test]
fn a_day_of_mixed_activity_gives_totals_equal_to_the_ledger() {
    let (_db, mut svc, clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let sup = login(&mut svc, "super");
    let phones = active_phones(&svc, 3);
    clock.set(at(5, 9, 5));
    top_up(&mut svc, &clerk, "13800138000", 5_000, Channel::Cash, "r-1");
    clock.set(at(5, 9, 40));
    let cash = top_up(&mut svc, &clerk, &phones[0], 10_000, Channel::Cash, "r-2");
    clock.set(at(5, 11, 15));
    top_up(&mut svc, &sup, &phones[1], 3_000, Channel::Wechat, "r-3");
    top_up(&mut svc, &clerk, &phones[2], 2_000, Channel::Card, "r-4");
    clock.set(at(5, 14, 0));
    // A refund of a cash top-up hands cash back out of the drawer.
    svc.payment_refund(
        &sup,
        &cash.to_string(),
        Some(Fen(4_000)),
        "typed the wrong number",
    )
    .unwrap();
    // The seed trial's redemption: 2500 points for ¥30 of credit.
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&clerk, c.id).unwrap();
    svc.verify(
        &clerk,
        visit,
        &Proof::IdLast6(c.id_number[12..].to_string()),
    )
    .unwrap();
    svc.redeem(&clerk, Some(visit), c.id, "CREDIT30").unwrap();
    clock.set(at(5, 16, 30));
    let t = svc
        .open_ticket(
            &clerk,
            &NewComplaint {
                customer_id: c.id,
                category: Category::TopUp,
                priority: Priority::Normal,
                channel: TicketChannel::Counter,
                description: "charged twice".into(),
                disputed_month: None,
                assignee: None,
            },
        )
        .unwrap();
    svc.ticket_transition(&clerk, t.id, TicketStatus::InProgress, "")
        .unwrap();
    svc.ticket_resolve(&clerk, t.id, "refunded the double charge", None)
        .unwrap();
    // The next day's activity stays out of this day's report.
    clock.set(at(6, 0, 30));
    top_up(&mut svc, &clerk, &phones[0], 7_000, Channel::Cash, "r-5");

    let day = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
    let r = svc
        .report_daily(&sup, Some(day), Some(Fen::parse("110").unwrap()))
        .unwrap();
    // The day is 2026-12-05 00:00 to 24:00 at +08:00: 2026-12-04T16:00Z to 2026-12-05T16:00Z.
    let range =
        "created_at >= '2026-12-04T16:00:00.000Z' AND created_at < '2026-12-05T16:00:00.000Z'";
    let ledger_topups = sum(
        &svc,
        &format!("SELECT coalesce(sum(amount_fen),0) FROM ledger WHERE kind='top_up' AND {range}"),
    );
    let ledger_refunds = sum(
        &svc,
        &format!(
            "SELECT coalesce(sum(amount_fen),0) FROM ledger WHERE kind='reversal' AND ref_type='topup_refund' AND {range}"
        ),
    );
    let ledger_credit = sum(
        &svc,
        &format!(
            "SELECT coalesce(sum(amount_fen),0) FROM ledger WHERE kind='points_credit' AND {range}"
        ),
    );
    assert_eq!(r.topups.count, 4);
    assert_eq!(r.topups.credited_fen, ledger_topups);
    let paid = sum(
        &svc,
        "SELECT sum(paid_fen) FROM payments WHERE request_id IN ('r-1','r-2','r-3','r-4')",
    );
    assert_eq!(r.topups.paid_fen, paid);
    assert_eq!(r.refunds.amount_fen, -ledger_refunds);
    assert_eq!(r.refunds.amount_fen, 4_000);
    assert_eq!(r.redemptions.credit_fen, ledger_credit);
    assert_eq!((r.redemptions.count, r.redemptions.points), (1, 2500));
    assert!(r.ledger.reconciled, "{:?}", r.ledger);
    // Channels add up to the total; staff lines add up to the total.
    let by_ch: i64 = r.topups.by_channel.iter().map(|c| c.paid_fen).sum();
    let by_staff: i64 = r.topups.by_staff.iter().map(|c| c.paid_fen).sum();
    assert_eq!((by_ch, by_staff), (r.topups.paid_fen, r.topups.paid_fen));
    // The drawer: cash paid in less what the refund handed back (promotions make paid differ
    // from credited, so the figures come from the payments themselves).
    let cash_in = sum(
        &svc,
        "SELECT sum(paid_fen) FROM payments WHERE request_id IN ('r-1','r-2')",
    );
    let cash_out = sum(&svc, "SELECT sum(returned_fen) FROM topup_refunds");
    assert_eq!(r.cash.received_fen, cash_in);
    assert_eq!(r.cash.refunded_fen, cash_out);
    assert_eq!(r.cash.expected_fen, cash_in - cash_out);
    assert_eq!(r.cash.counted_fen, Some(11_000));
    assert_eq!(r.cash.difference_fen, Some(11_000 - (cash_in - cash_out)));
    assert_eq!((r.complaints.opened, r.complaints.resolved), (1, 1));
    // Hours: 09 has two top-ups, 11 two, the redemption at 14.
    assert_eq!(r.hours[9].topups, 2);
    assert_eq!(r.hours[11].topups, 2);
    assert_eq!(r.hours[14].redemptions, 1);
    assert_eq!(r.hours.iter().map(|h| h.paid_fen).sum::<i64>(), paid);
    assert_eq!(r.plan_changes.count, 0, "no plan change that day");
}

#[test]
fn a_clerk_may_not_see_the_report_and_the_refusal_is_audited() {
    let (_db, mut svc, _clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let e = svc.report_daily(&clerk, None, None).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    let n = sum(
        &svc,
        "SELECT count(*) FROM audit_log WHERE action = 'report.daily' AND outcome = 'refused'",
    );
    assert_eq!(n, 1);
}

const HEADER: &str = "phone,name,id_number,brand,plan,customer_type,real_name_verified,status,joined_on,star_level,tags,notes";

/// A valid ID number for row `i`.
fn id_number(i: usize) -> String {
    let first17 = format!("11010119900101{:03}", i);
    format!(
        "{first17}{}",
        touchpoint::domain::IdNumber::check_char(&first17).unwrap()
    )
}

fn row(i: usize) -> String {
    format!(
        "1590000{:04},客户{i},{},gotone,GT58,consumer,true,active,2025-01-02,1,,",
        i,
        id_number(i)
    )
}

fn empty_db(dir: &Path) -> Service {
    let path = dir.join("empty.sqlite");
    let clock = ManualClock::at(touchpoint::domain::clock::demo_epoch());
    auth::init(&path, "admin-pass-1", clock).unwrap()
}

fn count_customers(svc: &Service) -> i64 {
    sum(svc, "SELECT count(*) FROM customers")
}

#[test]
fn a_bad_phone_on_line_7_and_a_duplicate_on_line_12_import_nothing_and_name_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let mut svc = empty_db(dir.path());
    let s = svc.login("admin", "admin-pass-1").unwrap();
    // Line 1 is the header; data rows start on line 2.
    let mut lines = vec![HEADER.to_string()];
    for i in 2..=14 {
        lines.push(match i {
            7 => row(i).replacen("1590000", "1290000", 1),
            12 => row(3),
            _ => row(i),
        });
    }
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let e = svc
        .customer_import(&s, &file, ImportOptions::default(), &mut |_, _| {})
        .unwrap_err();
    let m = e.message(Lang::En);
    assert_eq!(e.kind(), Some(ProblemKind::BadInput));
    assert!(m.contains("line 7:"), "{m}");
    assert!(
        m.contains("line 12: duplicate phone: same as line 3"),
        "{m}"
    );
    assert!(m.starts_with("2 bad row(s)"), "{m}");
    assert!(e.message(Lang::Zh).contains("第 7 行"));
    assert_eq!(count_customers(&svc), 0);

    // --skip-bad imports the other eleven and lists the two.
    let r = svc
        .customer_import(
            &s,
            &file,
            ImportOptions {
                update: false,
                skip_bad: true,
            },
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!((r.created, r.skipped), (11, 2));
    // The rows after each refused one keep their own text.
    for i in [8, 13, 14] {
        let c = svc.find_customer(&format!("1590000{i:04}")).unwrap();
        assert_eq!(c.name, format!("客户{i}"));
    }
    assert_eq!(
        r.bad.iter().map(|b| b.line).collect::<Vec<_>>(),
        vec![7, 12]
    );
    assert_eq!(count_customers(&svc), 11);
}

/// Row `i` of a file large enough for the bulk path (which drops and rebuilds the phone index).
fn bulk_row(i: usize) -> String {
    format!(
        "1591{:07},客户{i},{},gotone,GT58,consumer,true,active,2025-01-02,1,,",
        i,
        id_number(i % 1000)
    )
}

fn phone_index_exists(svc: &Service) -> bool {
    sum(
        svc,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = 'customers_phone'",
    ) == 1
}

#[test]
fn a_bulk_import_is_all_or_nothing_and_keeps_phones_unique() {
    const ROWS: usize = 60_000; // over the bulk threshold, several reader chunks
    let dir = tempfile::tempdir().unwrap();
    let mut svc = empty_db(dir.path());
    let s = svc.login("admin", "admin-pass-1").unwrap();
    let one = dir.path().join("one.csv");
    std::fs::write(&one, format!("{HEADER}\n{}\n", bulk_row(7))).unwrap();
    svc.customer_import(&s, &one, ImportOptions::default(), &mut |_, _| {})
        .unwrap();

    // A duplicate near the end, after most rows were written: nothing stays, the index too.
    let mut lines = vec![HEADER.to_string()];
    lines.extend((0..ROWS).map(bulk_row));
    lines[ROWS - 10] = bulk_row(5);
    let file = dir.path().join("bulk.csv");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let e = svc
        .customer_import(&s, &file, UPDATE, &mut |_, _| {})
        .unwrap_err();
    let m = e.message(Lang::En);
    assert!(
        m.contains(&format!(
            "line {}: duplicate phone: same as line 7",
            ROWS - 9
        )),
        "{m}"
    );
    assert_eq!(count_customers(&svc), 1);
    assert!(
        phone_index_exists(&svc),
        "the rollback keeps the phone index"
    );
    assert_eq!(
        common::pragma(&svc, "foreign_keys"),
        1,
        "set back after a failure"
    );
    assert_eq!(
        common::pragma(&svc, "cache_size"),
        -65_536,
        "the usual page cache"
    );

    // Fixed: the stored customer is updated, the rest created, and the index is back.
    lines[ROWS - 10] = bulk_row(ROWS - 11);
    std::fs::write(&file, lines.join("\n")).unwrap();
    let mut seen = Vec::new();
    let r = svc
        .customer_import(&s, &file, UPDATE, &mut |done, total| {
            seen.push((done, total))
        })
        .unwrap();
    assert_eq!((r.rows, r.created, r.updated), (ROWS, ROWS - 1, 1));
    assert_eq!(count_customers(&svc), ROWS as i64);
    assert!(phone_index_exists(&svc));
    // The bulk load skipped foreign-key lookups; they are on again and nothing dangles.
    assert_eq!(common::pragma(&svc, "foreign_keys"), 1);
    assert_eq!(common::pragma(&svc, "temp_store"), 0);
    assert_eq!(common::dangling_references(&svc, "customers"), 0);
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0 && w[0].0 <= w[0].1));
    assert_eq!(seen.last().map(|p| p.0), Some(ROWS));
    let c = svc.find_customer(&format!("1591{:07}", ROWS - 1)).unwrap();
    assert_eq!(c.name, format!("客户{}", ROWS - 1));
}

#[test]
fn a_gbk_file_with_quoted_commas_and_line_breaks_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut svc = empty_db(dir.path());
    let s = svc.login("admin", "admin-pass-1").unwrap();
    let text = format!(
        "{HEADER}\r\n15900000001,张伟,{},gotone,GT58,集团客户,是,active,2024-03-01,3,\"VIP，家庭,老客户\",\"住址：北京,朝阳\r\n第二行备注\"\r\n",
        id_number(1)
    );
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let r = svc
        .customer_import(&s, &file, ImportOptions::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!((r.created, r.encoding.as_str()), (1, "gb18030"));
    let c = svc.find_customer("15900000001").unwrap();
    assert_eq!(c.name, "张伟");
    assert_eq!(c.tags, "VIP,家庭,老客户");
    assert_eq!(c.notes, "住址：北京,朝阳\r\n第二行备注");
    assert_eq!(c.customer_type.code(), "corporate");
    // The same phone again: refused without --update, updated with it.
    let again = svc.customer_import(&s, &file, ImportOptions::default(), &mut |_, _| {});
    assert!(again.unwrap_err().message(Lang::En).contains("--update"));
    let r = svc
        .customer_import(&s, &file, UPDATE, &mut |_, _| {})
        .unwrap();
    assert_eq!((r.created, r.updated), (0, 1));
}

#[test]
fn export_import_export_is_byte_identical_and_carries_no_passwords() {
    let (db, mut svc, _clock) = demo_service();
    let admin = login(&mut svc, "admin");
    let first = db.dir.path().join("first.csv");
    let e = svc.customer_export(&admin, &first, true).unwrap();
    assert!(e.customers >= 1000);
    let bytes = std::fs::read(&first).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        !text.contains("argon2"),
        "service password hashes must not leave the database"
    );

    let mut empty = empty_db(db.dir.path());
    let s = empty.login("admin", "admin-pass-1").unwrap();
    let r = empty
        .customer_import(&s, &first, ImportOptions::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!((r.created, r.encoding.as_str()), (e.customers, "utf-8-bom"));
    let second = db.dir.path().join("second.csv");
    empty.customer_export(&s, &second, true).unwrap();
    assert!(
        std::fs::read(&second).unwrap() == bytes,
        "the round trip changed the file"
    );
    assert!(check::run(empty.conn()).unwrap().ok());
}

#[test]
fn import_and_export_need_an_admin() {
    let (db, mut svc, _clock) = demo_service();
    let sup = login(&mut svc, "super");
    let f = db.dir.path().join("x.csv");
    let e = svc.customer_export(&sup, &f, false).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    assert!(!f.exists());
    let e = svc.backup(&sup, &f).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
}

#[test]
fn a_backup_taken_while_another_connection_writes_restores_to_a_database_that_checks() {
    let (db, mut svc, _clock) = demo_service();
    let admin = login(&mut svc, "admin");
    let path = db.path.clone();
    let phones = active_phones(&svc, 20);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let clock = ManualClock::at(touchpoint::domain::clock::demo_epoch());
            let mut other = Service::open(&path, clock).unwrap();
            let s = other.login("clerk", "demo").unwrap();
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || n < 5 {
                let phone = &phones[n % phones.len()];
                top_up(
                    &mut other,
                    &s,
                    phone,
                    1_000,
                    Channel::Cash,
                    &format!("bg-{n}"),
                );
                n += 1;
            }
            n
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    let file = db.dir.path().join("backup.sqlite");
    let b = svc.backup(&admin, &file).unwrap();
    assert!(b.integrity_ok && b.bytes > 0);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written >= 5);

    // Restore into the live database: the replaced one is kept, the result checks.
    let r = svc.restore(&admin, &file).unwrap();
    assert!(Path::new(&r.replaced_copy).exists());
    let report = check::run(svc.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    // And the CLI's `check` agrees.
    assert_cmd::Command::cargo_bin("touchpoint")
        .unwrap()
        .args(["--db", db.path.to_str().unwrap(), "check"])
        .assert()
        .success();
    // The replaced copy holds every top-up the writer made.
    let kept = rusqlite::Connection::open(&r.replaced_copy).unwrap();
    let n: i64 = kept
        .query_row(
            "SELECT count(*) FROM payments WHERE request_id LIKE 'bg-%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n as usize, written);
}

#[test]
fn restore_refuses_a_random_file_and_leaves_everything_untouched() {
    let (db, mut svc, _clock) = demo_service();
    let admin = login(&mut svc, "admin");
    let junk = db.dir.path().join("junk.sqlite");
    let bytes: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&junk, &bytes).unwrap();
    let before = std::fs::read_dir(db.dir.path()).unwrap().count();
    let customers = count_customers(&svc);
    let e = svc.restore(&admin, &junk).unwrap_err();
    assert!(e.exit_code() == 2 || e.exit_code() == 4, "{e:?}");
    assert_eq!(std::fs::read(&junk).unwrap(), bytes);
    assert_eq!(std::fs::read_dir(db.dir.path()).unwrap().count(), before);
    assert_eq!(count_customers(&svc), customers);
    // A file that does not exist: not found, nothing made.
    let e = svc
        .restore(&admin, &db.dir.path().join("nope.sqlite"))
        .unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::NotFound));
}

#[test]
fn the_benchmark_customer_file_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut svc = empty_db(dir.path());
    let s = svc.login("admin", "admin-pass-1").unwrap();
    let file = dir.path().join("gen.csv");
    touchpoint::synthetic::write_customers_csv(&file, 500).unwrap();
    let r = svc
        .customer_import(&s, &file, ImportOptions::default(), &mut |_, _| {})
        .unwrap();
    assert_eq!((r.rows, r.created, r.skipped), (500, 500, 0));
}
