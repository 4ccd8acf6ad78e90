//! Complaints and customer service end to end with a controllable clock (SPEC §1 "Complaints").

mod common;

use chrono::Duration;
use common::{demo_service, login};
use touchpoint::domain::ticket::{Category, Channel, Priority, RecordKind, SlaState, TicketStatus};
use touchpoint::domain::{Clock, Fen, Lang, ProblemKind};
use touchpoint::service::complaints::{NewComplaint, QueueView, TicketQuery, TicketView};
use touchpoint::service::{Service, Session, check};
use touchpoint::store::{self, audit::Outcome};

const PHONE: &str = "13800138000";

fn complaint(svc: &Service, category: Category, priority: Priority) -> NewComplaint {
    NewComplaint {
        customer_id: svc.find_customer(PHONE).unwrap().id,
        category,
        priority,
        channel: Channel::Counter,
        description: "本月话费比上月多了 30 元，不清楚原因".into(),
        disputed_month: None,
        assignee: None,
    }
}

fn open(svc: &mut Service, s: &Session, priority: Priority) -> TicketView {
    let c = complaint(svc, Category::BillingDispute, priority);
    svc.open_ticket(s, &c).unwrap()
}

fn audits(svc: &Service, action: &str, outcome: Outcome) -> usize {
    store::audit::find(svc.conn(), action, Some(outcome), 10_000)
        .unwrap()
        .len()
}

fn assert_check(svc: &Service) {
    let r = check::run(svc.conn()).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn first_response_is_due_by_priority_and_resolution_in_fifteen_days() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    for (p, hours) in [
        (Priority::Urgent, 4),
        (Priority::High, 24),
        (Priority::Normal, 48),
        (Priority::Low, 72),
    ] {
        let t = open(&mut svc, &s, p);
        assert_eq!(t.status, TicketStatus::New);
        assert_eq!(
            t.sla.first_response.due,
            Some(clock.now() + Duration::hours(hours)),
            "{p:?}"
        );
        assert_eq!(t.sla.resolution.due, Some(clock.now() + Duration::days(15)));
    }
}

#[test]
fn waiting_on_the_customer_pauses_and_resuming_shifts_the_due_time_exactly() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let t0 = clock.now();
    let t = open(&mut svc, &s, Priority::Urgent);
    clock.advance(Duration::minutes(30));
    svc.ticket_transition(&s, t.id, TicketStatus::InProgress, "")
        .unwrap();
    clock.advance(Duration::minutes(30));
    let paused = svc
        .ticket_transition(
            &s,
            t.id,
            TicketStatus::WaitingCustomer,
            "请客户提供上月账单截图",
        )
        .unwrap();
    assert_eq!(paused.sla.first_response.state, SlaState::Paused);
    assert_eq!(paused.sla.first_response.due, None);
    let pause = Duration::hours(3) + Duration::minutes(17) + Duration::seconds(9);
    clock.advance(pause);
    let still = svc.ticket(&s, t.id).unwrap();
    assert_eq!(
        still.sla.first_response.remaining_secs,
        Duration::hours(3).num_seconds(),
        "the clock stood still"
    );
    let resumed = svc
        .ticket_transition(&s, t.id, TicketStatus::InProgress, "客户已提供截图")
        .unwrap();
    assert_eq!(
        resumed.sla.first_response.due,
        Some(t0 + Duration::hours(4) + pause)
    );
    assert_eq!(
        resumed.sla.resolution.due,
        Some(t0 + Duration::days(15) + pause)
    );
    // Overdue one second after the shifted due time, not at it.
    clock.set(t0 + Duration::hours(4) + pause);
    assert!(!svc.ticket(&s, t.id).unwrap().overdue);
    clock.advance(Duration::seconds(1));
    assert!(svc.ticket(&s, t.id).unwrap().overdue);
}

#[test]
fn overdue_is_detected_at_the_boundary_and_lists_in_the_overdue_queue() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let t0 = clock.now();
    let t = open(&mut svc, &s, Priority::Urgent);
    let overdue_ids = |svc: &Service| -> Vec<i64> {
        let q = TicketQuery {
            view: QueueView::Overdue,
            ..Default::default()
        };
        svc.tickets(&s, &q).unwrap().iter().map(|t| t.id).collect()
    };
    clock.set(t0 + Duration::hours(3));
    let near = svc.ticket(&s, t.id).unwrap();
    assert_eq!(near.sla.first_response.state, SlaState::NearDue);
    clock.set(t0 + Duration::hours(4));
    let v = svc.ticket(&s, t.id).unwrap();
    assert!(!v.overdue);
    assert!(!overdue_ids(&svc).contains(&t.id));
    clock.set(t0 + Duration::hours(4) + Duration::seconds(1));
    let v = svc.ticket(&s, t.id).unwrap();
    assert!(v.overdue);
    assert_eq!(v.sla.first_response.state, SlaState::Overdue);
    assert!(overdue_ids(&svc).contains(&t.id));
    // A reply now is late: the target is breached, no longer overdue.
    svc.ticket_reply(&s, t.id, "已核查，多出的是流量超出费用")
        .unwrap();
    let v = svc.ticket(&s, t.id).unwrap();
    assert_eq!(v.sla.first_response.state, SlaState::Breached);
    assert!(!v.overdue);
    assert!(!overdue_ids(&svc).contains(&t.id));
}

#[test]
fn every_illegal_transition_is_refused_audited_and_changes_nothing() {
    use TicketStatus::*;
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    // A ticket brought to each state by legal moves.
    fn at(svc: &mut Service, s: &Session, path: &[TicketStatus]) -> i64 {
        use TicketStatus::*;
        let t = open(svc, s, Priority::Normal);
        for st in path {
            match st {
                Resolved => {
                    svc.ticket_resolve(s, t.id, "已解释并处理", None).unwrap();
                }
                Closed => {
                    svc.ticket_close(s, t.id, 4, "").unwrap();
                }
                other => {
                    svc.ticket_transition(s, t.id, *other, "").unwrap();
                }
            }
        }
        t.id
    }
    let cases = [
        (New, at(&mut svc, &s, &[])),
        (InProgress, at(&mut svc, &s, &[InProgress])),
        (
            WaitingCustomer,
            at(&mut svc, &s, &[InProgress, WaitingCustomer]),
        ),
        (Resolved, at(&mut svc, &s, &[InProgress, Resolved])),
        (Closed, at(&mut svc, &s, &[InProgress, Resolved, Closed])),
    ];
    let mut refused = 0;
    for (from, id) in cases {
        for to in TicketStatus::ALL {
            if from.allowed_next().contains(to) {
                continue;
            }
            let before = audits(&svc, "complaint.state", Outcome::Refused)
                + audits(&svc, "complaint.resolve", Outcome::Refused)
                + audits(&svc, "complaint.close", Outcome::Refused);
            let e = match to {
                Resolved => svc.ticket_resolve(&s, id, "x", None).unwrap_err(),
                Closed => svc.ticket_close(&s, id, 5, "").unwrap_err(),
                other => svc.ticket_transition(&s, id, *other, "").unwrap_err(),
            };
            assert_eq!(e.kind(), Some(ProblemKind::Refused), "{from:?} → {to:?}");
            let m = e.message(Lang::En);
            assert!(
                m.contains(from.code()) && m.contains(to.code()),
                "{from:?} → {to:?}: {m}"
            );
            assert!(!e.message(Lang::Zh).is_empty());
            let after = audits(&svc, "complaint.state", Outcome::Refused)
                + audits(&svc, "complaint.resolve", Outcome::Refused)
                + audits(&svc, "complaint.close", Outcome::Refused);
            assert_eq!(after, before + 1, "{from:?} → {to:?} is audited");
            assert_eq!(svc.ticket(&s, id).unwrap().status, from, "nothing changed");
            refused += 1;
        }
    }
    assert_eq!(refused, 25 - 7, "every pair but the seven legal moves");
    // The legal moves back: resume from waiting, reopen from resolved.
    let id = at(
        &mut svc,
        &s,
        &[
            InProgress,
            WaitingCustomer,
            InProgress,
            Resolved,
            InProgress,
        ],
    );
    assert_eq!(svc.ticket(&s, id).unwrap().status, InProgress);
    assert_check(&svc);
}

#[test]
fn compensation_needs_a_supervisor_and_enters_the_ledger_once() {
    let (_db, mut svc, _clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let boss = login(&mut svc, "super");
    let t = open(&mut svc, &clerk, Priority::High);
    svc.ticket_transition(&clerk, t.id, TicketStatus::InProgress, "")
        .unwrap();
    let resolved = svc
        .ticket_resolve(&clerk, t.id, "确认误扣，退还并补偿", Some(Fen::yuan(20)))
        .unwrap();
    assert_eq!(resolved.compensation_fen, Some(2000));
    assert_eq!(resolved.compensation_status.as_deref(), Some("proposed"));
    let balance = |svc: &Service| svc.find_customer(PHONE).unwrap().balance_fen;
    let before = balance(&svc);
    // A clerk's approval is refused and audited; nothing is credited.
    let refusals = audits(&svc, "complaint.compensate", Outcome::Refused);
    let e = svc.approve_compensation(&clerk, t.id).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    assert_eq!(e.exit_code(), 4);
    assert!(e.message(Lang::En).contains("supervisor"));
    assert_eq!(
        audits(&svc, "complaint.compensate", Outcome::Refused),
        refusals + 1
    );
    assert_eq!(balance(&svc), before);
    // The supervisor approves: one compensation entry, linked to the ticket.
    let r = svc.approve_compensation(&boss, t.id).unwrap();
    assert_eq!(r.amount_fen, 2000);
    assert_eq!(balance(&svc), before + 2000);
    let entries: Vec<(String, i64, String, String)> = svc
        .conn()
        .prepare("SELECT kind, amount_fen, ref_type, ref_id FROM ledger WHERE kind = 'compensation' AND ref_id = ?1")
        .unwrap()
        .query_map([t.id.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        entries,
        vec![(
            "compensation".into(),
            2000,
            "ticket".into(),
            t.id.to_string()
        )]
    );
    let v = svc.ticket(&boss, t.id).unwrap();
    assert_eq!(v.compensation_status.as_deref(), Some("approved"));
    assert_eq!(v.compensation_ledger_id, Some(r.ledger_id));
    // Approving twice is refused (and audited); still one entry.
    let e = svc.approve_compensation(&boss, t.id).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    assert!(
        e.message(Lang::En).contains("twice"),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(balance(&svc), before + 2000);
    assert_eq!(
        audits(&svc, "complaint.compensate", Outcome::Refused),
        refusals + 2
    );
    let notices = store::notices::recent(svc.conn(), t.customer_id, 1).unwrap();
    assert_eq!(notices[0].template, "complaint_compensated");
    assert!(notices[0].text.contains("¥20.00"));
    // Closing afterwards keeps it; reopening and resolving again cannot propose a second one.
    svc.ticket_transition(&clerk, t.id, TicketStatus::InProgress, "客户仍有疑问")
        .unwrap();
    let e = svc
        .ticket_resolve(&clerk, t.id, "再次处理", Some(Fen::yuan(5)))
        .unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::Refused));
    svc.ticket_resolve(&clerk, t.id, "再次解释", None).unwrap();
    assert_eq!(
        svc.ticket(&clerk, t.id)
            .unwrap()
            .compensation_status
            .as_deref(),
        Some("approved")
    );
    assert_check(&svc);
}

#[test]
fn compensation_limits_and_a_declined_proposal() {
    let (_db, mut svc, _clock) = demo_service();
    let clerk = login(&mut svc, "clerk");
    let boss = login(&mut svc, "super");
    let t = open(&mut svc, &clerk, Priority::Normal);
    svc.ticket_transition(&clerk, t.id, TicketStatus::InProgress, "")
        .unwrap();
    let e = svc
        .ticket_resolve(&clerk, t.id, "x", Some(Fen::yuan(501)))
        .unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::BadInput));
    let e = svc.approve_compensation(&boss, t.id).unwrap_err();
    assert!(e.message(Lang::En).contains("no compensation"));
    svc.ticket_resolve(&clerk, t.id, "已处理", Some(Fen(1_050)))
        .unwrap();
    svc.decline_compensation(&boss, t.id, "不符合补偿条件")
        .unwrap();
    let e = svc.approve_compensation(&boss, t.id).unwrap_err();
    assert!(e.message(Lang::En).contains("declined"));
    let n: i64 = svc
        .conn()
        .query_row(
            "SELECT count(*) FROM ledger WHERE kind = 'compensation' AND ref_id = ?1",
            [t.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_dispute_about_a_six_month_old_bill_is_flagged() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let mut c = complaint(&svc, Category::BillingDispute, Priority::Normal);
    c.disputed_month = Some("2026-06".into());
    let old = svc.open_ticket(&s, &c).unwrap();
    assert!(old.stale_dispute, "2026-06 is six months before 2026-12-04");
    c.disputed_month = Some("2026-07".into());
    assert!(
        !svc.open_ticket(&s, &c).unwrap().stale_dispute,
        "five months is not flagged"
    );
    c.disputed_month = Some("2027-01".into());
    let e = svc.open_ticket(&s, &c).unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::BadInput));
    c.disputed_month = Some("2026-13".into());
    assert_eq!(
        svc.open_ticket(&s, &c).unwrap_err().kind(),
        Some(ProblemKind::BadInput)
    );
    let audit = store::audit::find(svc.conn(), "complaint.open", Some(Outcome::Ok), 10).unwrap();
    assert!(audit.iter().any(|a| a.detail.contains("flagged")));
}

#[test]
fn free_text_of_any_length_and_any_unicode_is_stored_intact() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let long: String = "信号差😡 no signal at home; "
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    let nasty = format!(
        "第一行\n第二行\t制表\u{7}响铃\u{1b}[31m红色\u{1b}[0m\r回车\u{0}空字符 e\u{301} 𝄞 {long}"
    );
    let mut c = complaint(&svc, Category::NetworkQuality, Priority::Normal);
    c.description = nasty.clone();
    let t = svc.open_ticket(&s, &c).unwrap();
    svc.ticket_note(&s, t.id, &nasty).unwrap();
    svc.ticket_reply(&s, t.id, &nasty).unwrap();
    let d = svc.ticket_detail(&s, t.id).unwrap();
    assert_eq!(d.ticket.description, nasty);
    assert_eq!(d.ticket.description.chars().count(), nasty.chars().count());
    let texts: Vec<&str> = d
        .timeline
        .iter()
        .filter(|e| e.kind == "note" || e.kind == "reply")
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(texts, vec![nasty.as_str(), nasty.as_str()]);
    let records = svc.service_records(&s, t.customer_id, 1).unwrap();
    assert_eq!(records[0].notes, nasty);
    assert!(long.chars().count() == 10_000);
    // An empty text is refused instead.
    let e = svc.ticket_note(&s, t.id, " \n ").unwrap_err();
    assert_eq!(e.kind(), Some(ProblemKind::BadInput));
}

#[test]
fn a_reply_sends_a_notice_starts_work_and_meets_the_first_response() {
    let (_db, mut svc, clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let t = open(&mut svc, &s, Priority::High);
    let received = store::notices::recent(svc.conn(), t.customer_id, 1).unwrap();
    assert_eq!(received[0].template, "complaint_received");
    assert_eq!(received[0].title(Lang::Zh), "投诉受理");
    clock.advance(Duration::hours(2));
    let notices_before = store::notices::recent(svc.conn(), t.customer_id, 100)
        .unwrap()
        .len();
    svc.ticket_note(&s, t.id, "内部：需核对计费系统").unwrap();
    assert_eq!(
        store::notices::recent(svc.conn(), t.customer_id, 100)
            .unwrap()
            .len(),
        notices_before,
        "a note is never sent"
    );
    let v = svc
        .ticket_reply(&s, t.id, "您好，多扣的 30 元将于今日退回。")
        .unwrap();
    assert_eq!(v.status, TicketStatus::InProgress);
    assert_eq!(v.sla.first_response.state, SlaState::Met);
    let sent = store::notices::recent(svc.conn(), t.customer_id, 1).unwrap();
    assert_eq!(sent[0].template, "complaint_reply");
    assert_eq!(sent[0].title(Lang::Zh), "投诉回复");
    assert!(sent[0].text.contains("多扣的 30 元"));
    let d = svc.ticket_detail(&s, t.id).unwrap();
    let kinds: Vec<&str> = d.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, vec!["opened", "note", "state", "reply"]);
    assert_eq!(d.timeline[3].notice_id, Some(sent[0].id));
}

#[test]
fn service_records_log_the_counter_and_a_complaint_opens_a_ticket() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let id = svc.find_customer(PHONE).unwrap().id;
    let r = svc
        .record_service(
            &s,
            id,
            RecordKind::Enquiry,
            Category::Points,
            "询问积分到期",
        )
        .unwrap();
    assert_eq!(r.ticket_id, None);
    let r2 = svc
        .record_service(&s, id, RecordKind::Complaint, Category::ServiceAttitude, "")
        .unwrap();
    let ticket = r2.ticket_id.expect("a complaint opens a ticket");
    let t = svc.ticket(&s, ticket).unwrap();
    assert_eq!(t.category, Category::ServiceAttitude);
    assert_eq!(t.channel, Channel::Counter);
    let history = svc.service_records(&s, id, 10).unwrap();
    assert_eq!(history[0].id, r2.id);
    assert_eq!(history[0].ticket_id, Some(ticket));
    assert_eq!(history[1].kind, RecordKind::Enquiry);
    assert_eq!(history[1].notes, "询问积分到期");
    assert!(audits(&svc, "service.record", Outcome::Ok) >= 1);
}

#[test]
fn queues_assignment_and_satisfaction_by_category() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let t = open(&mut svc, &s, Priority::Low);
    let ids = |svc: &Service, view| -> Vec<i64> {
        let q = TicketQuery {
            view,
            ..Default::default()
        };
        svc.tickets(&s, &q).unwrap().iter().map(|t| t.id).collect()
    };
    assert!(ids(&svc, QueueView::Unassigned).contains(&t.id));
    assert!(!ids(&svc, QueueView::Mine).contains(&t.id));
    svc.ticket_assign(&s, t.id, "clerk").unwrap();
    assert!(ids(&svc, QueueView::Mine).contains(&t.id));
    assert!(!ids(&svc, QueueView::Unassigned).contains(&t.id));
    assert_eq!(
        svc.ticket_assign(&s, t.id, "nobody").unwrap_err().kind(),
        Some(ProblemKind::NotFound)
    );
    // By customer and by text.
    let q = TicketQuery {
        customer_id: Some(t.customer_id),
        text: "30 元".into(),
        ..Default::default()
    };
    assert!(svc.tickets(&s, &q).unwrap().iter().any(|x| x.id == t.id));
    // Ratings feed the per-category averages.
    svc.ticket_transition(&s, t.id, TicketStatus::InProgress, "")
        .unwrap();
    svc.ticket_resolve(&s, t.id, "已解释", None).unwrap();
    assert_eq!(
        svc.ticket_close(&s, t.id, 6, "").unwrap_err().kind(),
        Some(ProblemKind::BadInput)
    );
    let before = svc.satisfaction().unwrap();
    svc.ticket_close(&s, t.id, 1, "等太久").unwrap();
    let after = svc.satisfaction().unwrap();
    let billing = |v: &[touchpoint::service::complaints::CategoryRating]| {
        v.iter()
            .find(|r| r.category == Category::BillingDispute)
            .map(|r| r.count)
            .unwrap_or(0)
    };
    assert_eq!(billing(&after), billing(&before) + 1);
    let closed = svc.ticket(&s, t.id).unwrap();
    assert_eq!(closed.rating, Some(1));
    assert_eq!(closed.rating_comment.as_deref(), Some("等太久"));
    // A closed ticket takes no replies and no reassignment; a note is still allowed.
    assert_eq!(
        svc.ticket_reply(&s, t.id, "x").unwrap_err().kind(),
        Some(ProblemKind::Refused)
    );
    svc.ticket_note(&s, t.id, "归档备注").unwrap();
}

#[test]
fn the_demo_queue_has_every_state_and_stays_consistent() {
    let (_db, mut svc, _clock) = demo_service();
    let s = login(&mut svc, "clerk");
    let all = svc.tickets(&s, &TicketQuery::default()).unwrap();
    for st in TicketStatus::ALL {
        assert!(all.iter().any(|t| t.status == *st), "{st:?}");
    }
    assert!(all.iter().any(|t| t.overdue), "an overdue ticket");
    assert!(
        all.iter()
            .any(|t| t.status.is_open() && t.sla.worst() == SlaState::NearDue)
    );
    assert!(
        all.iter()
            .any(|t| t.compensation_status.as_deref() == Some("approved"))
    );
    assert!(
        all.iter()
            .any(|t| t.compensation_status.as_deref() == Some("proposed"))
    );
    assert!(all.iter().any(|t| t.stale_dispute));
    assert!(all.iter().filter(|t| t.rating.is_some()).count() >= 10);
    assert!(svc.satisfaction().unwrap().len() >= 4);
    // The most urgent open ticket comes first.
    assert!(all[0].status.is_open() && all[0].overdue);
    assert_check(&svc);
}
