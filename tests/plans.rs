//! Business handling with a clock that moves: plan changes take effect on the 1st and not
//! before, one pending change at a time, packs and suspension, VAS billed to month end.

mod common;

use chrono::TimeZone;
use touchpoint::domain::ProblemKind;
use touchpoint::domain::clock::{ManualClock, counter_tz};
use touchpoint::domain::customer::CustomerStatus;
use touchpoint::domain::visit::Proof;
use touchpoint::error::Error;
use touchpoint::service::customers::NewCustomer;
use touchpoint::service::{Service, Session};
use touchpoint::store;

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    counter_tz()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

struct World {
    _dir: tempfile::TempDir,
    svc: Service,
    clock: std::sync::Arc<ManualClock>,
    admin: Session,
    clerk: Session,
    customer: i64,
}

/// A fresh database with one GoTone GT58 customer and a clerk.
fn world(brand: &str, plan: &str) -> World {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::at(at(2026, 1, 10, 9, 0));
    let path = dir.path().join("t.sqlite");
    let mut svc = touchpoint::service::auth::init(&path, "adminpw", clock.clone()).unwrap();
    let admin = svc.login("admin", "adminpw").unwrap();
    svc.staff_add(
        &admin,
        "li",
        "李营业员",
        touchpoint::domain::staff::Role::Clerk,
        "clerkpw",
    )
    .unwrap();
    let clerk = svc.login("li", "clerkpw").unwrap();
    let c = svc
        .customer_add(
            &admin,
            &NewCustomer {
                phone: "13712345678".into(),
                name: "测试".into(),
                id_number: "11010519491231002X".into(),
                brand: brand.into(),
                plan: plan.into(),
                ..Default::default()
            },
        )
        .unwrap();
    World {
        _dir: dir,
        svc,
        clock,
        admin,
        clerk,
        customer: c.id,
    }
}

impl World {
    fn visit(&mut self) -> Option<i64> {
        let v = self.svc.open_visit(&self.clerk, self.customer).unwrap();
        self.svc
            .verify(&self.clerk, v, &Proof::IdLast6("31002X".into()))
            .unwrap();
        Some(v)
    }

    fn plan(&self) -> (String, Option<String>) {
        let c = self
            .svc
            .customer_by_id(&self.admin, self.customer, None)
            .unwrap();
        (c.plan, c.pending_plan)
    }

    fn run_bills(&mut self, month: &str) {
        self.svc
            .run_bills(&self.admin, month, &mut |_, _| {})
            .unwrap();
    }

    fn bill(&self, month: &str) -> (String, Vec<String>) {
        let b = store::bills::by_month(self.svc.conn(), self.customer, month)
            .unwrap()
            .unwrap();
        let items = store::bills::items(self.svc.conn(), b.id)
            .unwrap()
            .into_iter()
            .map(|i| format!("{}:{}:{}", i.category.code(), i.name_en, i.amount_fen))
            .collect();
        (b.plan, items)
    }

    fn audit(&self, action: &str, outcome: &str) -> Vec<(String, String)> {
        let mut st = self
            .svc
            .conn()
            .prepare("SELECT staff_id, detail FROM audit_log WHERE action = ?1 AND outcome = ?2 ORDER BY id")
            .unwrap();
        st.query_map([action, outcome], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

fn refused(e: Error) -> String {
    match e {
        Error::Problem(p) => {
            assert_eq!(p.kind, ProblemKind::Refused, "{}", p.en);
            p.en
        }
        other => panic!("expected a refusal, got {other}"),
    }
}

#[test]
fn a_plan_change_made_on_the_31st_takes_effect_on_the_1st_and_not_before() {
    let mut w = world("gotone", "GT58");
    w.clock.set(at(2026, 1, 31, 22, 0));
    let v = w.visit();
    let r = w.svc.change_plan(&w.clerk, v, w.customer, "gt128").unwrap();
    assert_eq!(r.change.effective_from, "2026-02-01");
    assert_eq!(r.change.status, "pending");
    assert_eq!(w.plan(), ("GT58".into(), Some("GT128".into())));

    // A minute before midnight: still the old plan.
    w.clock.set(at(2026, 1, 31, 23, 59));
    assert_eq!(w.plan(), ("GT58".into(), Some("GT128".into())));
    let v = w.visit();
    let b = w.svc.business_of(&w.clerk, v, w.customer).unwrap();
    assert_eq!(b.plan.code, "GT58");
    assert!(b.pending.is_some());

    // The 1st: the new plan, nothing pending, a notice sent.
    w.clock.set(at(2026, 2, 1, 0, 1));
    assert_eq!(w.plan(), ("GT128".into(), None));
    let v = w.visit();
    let b = w.svc.business_of(&w.clerk, v, w.customer).unwrap();
    assert_eq!(b.plan.code, "GT128");
    assert!(b.pending.is_none());
    let row = store::customers::get(w.svc.conn(), w.customer)
        .unwrap()
        .unwrap();
    assert_eq!((row.plan.as_str(), row.pending_plan), ("GT128", None));
    let notices: Vec<String> = store::notices::recent(w.svc.conn(), w.customer, 10)
        .unwrap()
        .into_iter()
        .map(|n| n.template)
        .collect();
    assert!(notices.contains(&"plan_changed".to_string()), "{notices:?}");
    assert!(notices.contains(&"plan_change".to_string()), "{notices:?}");

    // January is billed with the plan in effect in January, February with the new one.
    w.clock.set(at(2026, 2, 2, 9, 0));
    w.run_bills("2026-01");
    let (plan, items) = w.bill("2026-01");
    assert_eq!(plan, "GT58");
    assert!(items[0].ends_with(":5800"), "{items:?}");
    w.clock.set(at(2026, 3, 2, 9, 0));
    w.run_bills("2026-02");
    let (plan, items) = w.bill("2026-02");
    assert_eq!(plan, "GT128");
    assert!(items[0].ends_with(":12800"), "{items:?}");
}

#[test]
fn a_month_billed_late_keeps_its_own_plan_even_when_the_change_was_never_looked_at() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    w.svc.change_plan(&w.clerk, v, w.customer, "GT88").unwrap();
    // Nobody opens the customer in February; the bill run applies the change itself.
    w.clock.set(at(2026, 3, 3, 9, 0));
    w.run_bills("2026-01");
    w.run_bills("2026-02");
    assert_eq!(w.bill("2026-01").0, "GT58");
    assert_eq!(w.bill("2026-02").0, "GT88");
    assert_eq!(w.plan(), ("GT88".into(), None));
    assert_eq!(w.audit("plan.applied", "ok").len(), 1);
}

#[test]
fn a_pending_change_can_be_cancelled_until_it_takes_effect() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    w.svc.change_plan(&w.clerk, v, w.customer, "GT188").unwrap();
    w.clock.set(at(2026, 1, 20, 9, 0));
    let v = w.visit();
    let c = w.svc.cancel_plan_change(&w.clerk, v, w.customer).unwrap();
    assert_eq!(
        (c.status.as_str(), c.to_plan.as_str()),
        ("cancelled", "GT188")
    );
    assert_eq!(w.plan(), ("GT58".into(), None));
    // Nothing left to cancel.
    let e = w
        .svc
        .cancel_plan_change(&w.clerk, v, w.customer)
        .unwrap_err();
    assert!(refused(e).contains("no pending plan change"));
    // February comes and the plan stays.
    w.clock.set(at(2026, 2, 1, 9, 0));
    let v = w.visit();
    assert_eq!(
        w.svc
            .business_of(&w.clerk, v, w.customer)
            .unwrap()
            .plan
            .code,
        "GT58"
    );
    assert_eq!(w.plan(), ("GT58".into(), None));
    // A change that has taken effect cannot be cancelled.
    w.svc.change_plan(&w.clerk, v, w.customer, "GT88").unwrap();
    w.clock.set(at(2026, 3, 1, 9, 0));
    let v = w.visit();
    let e = w
        .svc
        .cancel_plan_change(&w.clerk, v, w.customer)
        .unwrap_err();
    refused(e);
    assert_eq!(w.plan(), ("GT88".into(), None));
}

#[test]
fn a_second_pending_change_is_refused_with_a_clear_message() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    w.svc.change_plan(&w.clerk, v, w.customer, "GT88").unwrap();
    let e = w
        .svc
        .change_plan(&w.clerk, v, w.customer, "GT128")
        .unwrap_err();
    let msg = refused(e);
    assert!(
        msg.contains("already pending") && msg.contains("GT88") && msg.contains("cancel it first"),
        "{msg}"
    );
    assert_eq!(w.plan(), ("GT58".into(), Some("GT88".into())));
    let refusals = w.audit("plan.change", "refused");
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].0, "li");
    // Other brands' plans and the current plan are refused too; unknown codes are not found.
    let e = w.svc.cancel_plan_change(&w.clerk, v, w.customer);
    assert!(e.is_ok());
    refused(
        w.svc
            .change_plan(&w.clerk, v, w.customer, "MZ38")
            .unwrap_err(),
    );
    refused(
        w.svc
            .change_plan(&w.clerk, v, w.customer, "GT58")
            .unwrap_err(),
    );
    match w
        .svc
        .change_plan(&w.clerk, v, w.customer, "NOPE")
        .unwrap_err()
    {
        Error::Problem(p) => assert_eq!(p.kind, ProblemKind::NotFound),
        other => panic!("{other}"),
    }
}

#[test]
fn changes_need_a_verified_customer() {
    let mut w = world("gotone", "GT58");
    refused(
        w.svc
            .change_plan(&w.clerk, None, w.customer, "GT88")
            .unwrap_err(),
    );
    refused(
        w.svc
            .add_pack(&w.clerk, None, w.customer, "PK_DATA1G")
            .unwrap_err(),
    );
    refused(
        w.svc
            .subscribe_vas(&w.clerk, None, w.customer, "VAS_MUSIC")
            .unwrap_err(),
    );
    assert_eq!(w.audit("plan.change", "refused").len(), 1);
    assert_eq!(w.plan(), ("GT58".into(), None));
}

#[test]
fn a_pack_is_charged_now_adds_to_this_month_and_is_refused_while_suspended() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    let r = w
        .svc
        .add_pack(&w.clerk, v, w.customer, "PK_DATA5G")
        .unwrap();
    assert_eq!((r.balance_before_fen, r.balance_after_fen), (0, -2000));
    assert_eq!(r.purchase.valid_until, "2026-01-31");
    let extra = store::redemptions::allowance_total(w.svc.conn(), w.customer, "2026-01", "data_mb")
        .unwrap();
    assert_eq!(extra, 5120);
    let b = w.svc.business_of(&w.clerk, v, w.customer).unwrap();
    assert_eq!(b.extra.data_mb, 5120);
    assert_eq!(b.packs.len(), 1);
    // GoTone's credit line is ¥100: still active after the charge.
    let row = store::customers::get(w.svc.conn(), w.customer)
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.status, row.balance_fen),
        (CustomerStatus::Active, -2000)
    );
    // A pack that would cross the line is refused as insufficient funds; nothing charged.
    for _ in 0..4 {
        w.svc
            .add_pack(&w.clerk, v, w.customer, "PK_DATA5G")
            .unwrap();
    }
    let msg = refused(
        w.svc
            .add_pack(&w.clerk, v, w.customer, "PK_DATA5G")
            .unwrap_err(),
    );
    assert!(msg.contains("insufficient balance"), "{msg}");
    // Suspended: refused, nothing changes.
    store::customers::set_status(w.svc.conn(), w.customer, CustomerStatus::Suspended, "x").unwrap();
    let msg = refused(
        w.svc
            .add_pack(&w.clerk, v, w.customer, "PK_SMS100")
            .unwrap_err(),
    );
    assert!(msg.contains("suspended"), "{msg}");
    let row = store::customers::get(w.svc.conn(), w.customer)
        .unwrap()
        .unwrap();
    assert_eq!(row.balance_fen, -10000);
    assert_eq!(w.audit("pack.add", "ok").len(), 5);
    assert_eq!(w.audit("pack.add", "refused").len(), 2);
    let report = touchpoint::service::check::run(w.svc.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn a_vas_cancelled_mid_month_is_billed_to_month_end_and_not_after() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    let s = w
        .svc
        .subscribe_vas(&w.clerk, v, w.customer, "VAS_MUSIC")
        .unwrap();
    assert_eq!(
        (s.started_on.as_str(), s.ends_on.clone()),
        ("2026-01-10", None)
    );
    refused(
        w.svc
            .subscribe_vas(&w.clerk, v, w.customer, "VAS_MUSIC")
            .unwrap_err(),
    );
    w.clock.set(at(2026, 2, 15, 10, 0));
    let v = w.visit();
    let c = w
        .svc
        .cancel_vas(&w.clerk, v, w.customer, "VAS_MUSIC")
        .unwrap();
    assert_eq!(c.sub.ends_on.as_deref(), Some("2026-02-28"));
    assert_eq!(c.remaining_days, 14);
    let b = w.svc.business_of(&w.clerk, v, w.customer).unwrap();
    assert_eq!(b.subscriptions[0].remaining_days, Some(14));
    assert!(b.subscriptions[0].running);
    refused(
        w.svc
            .cancel_vas(&w.clerk, v, w.customer, "VAS_MUSIC")
            .unwrap_err(),
    );
    let music = |items: &[String]| {
        items
            .iter()
            .any(|i| i.contains("Migu Music") && i.ends_with(":1500"))
    };
    w.clock.set(at(2026, 4, 2, 9, 0));
    w.run_bills("2026-01");
    w.run_bills("2026-02");
    w.run_bills("2026-03");
    assert!(music(&w.bill("2026-01").1));
    assert!(music(&w.bill("2026-02").1), "{:?}", w.bill("2026-02").1);
    assert!(!music(&w.bill("2026-03").1), "{:?}", w.bill("2026-03").1);
}

#[test]
fn every_change_is_in_the_history_and_the_audit_log_with_the_staff_member() {
    let mut w = world("gotone", "GT58");
    let v = w.visit();
    w.svc.change_plan(&w.clerk, v, w.customer, "GT88").unwrap();
    w.svc.cancel_plan_change(&w.clerk, v, w.customer).unwrap();
    w.svc.change_plan(&w.clerk, v, w.customer, "GT128").unwrap();
    w.svc
        .add_pack(&w.clerk, v, w.customer, "PK_VOICE100")
        .unwrap();
    w.svc
        .subscribe_vas(&w.clerk, v, w.customer, "VAS_VIDEO")
        .unwrap();
    w.svc
        .cancel_vas(&w.clerk, v, w.customer, "VAS_VIDEO")
        .unwrap();
    w.clock.set(at(2026, 2, 1, 8, 0));
    let v = w.visit();
    let b = w.svc.business_of(&w.clerk, v, w.customer).unwrap();
    let kinds: Vec<(&str, Option<&str>)> = b
        .history
        .iter()
        .map(|h| (h.kind.as_str(), h.staff_id.as_deref()))
        .collect();
    for k in [
        "plan_change",
        "plan_cancelled",
        "plan_applied",
        "pack",
        "vas_subscribe",
        "vas_cancel",
    ] {
        assert!(
            kinds.iter().any(|(x, s)| *x == k && *s == Some("li")),
            "{k}: {kinds:?}"
        );
    }
    for action in [
        "plan.change",
        "plan.cancel_change",
        "plan.applied",
        "pack.add",
        "vas.subscribe",
        "vas.cancel",
    ] {
        let rows = w.audit(action, "ok");
        assert!(!rows.is_empty(), "{action}");
        assert!(rows.iter().all(|(s, _)| s == "li"), "{action}: {rows:?}");
    }
    let report = touchpoint::service::check::run(w.svc.conn()).unwrap();
    assert!(report.ok(), "{:?}", report.problems);
}

#[test]
fn the_demo_has_pending_changes_packs_and_subscriptions() {
    let (_db, svc, _clock) = common::demo_service();
    let count = |sql: &str| -> i64 { svc.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    assert!(count("SELECT count(*) FROM plan_changes WHERE status = 'pending'") >= 3);
    assert!(count("SELECT count(*) FROM pack_purchases") >= 3);
    assert!(
        count(
            "SELECT count(*) FROM vas_subscriptions WHERE staff_id IS NOT NULL AND customer_id IN (SELECT customer_id FROM vas_subscriptions GROUP BY customer_id HAVING count(*) >= 2)"
        ) >= 2
    );
    let featured = svc.find_customer("13800138000").unwrap();
    assert_eq!(featured.pending_plan, None);
}
