//! Flows across the service, store and domain layers, with a controllable clock.

mod common;

use chrono::Duration;
use common::{demo_service, login};
use touchpoint::domain::ProblemKind;
use touchpoint::domain::customer::CustomerStatus;
use touchpoint::domain::visit::{Proof, VerifyMethod};
use touchpoint::service::customers::NewCustomer;
use touchpoint::store::{self, audit::Outcome, customers::ProfileEdit};

fn kind(e: &touchpoint::Error) -> Option<ProblemKind> {
    e.kind()
}

#[test]
fn demo_has_the_seed_trial_customer() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let v = svc.customer_show(&s, "13800138000", None).unwrap();
    assert_eq!(v.points, 2537);
    assert_eq!(v.brand, "gotone");
    assert!(v.verified_real_name);
    assert_eq!(v.name, "张*华", "unverified views are masked");
    assert_eq!(v.id_number.chars().filter(|c| *c == '*').count(), 10);
    let lots = store::points::open_lots(svc.conn(), v.id).unwrap();
    assert_eq!(lots.iter().map(|l| l.remaining).sum::<i64>(), 2537);
    assert_eq!(
        lots[0].expires_on, "2026-12-31",
        "some points expire within months"
    );
    assert_eq!(store::customers::count(svc.conn()).unwrap(), 1000);
}

#[test]
fn verification_lasts_until_ten_idle_minutes() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    assert!(!svc.visit_status(visit).unwrap().verified);
    assert_eq!(
        svc.verify(&s, visit, &Proof::Password("123456".into()))
            .unwrap(),
        VerifyMethod::Password
    );
    let v = svc.customer_by_id(&s, c.id, Some(visit)).unwrap();
    assert_eq!(v.name, "张明华");
    // Activity keeps it fresh.
    clock.advance(Duration::minutes(9));
    svc.touch_visit(visit).unwrap();
    clock.advance(Duration::minutes(9));
    assert!(svc.visit_status(visit).unwrap().verified);
    // Ten idle minutes lapse it, and touching a lapsed visit does not revive it.
    clock.advance(Duration::minutes(1));
    assert!(!svc.visit_status(visit).unwrap().verified);
    svc.touch_visit(visit).unwrap();
    assert!(!svc.visit_status(visit).unwrap().verified);
    let e = svc.customer_activity(&s, Some(visit), c.id, 5).unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
}

#[test]
fn closing_the_visit_ends_verification() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    svc.verify(&s, visit, &Proof::IdLast6(c.id_number[12..].to_string()))
        .unwrap();
    svc.close_visit(&s, visit).unwrap();
    assert!(!svc.visit_status(visit).unwrap().verified);
    assert!(
        svc.verify(&s, visit, &Proof::Password("123456".into()))
            .is_err()
    );
}

#[test]
fn verification_of_one_customer_does_not_unlock_another() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let a = svc.find_customer("13800138000").unwrap();
    let b = svc.find_customer("18800188000").unwrap();
    let visit = svc.open_visit(&s, a.id).unwrap();
    svc.verify(&s, visit, &Proof::Password("123456".into()))
        .unwrap();
    let v = svc.customer_by_id(&s, b.id, Some(visit)).unwrap();
    assert!(!v.verified);
    assert!(svc.customer_activity(&s, Some(visit), b.id, 5).is_err());
}

#[test]
fn five_wrong_service_passwords_lock_the_password_for_fifteen_minutes() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    for i in 1..=5 {
        let e = svc
            .verify(&s, visit, &Proof::Password("000000".into()))
            .unwrap_err();
        assert_eq!(kind(&e), Some(ProblemKind::Refused), "attempt {i}");
    }
    // Locked: even the right password is refused …
    let e = svc
        .verify(&s, visit, &Proof::Password("123456".into()))
        .unwrap_err();
    assert!(e.message(touchpoint::domain::Lang::En).contains("locked"));
    // … but the ID check still works.
    svc.verify(&s, visit, &Proof::IdLast6(c.id_number[12..].to_string()))
        .unwrap();
    // After fifteen minutes the password works again.
    let visit2 = svc.open_visit(&s, c.id).unwrap();
    clock.advance(Duration::minutes(15) + Duration::seconds(1));
    svc.verify(&s, visit2, &Proof::Password("123456".into()))
        .unwrap();
    let failed = store::audit::find(svc.conn(), "verify.pw", Some(Outcome::Failed), 10).unwrap();
    assert_eq!(failed.len(), 5, "every wrong attempt is audited");
    let refused = store::audit::find(svc.conn(), "verify.pw", Some(Outcome::Refused), 10).unwrap();
    assert_eq!(refused.len(), 1, "the locked attempt is audited");
}

#[test]
fn one_time_codes_verify_once_and_expire() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("15800158000").unwrap();
    let visit = svc.open_visit(&s, c.id).unwrap();
    // No password set for this customer.
    assert!(
        svc.verify(&s, visit, &Proof::Password("123456".into()))
            .is_err()
    );
    svc.send_otp(&s, visit).unwrap();
    let notice = svc.latest_notice().unwrap().unwrap();
    assert_eq!(notice.template, "otp");
    let code = notice.params["code"].clone();
    assert!(notice.text.contains(&code));
    assert!(
        svc.verify(&s, visit, &Proof::Otp("999999x".into()))
            .is_err()
    );
    svc.verify(&s, visit, &Proof::Otp(code.clone())).unwrap();
    // Used codes do not verify again.
    let visit2 = svc.open_visit(&s, c.id).unwrap();
    assert!(svc.verify(&s, visit2, &Proof::Otp(code)).is_err());
    // Codes expire after five minutes.
    svc.send_otp(&s, visit2).unwrap();
    let code = svc.latest_notice().unwrap().unwrap().params["code"].clone();
    clock.advance(Duration::minutes(5));
    assert!(svc.verify(&s, visit2, &Proof::Otp(code)).is_err());
}

#[test]
fn staff_lockout_and_admin_unlock() {
    let (_db, mut svc, clock) = demo_service();
    for _ in 0..5 {
        let e = svc.login("clerk", "wrong").unwrap_err();
        assert_eq!(kind(&e), Some(ProblemKind::Refused));
    }
    let e = svc.login("clerk", "demo").unwrap_err();
    assert!(e.message(touchpoint::domain::Lang::En).contains("locked"));
    let admin = login(&mut svc, "admin");
    let clerk_try = svc.login("super", "demo").unwrap();
    assert!(
        svc.staff_unlock(&clerk_try, "clerk").is_err(),
        "only an admin unlocks"
    );
    svc.staff_unlock(&admin, "clerk").unwrap();
    login(&mut svc, "clerk");
    // The lock also ends by itself after fifteen minutes.
    for _ in 0..5 {
        let _ = svc.login("super", "nope");
    }
    assert!(svc.login("super", "demo").is_err());
    clock.advance(Duration::minutes(15));
    login(&mut svc, "super");
    assert!(
        !store::audit::find(svc.conn(), "login.failed", None, 20)
            .unwrap()
            .is_empty()
    );
    assert!(
        !store::audit::find(svc.conn(), "login.locked", None, 20)
            .unwrap()
            .is_empty()
    );
    // An unknown id fails like a wrong password and is audited.
    assert!(svc.login("ghost", "demo").is_err());
    let rows = store::audit::find(svc.conn(), "login.failed", None, 1).unwrap();
    assert_eq!(rows[0].staff_id, "ghost");
}

#[test]
fn roles_are_checked_in_the_service_and_refusals_audited() {
    let (_db, mut svc, _clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let c = svc.find_customer("13900139000").unwrap();
    let e = svc
        .customer_close(&clerk, c.id, "moving abroad")
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert!(
        e.message(touchpoint::domain::Lang::En)
            .contains("supervisor")
    );
    let refused =
        store::audit::find(svc.conn(), "customer.close", Some(Outcome::Refused), 5).unwrap();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].staff_id, "clerk");
    let visit = svc.open_visit(&clerk, c.id).unwrap();
    assert!(
        svc.override_verification(&clerk, visit, "known customer")
            .is_err()
    );
    let sup = login(&mut svc, "super");
    let v = svc.customer_close(&sup, c.id, "moving abroad").unwrap();
    assert_eq!(v.status, CustomerStatus::Closed);
    // A closed customer is read-only.
    let visit = svc.open_visit(&sup, c.id).unwrap();
    svc.override_verification(&sup, visit, "customer present without ID")
        .unwrap();
    let e = svc
        .customer_edit(
            &sup,
            Some(visit),
            c.id,
            ProfileEdit {
                notes: Some("x".into()),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert!(svc.customer_close(&sup, c.id, "again").is_err());
    assert!(
        svc.staff_list(&sup).is_err(),
        "staff accounts are the admin's"
    );
}

#[test]
fn customers_are_created_validated_and_searchable() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let base = NewCustomer {
        phone: "+86 139-1234-5678".into(),
        name: "欧阳娜娜".into(),
        id_number: "11010519491231002X".into(),
        brand: "mzone".into(),
        plan: "MZ38".into(),
        ..Default::default()
    };
    for (bad, field) in [
        (
            NewCustomer {
                phone: "1391234567".into(),
                ..base.clone()
            },
            "10 digits",
        ),
        (
            NewCustomer {
                id_number: "110105194912310021".into(),
                ..base.clone()
            },
            "check character",
        ),
        (
            NewCustomer {
                brand: "unicom".into(),
                ..base.clone()
            },
            "unknown brand",
        ),
        (
            NewCustomer {
                plan: "GT88".into(),
                ..base.clone()
            },
            "not a M-Zone plan",
        ),
        (
            NewCustomer {
                name: " ".into(),
                ..base.clone()
            },
            "name is empty",
        ),
        (
            NewCustomer {
                customer_type: Some("vip".into()),
                ..base.clone()
            },
            "unknown customer type",
        ),
    ] {
        let e = svc.customer_add(&s, &bad).unwrap_err();
        assert_eq!(kind(&e), Some(ProblemKind::BadInput), "{field}");
        assert!(
            e.message(touchpoint::domain::Lang::En).contains(field),
            "{field}: {}",
            e.message(touchpoint::domain::Lang::En)
        );
    }
    assert_eq!(
        store::customers::count(svc.conn()).unwrap(),
        1000,
        "bad input changes nothing"
    );
    let v = svc.customer_add(&s, &base).unwrap();
    assert_eq!(v.phone, "13912345678");
    assert_eq!(v.status, CustomerStatus::Active);
    let dup = svc.customer_add(&s, &base).unwrap_err();
    assert_eq!(kind(&dup), Some(ProblemKind::Refused));
    // Search by phone digits, by name, by ID tail.
    assert_eq!(
        svc.customer_search(&s, "1391234", 10).unwrap()[0].phone,
        "13912345678"
    );
    assert_eq!(
        svc.customer_search(&s, "139 1234 5678", 10).unwrap()[0].phone,
        "13912345678"
    );
    assert!(
        svc.customer_search(&s, "欧阳娜", 10)
            .unwrap()
            .iter()
            .any(|c| c.phone == "13912345678")
    );
    assert!(
        svc.customer_search(&s, "002x", 10)
            .unwrap()
            .iter()
            .any(|c| c.phone == "13912345678")
    );
    assert!(
        svc.customer_search(&s, "%", 10).unwrap().is_empty(),
        "LIKE wildcards are literal"
    );
    // Every write names its staff member.
    let rows = store::audit::find(svc.conn(), "customer.add", Some(Outcome::Ok), 1).unwrap();
    assert_eq!(rows[0].staff_id, "clerk");
}

#[test]
fn editing_needs_a_verified_visit() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let c = svc.find_customer("13800138000").unwrap();
    let edit = ProfileEdit {
        tags: Some("全球通, VIP, VIP".into()),
        ..Default::default()
    };
    let e = svc.customer_edit(&s, None, c.id, edit.clone()).unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert_eq!(
        store::audit::find(svc.conn(), "customer.edit", Some(Outcome::Refused), 5)
            .unwrap()
            .len(),
        1
    );
    let visit = svc.open_visit(&s, c.id).unwrap();
    svc.verify(&s, visit, &Proof::Password("123456".into()))
        .unwrap();
    let v = svc.customer_edit(&s, Some(visit), c.id, edit).unwrap();
    assert_eq!(v.tags, vec!["全球通", "VIP"]);
}

#[test]
fn check_passes_on_the_demo_and_catches_tampering() {
    let (db, svc, _clock) = demo_service();
    let report = touchpoint::service::check::run(svc.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
    drop(svc);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute("UPDATE audit_log SET detail = 'edited' WHERE id = 7", [])
        .unwrap();
    let report = touchpoint::service::check::run(&conn).unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("row 7")),
        "{:?}",
        report.problems
    );
    // Ledger entries cannot be edited at all.
    assert!(
        conn.execute("UPDATE ledger SET amount_fen = 1 WHERE id = 1", [])
            .is_err()
    );
    assert!(conn.execute("DELETE FROM ledger WHERE id = 1", []).is_err());
    // A cached balance that drifts from its ledger is named.
    conn.execute(
        "UPDATE customers SET balance_fen = balance_fen + 1 WHERE phone = '13800138000'",
        [],
    )
    .unwrap();
    let report = touchpoint::service::check::run(&conn).unwrap();
    assert!(
        report.problems.iter().any(|p| p.contains("13800138000")),
        "{:?}",
        report.problems
    );
}

#[test]
fn demo_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let dump = |p: &std::path::Path| {
        let c = rusqlite::Connection::open(p).unwrap();
        let mut st = c
            .prepare("SELECT phone, name, id_number, brand, plan, status, balance_fen, points FROM customers ORDER BY id")
            .unwrap();
        let rows: Vec<String> = st
            .query_map([], |r| {
                Ok(format!(
                    "{}|{}|{}|{}|{}|{}|{}|{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, i64>(7)?
                ))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows
    };
    let a = dir.path().join("a.sqlite");
    let b = dir.path().join("b.sqlite");
    touchpoint::demo::build(&a, false).unwrap();
    touchpoint::demo::build(&b, false).unwrap();
    assert_eq!(dump(&a), dump(&b));
    // Brands and types are all represented, with Chinese names.
    let c = rusqlite::Connection::open(&a).unwrap();
    let kinds: i64 = c
        .query_row(
            "SELECT count(DISTINCT brand || customer_type) FROM customers",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kinds, 9);
    let suspended: i64 = c
        .query_row(
            "SELECT count(*) FROM customers WHERE status = 'suspended'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(suspended > 10);
}
