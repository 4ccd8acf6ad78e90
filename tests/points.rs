//! The points mall end to end with a controllable clock (SPEC §1 "Points mall").

mod common;

use chrono::{Duration, TimeZone};
use common::{demo_service, login};
use std::sync::{Arc, Barrier};
use touchpoint::domain::clock::{ManualClock, counter_tz, demo_epoch};
use touchpoint::domain::visit::Proof;
use touchpoint::domain::{Clock, Fen, Lang, ProblemKind};
use touchpoint::service::{Service, Session, check};
use touchpoint::store::{self, audit::Outcome};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> chrono::DateTime<chrono::Utc> {
    counter_tz()
        .with_ymd_and_hms(y, m, d, h, min, s)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// Opens and verifies a visit by the ID tail (works for every customer).
fn verified(svc: &mut Service, s: &Session, phone: &str) -> (i64, i64) {
    let c = svc.find_customer(phone).unwrap();
    let visit = svc.open_visit(s, c.id).unwrap();
    svc.verify(s, visit, &Proof::IdLast6(c.id_number[12..].to_string()))
        .unwrap();
    (c.id, visit)
}

/// Lots still relevant: the demo's spent 2023-06 lot is left out.
fn lots(svc: &Service, id: i64) -> Vec<(String, i64)> {
    store::points::all_lots(svc.conn(), id)
        .unwrap()
        .into_iter()
        .filter(|l| l.earned_month != "2023-06")
        .map(|l| (l.earned_month, l.remaining))
        .collect()
}

fn assert_check(svc: &Service) {
    let r = check::run(svc.conn()).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

fn msg(e: &touchpoint::Error) -> String {
    e.message(Lang::En)
}

#[test]
fn the_seed_trial_redeems_30_yuan_and_sends_two_notices_in_order() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "13800138000");
    let before = svc.customer_by_id(&s, id, Some(visit)).unwrap();
    assert_eq!(before.points, 2537);
    let r = svc.redeem(&s, Some(visit), id, "CREDIT30").unwrap();
    assert_eq!((r.points_before, r.points_after), (2537, 37));
    assert_eq!(r.balance_after_fen - r.balance_before_fen, 3000);
    let after = svc.customer_by_id(&s, id, Some(visit)).unwrap();
    assert_eq!(after.points, 37);
    assert_eq!(
        Fen(after.balance_fen - before.balance_fen).to_string(),
        "¥30.00"
    );
    let notices = store::notices::recent(svc.conn(), id, 2).unwrap();
    assert_eq!(notices[1].template, "redemption");
    assert_eq!(notices[1].title(Lang::Zh), "兑换业务提醒");
    assert_eq!(notices[0].template, "credit");
    assert_eq!(notices[0].title(Lang::Zh), "充值提醒");
    assert!(notices[0].text.contains("¥30.00"));
    // A second attempt: insufficient points, nothing changed.
    let count = |svc: &Service| -> i64 {
        svc.conn()
            .query_row("SELECT count(*) FROM notices", [], |r| r.get(0))
            .unwrap()
    };
    let n = count(&svc);
    let e = svc.redeem(&s, Some(visit), id, "CREDIT30").unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    assert!(
        msg(&e).contains("insufficient points: 37 available, 2500 needed"),
        "{}",
        msg(&e)
    );
    let again = svc.customer_by_id(&s, id, Some(visit)).unwrap();
    assert_eq!(
        (again.points, again.balance_fen),
        (after.points, after.balance_fen)
    );
    assert_eq!(count(&svc), n);
    assert_eq!(
        store::audit::find(svc.conn(), "points.redeem", Some(Outcome::Refused), 5)
            .unwrap()
            .len(),
        1
    );
    assert_check(&svc);
}

#[test]
fn redemption_needs_a_verified_visit() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let e = svc.redeem(&s, None, c.id, "CREDIT30").unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    assert!(msg(&e).contains("needs a verified customer"));
    assert_eq!(svc.customer_by_id(&s, c.id, None).unwrap().points, 2537);
    let e = svc.redeem(&s, None, c.id, "NOPE").unwrap_err();
    assert_eq!(
        e.kind(),
        Some(ProblemKind::Refused),
        "verification is checked first"
    );
    let (id, visit) = verified(&mut svc, &s, "13800138000");
    let e = svc.redeem(&s, Some(visit), id, "NOPE").unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::NotFound));
}

#[test]
fn spending_takes_the_oldest_lots_first() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "13800138000");
    let before = lots(&svc, id);
    assert_eq!(
        before[0],
        ("2023-12".into(), 412),
        "the lot expiring this month comes first"
    );
    svc.redeem(&s, Some(visit), id, "CREDIT10").unwrap(); // 880 points
    // Take 880 from the lots in expiry order, as a clerk would by hand.
    let mut left = 880;
    let expected: Vec<(String, i64)> = before
        .iter()
        .map(|(m, p)| {
            let take = left.min(*p);
            left -= take;
            (m.clone(), p - take)
        })
        .collect();
    assert_eq!(lots(&svc, id), expected);
    assert_eq!(expected[0].1, 0);
    assert_check(&svc);
}

#[test]
fn lots_expire_after_their_last_day_and_the_run_is_idempotent() {
    let (_db, mut svc, clock) = demo_service();
    let sup = login(&mut svc, "super");
    let c = svc.find_customer("13800138000").unwrap();
    clock.set(at(2026, 12, 31, 23, 59, 59));
    assert_eq!(
        svc.points_balance(&sup, c.id).unwrap().points,
        2537,
        "valid through 31 December"
    );
    clock.set(at(2027, 1, 1, 0, 0, 0));
    let b = svc.points_balance(&sup, c.id).unwrap();
    assert_eq!(b.points, 2125, "the 2023-12 lot expired at midnight");
    assert!(b.lots[0].expired);
    let today = touchpoint::domain::clock::local_date(clock.now());
    let first = svc.expire_points(&sup, today).unwrap();
    assert!(first.points >= 412 && first.lots >= 1);
    assert_eq!(lots(&svc, c.id)[0], ("2023-12".into(), 0));
    let second = svc.expire_points(&sup, today).unwrap();
    assert_eq!((second.points, second.lots, second.customers), (0, 0, 0));
    assert_eq!(svc.customer_by_id(&sup, c.id, None).unwrap().points, 2125);
    let clerk = login(&mut svc, "clerk");
    assert_eq!(
        svc.expire_points(&clerk, today).unwrap_err().kind(),
        Some(ProblemKind::Refused)
    );
    assert_check(&svc);
}

#[test]
fn points_are_frozen_while_suspended() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "13900139000");
    assert!(svc.points_balance(&s, id).unwrap().frozen);
    let e = svc.redeem(&s, Some(visit), id, "SMS50").unwrap_err();
    assert!(
        msg(&e).contains("suspended: points are frozen"),
        "{}",
        msg(&e)
    );
}

#[test]
fn the_last_unit_of_stock_goes_once() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (a, va) = verified(&mut svc, &s, "13800138000");
    svc.redeem(&s, Some(va), a, "STARBUCKS").unwrap();
    let item = svc
        .points_catalog()
        .unwrap()
        .into_iter()
        .find(|i| i.code == "STARBUCKS")
        .unwrap();
    assert_eq!(item.stock, Some(0));
    let (b, vb) = verified(&mut svc, &s, "18800188000");
    let e = svc.redeem(&s, Some(vb), b, "STARBUCKS").unwrap_err();
    assert!(msg(&e).contains("out of stock"));
}

#[test]
fn the_monthly_limit_counts_per_customer_per_month() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "18800188000");
    for _ in 0..5 {
        svc.redeem(&s, Some(visit), id, "SMS50").unwrap();
    }
    let e = svc.redeem(&s, Some(visit), id, "SMS50").unwrap_err();
    assert!(
        msg(&e).contains("limited to 5 per customer per month; already 5"),
        "{}",
        msg(&e)
    );
    clock.set(at(2027, 1, 1, 9, 0, 0));
    let (id, visit) = verified(&mut svc, &s, "18800188000");
    svc.redeem(&s, Some(visit), id, "SMS50").unwrap();
    let jan: i64 = store::redemptions::allowance_total(svc.conn(), id, "2027-01", "sms").unwrap();
    assert_eq!(jan, 50);
    assert_eq!(
        store::redemptions::allowance_total(svc.conn(), id, "2026-12", "sms").unwrap(),
        250
    );
}

#[test]
fn coupons_are_unique_and_shown_in_the_history() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "18800188000");
    let a = svc.redeem(&s, Some(visit), id, "MEITUAN10").unwrap();
    let b = svc.redeem(&s, Some(visit), id, "MEITUAN10").unwrap();
    let (ca, cb) = (a.coupon_code.unwrap(), b.coupon_code.unwrap());
    assert!(ca.starts_with("MT-") && ca.len() == 13);
    assert_ne!(ca, cb);
    let h = svc.redemption_history(&s, Some(visit), id, 10).unwrap();
    assert_eq!(h[0].got(Lang::En), cb);
    assert!(
        svc.redemption_history(&s, None, id, 10).is_err(),
        "history needs verification"
    );
}

#[test]
fn reversal_restores_the_original_lots_but_expired_ones_stay_expired() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "13800138000");
    let balance0 = svc.customer_by_id(&s, id, None).unwrap().balance_fen;
    let before = lots(&svc, id);
    let r = svc.redeem(&s, Some(visit), id, "CREDIT10").unwrap();
    // The 2023-12 lot (412 of the 880) expires before the reversal.
    clock.set(at(2027, 1, 2, 9, 0, 0));
    let clerk_try = svc.reverse_redemption(&s, r.id, "wrong item").unwrap_err();
    assert_eq!(clerk_try.kind(), Some(ProblemKind::Refused));
    assert_eq!(
        store::audit::find(svc.conn(), "points.reverse", Some(Outcome::Refused), 5)
            .unwrap()
            .len(),
        1
    );
    let sup = login(&mut svc, "super");
    let rev = svc
        .reverse_redemption(&sup, r.id, "customer chose the wrong item")
        .unwrap();
    assert_eq!(
        (
            rev.points_returned,
            rev.points_expired,
            rev.credit_reversed_fen
        ),
        (468, 412, 1000)
    );
    // Every lot is back as it was, except the one that expired meanwhile.
    let mut expected = before.clone();
    expected[0].1 = 0;
    assert_eq!(lots(&svc, id), expected);
    assert_eq!(
        svc.customer_by_id(&sup, id, None).unwrap().balance_fen,
        balance0
    );
    let e = svc.reverse_redemption(&sup, r.id, "again").unwrap_err();
    assert!(msg(&e).contains("already reversed"));
    assert_check(&svc);
}

#[test]
fn reversal_takes_back_an_allowance_and_returns_stock() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (id, visit) = verified(&mut svc, &s, "18800188000");
    let points0 = svc.customer_by_id(&s, id, None).unwrap().points;
    let r = svc.redeem(&s, Some(visit), id, "DATA1G").unwrap();
    assert_eq!(
        store::redemptions::allowance_total(svc.conn(), id, "2026-12", "data_mb").unwrap(),
        1024
    );
    let j = svc.redeem(&s, Some(visit), id, "JD20").unwrap();
    let stock = |svc: &Service| {
        svc.points_catalog()
            .unwrap()
            .into_iter()
            .find(|i| i.code == "JD20")
            .unwrap()
            .stock
            .unwrap()
    };
    let left = stock(&svc);
    let sup = login(&mut svc, "super");
    svc.reverse_redemption(&sup, r.id, "not needed").unwrap();
    svc.reverse_redemption(&sup, j.id, "not needed").unwrap();
    assert_eq!(
        store::redemptions::allowance_total(svc.conn(), id, "2026-12", "data_mb").unwrap(),
        0
    );
    assert_eq!(stock(&svc), left + 1);
    assert_eq!(svc.customer_by_id(&sup, id, None).unwrap().points, points0);
    assert_check(&svc);
}

#[test]
fn earning_follows_the_brand_rules() {
    let (_db, mut svc, _clock) = demo_service();
    let sup = login(&mut svc, "super");
    let gotone = svc.find_customer("18800188000").unwrap();
    assert_eq!(
        svc.earn_points(&sup, gotone.id, "2026-11", Fen(12_899), "bill-1")
            .unwrap(),
        256
    );
    let lot = store::points::all_lots(svc.conn(), gotone.id)
        .unwrap()
        .into_iter()
        .find(|l| l.earned_month == "2026-11")
        .unwrap();
    assert_eq!(lot.expires_on, "2029-11-30");
    let easyown_unverified = svc.find_customer("15800158000").unwrap();
    assert_eq!(
        svc.earn_points(&sup, easyown_unverified.id, "2026-11", Fen(5_000), "bill-2")
            .unwrap(),
        0
    );
    let easyown = svc.find_customer("13500135000").unwrap();
    assert_eq!(
        svc.earn_points(&sup, easyown.id, "2026-11", Fen(5_050), "bill-3")
            .unwrap(),
        50
    );
    let mzone = svc.find_customer("13900139000").unwrap();
    assert_eq!(
        svc.earn_points(&sup, mzone.id, "2026-11", Fen(3_800), "bill-4")
            .unwrap(),
        38
    );
    let clerk = login(&mut svc, "clerk");
    assert!(
        svc.earn_points(&clerk, mzone.id, "2026-11", Fen(100), "x")
            .is_err()
    );
    assert_check(&svc);
}

/// Two terminals redeem at the same moment on one file: only one may win.
fn race(phones: [&str; 2], code: &str) -> Vec<Result<i64, String>> {
    let db = common::demo_db();
    let barrier = Arc::new(Barrier::new(2));
    let handles: Vec<_> = phones
        .iter()
        .map(|phone| {
            let path = db.path.clone();
            let barrier = barrier.clone();
            let phone = phone.to_string();
            let code = code.to_string();
            std::thread::spawn(move || {
                let mut svc =
                    Service::open(&path, ManualClock::at(demo_epoch() + Duration::minutes(1)))
                        .unwrap();
                let s = svc.login("clerk", "demo").unwrap();
                let (id, visit) = verified(&mut svc, &s, &phone);
                barrier.wait();
                svc.redeem(&s, Some(visit), id, &code)
                    .map(|r| r.id)
                    .map_err(|e| e.message(Lang::En))
            })
        })
        .collect();
    let out = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let svc = Service::open(&db.path, ManualClock::at(demo_epoch())).unwrap();
    assert_check(&svc);
    out
}

#[test]
fn concurrent_redemptions_of_the_last_points_succeed_once() {
    let results = race(["13800138000", "13800138000"], "CREDIT30");
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| r.as_ref().is_err_and(|e| e.contains("insufficient points"))),
        "{results:?}"
    );
}

#[test]
fn concurrent_redemptions_of_the_last_unit_succeed_once() {
    let results = race(["13800138000", "18800188000"], "STARBUCKS");
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| r.as_ref().is_err_and(|e| e.contains("out of stock"))),
        "{results:?}"
    );
}
