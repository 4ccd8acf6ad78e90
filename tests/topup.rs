//! Quick top-up through the service: payments, idempotency, gateway answers, reactivation,
//! promotions and refunds.

mod common;

use common::{demo_service, login};
use touchpoint::domain::customer::CustomerStatus;
use touchpoint::domain::topup::{Channel, PaymentStatus};
use touchpoint::domain::{Fen, ProblemKind};
use touchpoint::service::Service;
use touchpoint::service::gateway::{Behaviour, SimulatedGateway};
use touchpoint::service::topup::TopUpRequest;
use touchpoint::store::{self, audit::Outcome};

fn kind(e: &touchpoint::Error) -> Option<ProblemKind> {
    e.kind()
}

fn req(phone: &str, fen: i64, channel: Channel, id: &str) -> TopUpRequest {
    TopUpRequest {
        phone: phone.into(),
        amount: Fen(fen),
        channel,
        request_id: id.into(),
    }
}

fn balance(svc: &Service, phone: &str) -> i64 {
    svc.find_customer(phone).unwrap().balance_fen
}

fn status(svc: &Service, phone: &str) -> CustomerStatus {
    svc.find_customer(phone).unwrap().status
}

fn count(svc: &Service, sql: &str) -> i64 {
    svc.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn assert_check_ok(svc: &Service) {
    let report = touchpoint::service::check::run(svc.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

fn gateway(f: impl FnOnce(&mut SimulatedGateway)) -> Box<SimulatedGateway> {
    let mut g = SimulatedGateway::approving();
    f(&mut g);
    Box::new(g)
}

#[test]
fn seed_trial_fifty_yuan_credits_once_with_a_notice() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let before = balance(&svc, "13800138000");
    let r = svc
        .top_up(&s, &req("138 0013 8000", 5_000, Channel::Cash, "trial-1"))
        .unwrap();
    assert_eq!(r.status, PaymentStatus::Approved);
    assert_eq!((r.paid_fen, r.credited_fen), (5_000, 5_000));
    assert_eq!(balance(&svc, "13800138000"), before + 5_000);
    assert_eq!(r.balance_after_fen, Some(before + 5_000));
    assert!(r.serial.starts_with("TU20261204-"));
    assert_eq!(r.name, "张*华");
    let n = svc.latest_notice().unwrap().unwrap();
    assert_eq!(n.template, "topup");
    assert_eq!(n.title(touchpoint::domain::Lang::Zh), "充值提醒");
    assert!(n.text.contains("50.00") && n.text.contains(&Fen(before + 5_000).to_plain()));
    let audited = store::audit::find(svc.conn(), "topup", Some(Outcome::Ok), 1).unwrap();
    assert_eq!(audited[0].staff_id, "clerk");
    assert_check_ok(&svc);
}

#[test]
fn the_same_request_id_never_credits_twice() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let before = balance(&svc, "13800138000");
    let first = svc
        .top_up(&s, &req("13800138000", 2_000, Channel::Card, "dup"))
        .unwrap();
    let again = svc
        .top_up(&s, &req("+86 138-0013-8000", 2_000, Channel::Card, "dup"))
        .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.id, first.id);
    assert_eq!(again.serial, first.serial);
    assert_eq!(balance(&svc, "13800138000"), before + 2_000);
    // The same id for a different top-up is a mistake, not a replay.
    let e = svc
        .top_up(&s, &req("13800138000", 3_000, Channel::Card, "dup"))
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::BadInput));
    assert_eq!(balance(&svc, "13800138000"), before + 2_000);
}

#[test]
fn two_terminals_with_one_request_id_credit_once() {
    let (db, mut svc, clock) = demo_service();
    let before = balance(&svc, "13800138000");
    let _ = login(&mut svc, "clerk");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = db.path.clone();
            let clock = clock.clone();
            std::thread::spawn(move || {
                let mut other = Service::open(&path, clock).unwrap();
                let s = other.login("clerk", "demo").unwrap();
                other
                    .top_up(&s, &req("13800138000", 10_000, Channel::Cash, "race"))
                    .unwrap()
            })
        })
        .collect();
    let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(results.iter().filter(|r| !r.replayed).count(), 1);
    assert!(results.iter().all(|r| r.id == results[0].id));
    // ¥100 by cash earns the counter's 充100送10.
    assert_eq!(balance(&svc, "13800138000"), before + 11_000);
    assert_eq!(
        count(
            &svc,
            "SELECT count(*) FROM payments WHERE request_id = 'race'"
        ),
        1
    );
    assert_check_ok(&svc);
}

#[test]
fn declined_and_timed_out_payments_credit_nothing() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    svc.set_gateway(gateway(|g| {
        g.set(Channel::Card, Behaviour::Decline)
            .set(Channel::Alipay, Behaviour::Timeout);
    }));
    let before = balance(&svc, "13800138000");
    let notices = count(&svc, "SELECT count(*) FROM notices");
    let d = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Card, "d1"))
        .unwrap();
    assert_eq!(d.status, PaymentStatus::Declined);
    assert_eq!(d.balance_after_fen, None);
    let t = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Alipay, "t1"))
        .unwrap();
    assert_eq!(t.status, PaymentStatus::Pending);
    assert_eq!(balance(&svc, "13800138000"), before);
    assert_eq!(count(&svc, "SELECT count(*) FROM notices"), notices);
    // Retrying a declined request does not charge again: it reports the decline.
    let again = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Card, "d1"))
        .unwrap();
    assert!(again.replayed && again.status == PaymentStatus::Declined);
    // The pending one is visible.
    let pending = svc
        .payments(&s, Some(PaymentStatus::Pending), None, None)
        .unwrap();
    assert!(pending.iter().any(|p| p.id == t.id));
    assert!(
        !store::audit::find(svc.conn(), "topup.declined", Some(Outcome::Failed), 1)
            .unwrap()
            .is_empty()
    );
    assert_check_ok(&svc);
}

#[test]
fn completing_a_pending_payment_credits_once_and_voiding_credits_nothing() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    svc.set_gateway(gateway(|g| {
        g.set(Channel::Wechat, Behaviour::Timeout)
            .set_query(Behaviour::Timeout);
    }));
    let before = balance(&svc, "13800138000");
    let a = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Wechat, "p1"))
        .unwrap();
    let b = svc
        .top_up(&s, &req("13800138000", 3_000, Channel::Wechat, "p2"))
        .unwrap();
    // The gateway still has no answer: completing is refused (and audited), nothing credited.
    let e = svc.payment_complete(&s, &a.id.to_string()).unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert_eq!(balance(&svc, "13800138000"), before);
    // Now it answers.
    svc.set_gateway(gateway(|_| {}));
    let done = svc.payment_complete(&s, &a.serial).unwrap();
    assert_eq!(done.status, PaymentStatus::Approved);
    // WeChat Pay ¥50 was quoted at ¥49 paid, ¥50 credited.
    assert_eq!((done.paid_fen, done.credited_fen), (4_900, 5_000));
    assert_eq!(balance(&svc, "13800138000"), before + 5_000);
    let e = svc.payment_complete(&s, &a.id.to_string()).unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert_eq!(balance(&svc, "13800138000"), before + 5_000);
    // Retrying the original request reports the completed payment, no second credit.
    let replay = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Wechat, "p1"))
        .unwrap();
    assert!(replay.replayed && replay.status == PaymentStatus::Approved);
    let v = svc
        .payment_void(&s, &b.id.to_string(), "customer left")
        .unwrap();
    assert_eq!(v.status, PaymentStatus::Voided);
    assert!(svc.payment_complete(&s, &b.id.to_string()).is_err());
    assert_eq!(balance(&svc, "13800138000"), before + 5_000);
    assert!(svc.payment_void(&s, &a.id.to_string(), "").is_err());
    assert_eq!(
        store::audit::find(svc.conn(), "payment.complete", Some(Outcome::Refused), 5)
            .unwrap()
            .len(),
        3
    );
    assert_check_ok(&svc);
}

#[test]
fn reactivation_happens_exactly_at_the_line() {
    // 李娜, M-Zone (pre-paid), suspended at -¥3.20: the line is ¥0.00.
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    assert_eq!(balance(&svc, "13900139000"), -320);
    assert_eq!(status(&svc, "13900139000"), CustomerStatus::Suspended);
    let t = svc.topup_target("13900139000").unwrap();
    assert_eq!(t.status, CustomerStatus::Suspended);
    let r = svc
        .top_up(&s, &req("13900139000", 319, Channel::Cash, "a"))
        .unwrap();
    assert!(!r.reactivated);
    assert_eq!(balance(&svc, "13900139000"), -1);
    assert_eq!(status(&svc, "13900139000"), CustomerStatus::Suspended);
    let (_db2, mut svc2, _c) = demo_service();
    let s2 = login(&mut svc2, "clerk");
    let r = svc2
        .top_up(&s2, &req("13900139000", 320, Channel::Cash, "b"))
        .unwrap();
    assert!(r.reactivated);
    assert_eq!(balance(&svc2, "13900139000"), 0);
    assert_eq!(status(&svc2, "13900139000"), CustomerStatus::Active);
    let n = svc2.latest_notice().unwrap().unwrap();
    assert_eq!(n.template, "reactivated");
    assert_eq!(
        store::audit::find(svc2.conn(), "customer.reactivate", Some(Outcome::Ok), 5)
            .unwrap()
            .len(),
        1
    );
    assert_check_ok(&svc2);
}

#[test]
fn a_post_paid_line_reactivates_at_minus_its_credit_limit() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let (phone, bal): (String, i64) = svc
        .conn()
        .query_row(
            "SELECT phone, balance_fen FROM customers WHERE brand = 'gotone' AND status = 'suspended'
             AND balance_fen < -10100 AND balance_fen > -500000 ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let to_line = -10_000 - bal;
    let r = svc
        .top_up(&s, &req(&phone, to_line - 1, Channel::Cash, "g1"))
        .unwrap();
    assert!(!r.reactivated);
    let r = svc
        .top_up(&s, &req(&phone, 100, Channel::Cash, "g2"))
        .unwrap();
    assert!(r.reactivated, "balance {:?}", r.balance_after_fen);
    assert_eq!(r.balance_after_fen, Some(-9_901));
    assert_eq!(status(&svc, &phone), CustomerStatus::Active);
}

#[test]
fn numbers_that_cannot_be_topped_up_say_why_and_change_nothing() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let payments = count(&svc, "SELECT count(*) FROM payments");
    for (phone, k, why) in [
        ("1380013800", ProblemKind::BadInput, "10 digits"),
        ("13800l38000", ProblemKind::BadInput, "not a digit"),
        (
            "13000130000",
            ProblemKind::BadInput,
            "not a China Mobile number",
        ),
        ("13800000001", ProblemKind::NotFound, "no customer"),
    ] {
        let e = svc
            .top_up(&s, &req(phone, 5_000, Channel::Cash, "x"))
            .unwrap_err();
        assert_eq!(kind(&e), Some(k), "{phone}");
        assert!(
            e.message(touchpoint::domain::Lang::En).contains(why),
            "{phone}: {}",
            e.message(touchpoint::domain::Lang::En)
        );
    }
    for fen in [0, 99, 500_001] {
        let e = svc
            .top_up(&s, &req("13800138000", fen, Channel::Cash, "y"))
            .unwrap_err();
        assert_eq!(kind(&e), Some(ProblemKind::BadInput), "{fen}");
    }
    // A closed customer is refused, and the refusal audited.
    let closed: String = svc
        .conn()
        .query_row(
            "SELECT phone FROM customers WHERE status = 'closed' AND substr(phone, 1, 3) IN ('134','135','136','137','138','139','150','151','152','157','158','159','182','187') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let e = svc
        .top_up(&s, &req(&closed, 5_000, Channel::Cash, "z"))
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert_eq!(
        store::audit::find(svc.conn(), "topup", Some(Outcome::Refused), 5)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(count(&svc, "SELECT count(*) FROM payments"), payments);
}

#[test]
fn refunds_follow_the_rule_and_need_a_supervisor() {
    let (_db, mut svc, _clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let r = svc
        .top_up(&clerk, &req("13800138000", 10_000, Channel::Cash, "r1"))
        .unwrap();
    assert_eq!(r.credited_fen, 11_000, "充100送10");
    let e = svc
        .payment_refund(&clerk, &r.serial, None, "mistake")
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    assert_eq!(
        store::audit::find(svc.conn(), "topup.refund", Some(Outcome::Refused), 5).unwrap()[0]
            .staff_id,
        "clerk"
    );
    let sup = login(&mut svc, "super");
    assert!(svc.payment_refund(&sup, &r.serial, None, "  ").is_err());
    let e = svc
        .payment_refund(&sup, &r.serial, Some(Fen(11_001)), "too much")
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    let before = balance(&svc, "13800138000");
    let f = svc
        .payment_refund(&sup, &r.serial, None, "paid twice by mistake")
        .unwrap();
    assert_eq!(f.amount_fen, 11_000);
    assert_eq!(f.returned_fen, 10_000, "the bonus is not paid out");
    assert_eq!(balance(&svc, "13800138000"), before - 11_000);
    let e = svc
        .payment_refund(&sup, &r.serial, Some(Fen(100)), "again")
        .unwrap_err();
    assert_eq!(kind(&e), Some(ProblemKind::Refused));
    let n = svc.latest_notice().unwrap().unwrap();
    assert_eq!(n.template, "topup_refund");
    // Never more than the balance: what is spent is not refunded.
    let r2 = svc
        .top_up(&clerk, &req("13900139000", 500, Channel::Cash, "r2"))
        .unwrap();
    assert_eq!(balance(&svc, "13900139000"), 180);
    let limit = svc.refund_limit(&sup, &r2.id.to_string()).unwrap();
    assert_eq!(limit.refundable_fen, 180);
    let e = svc
        .payment_refund(&sup, &r2.serial, Some(Fen(181)), "x")
        .unwrap_err();
    assert!(
        e.message(touchpoint::domain::Lang::En)
            .contains("at most ¥1.80")
    );
    svc.payment_refund(&sup, &r2.serial, Some(Fen(180)), "x")
        .unwrap();
    assert_eq!(balance(&svc, "13900139000"), 0);
    // Declined or pending payments cannot be refunded.
    svc.set_gateway(gateway(|g| {
        g.set(Channel::Card, Behaviour::Decline);
    }));
    let d = svc
        .top_up(&clerk, &req("13800138000", 5_000, Channel::Card, "r3"))
        .unwrap();
    assert!(svc.payment_refund(&sup, &d.serial, None, "x").is_err());
    assert_check_ok(&svc);
}

#[test]
fn check_names_a_payment_credited_without_approval() {
    let (db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    svc.set_gateway(gateway(|g| {
        g.set(Channel::Card, Behaviour::Decline);
    }));
    let d = svc
        .top_up(&s, &req("13800138000", 5_000, Channel::Card, "forge"))
        .unwrap();
    drop(svc);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    let customer: i64 = conn
        .query_row(
            "SELECT id FROM customers WHERE phone = '13800138000'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    store::ledger::post(
        &conn,
        &store::ledger::Posting {
            customer_id: customer,
            kind: store::ledger::EntryKind::TopUp,
            amount: Fen(5_000),
            ref_type: "topup",
            ref_id: &d.id.to_string(),
            staff_id: Some("clerk"),
            reverses_id: None,
            note: "forged",
        },
        "2026-12-04T02:00:00.000Z",
    )
    .unwrap();
    let report = touchpoint::service::check::run(&conn).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("without being approved")),
        "{:?}",
        report.problems
    );
}
