//! The Complaints tab as a clerk uses it: keys in, frames out (TestBackend + insta snapshots).

mod common;

use common::tui::{press, render, type_text};
use common::{DemoDb, demo_service};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use touchpoint::domain::Lang;
use touchpoint::domain::ticket::TicketStatus;
use touchpoint::service::complaints::TicketQuery;
use touchpoint::tui::app::App;
use touchpoint::tui::tabs::Tab;

fn logged_in(lang: Lang, who: &str) -> (DemoDb, App) {
    let (db, svc, _clock) = demo_service();
    let mut a = App::new(svc, lang);
    a.login(who, "demo").unwrap();
    (db, a)
}

fn serve_trial_customer(a: &mut App) {
    press(a, KeyCode::Char('/'));
    type_text(a, "1380013");
    press(a, KeyCode::Enter);
}

/// No control character reaches the terminal, and (with no popup open) every body row keeps
/// its right border in the last column.
fn assert_boxed(a: &App, w: u16, h: u16, popup: bool) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| a.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    for y in 0..h {
        for x in 0..w {
            let sym = buf[(x, y)].symbol();
            assert!(
                !sym.chars().any(|c| c.is_control()),
                "control character at {x},{y}"
            );
        }
        if !popup && (3..h - 2).contains(&y) {
            let edge = buf[(w - 1, y)].symbol();
            assert!(
                ["│", "┐", "┘"].contains(&edge),
                "row {y} lost its right border: {edge:?}"
            );
        }
    }
}

#[test]
fn the_queue_shows_every_ticket_most_urgent_first() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang, "clerk");
        a.show_tab(Tab::Complaints);
        // Mine → Unassigned → Overdue → All.
        for _ in 0..3 {
            press(&mut a, KeyCode::Right);
        }
        let screen = render(&a, 80, 24);
        assert!(screen.contains("135****5000"), "{screen}");
        insta::assert_snapshot!(format!("queue_{}", lang.code()), screen);
    }
}

#[test]
fn a_ticket_with_its_timeline() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang, "clerk");
        serve_trial_customer(&mut a);
        a.show_tab(Tab::Complaints);
        insta::assert_snapshot!(format!("customer_view_{}", lang.code()), render(&a, 80, 24));
        press(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        assert!(screen.contains("咪咕视频"), "{screen}");
        insta::assert_snapshot!(format!("ticket_detail_{}", lang.code()), screen);
        press(&mut a, KeyCode::Esc);
        assert!(!render(&a, 80, 24).contains("咪咕视频会员月费"));
    }
}

#[test]
fn the_new_ticket_form_opens_a_ticket() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang, "clerk");
        serve_trial_customer(&mut a);
        a.show_tab(Tab::Complaints);
        press(&mut a, KeyCode::Char('n'));
        // Category stays billing dispute; priority → high; the month and the description.
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Right);
        press(&mut a, KeyCode::Tab);
        press(&mut a, KeyCode::Tab);
        type_text(&mut a, "2026-06");
        press(&mut a, KeyCode::Tab);
        type_text(&mut a, "6月账单多扣30元");
        insta::assert_snapshot!(
            format!("new_ticket_form_{}", lang.code()),
            render(&a, 80, 24)
        );
        press(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        assert!(screen.contains("6月账单多扣30元"), "{screen}");
        assert!(
            screen.contains("⚠"),
            "a six-month-old bill is flagged: {screen}"
        );
        let s = a.session().unwrap().clone();
        let open = a
            .service()
            .tickets(&s, &TicketQuery::default())
            .unwrap()
            .into_iter()
            .find(|t| t.description == "6月账单多扣30元")
            .unwrap();
        assert_eq!(open.status, TicketStatus::New);
        assert!(open.stale_dispute);
    }
}

#[test]
fn log_an_interaction_in_two_keystrokes_and_reply_from_the_tab() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    serve_trial_customer(&mut a);
    let id = a.customer().unwrap().view.id;
    let s = a.session().unwrap().clone();
    let before = a.service().service_records(&s, id, 100).unwrap().len();
    press(&mut a, KeyCode::Char('l'));
    press(&mut a, KeyCode::Char('1'));
    let records = a.service().service_records(&s, id, 100).unwrap();
    assert_eq!(records.len(), before + 1);
    assert!(render(&a, 80, 24).contains("Logged"));
    // Reply to the customer's ticket from its detail: p, text, Enter.
    a.show_tab(Tab::Complaints);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('p'));
    type_text(&mut a, "refund on its way");
    press(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("refund on its way"), "{screen}");
    assert!(screen.contains("Reply sent"), "{screen}");
}

#[test]
fn a_clerk_cannot_approve_and_a_supervisor_credits_once() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    a.show_tab(Tab::Complaints);
    for _ in 0..7 {
        press(&mut a, KeyCode::Right); // … → Resolved
    }
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Resolved"), "{screen}");
    // The proposal awaiting approval is the newest resolved ticket: first in the view.
    press(&mut a, KeyCode::Char('m'));
    assert!(render(&a, 80, 24).contains("for a supervisor"));
    let (_db, mut b) = logged_in(Lang::En, "super");
    b.show_tab(Tab::Complaints);
    for _ in 0..7 {
        press(&mut b, KeyCode::Right);
    }
    press(&mut b, KeyCode::Char('m'));
    let confirm = render(&b, 80, 24);
    assert!(
        confirm.contains("Approve compensation") && confirm.contains("¥10.00"),
        "{confirm}"
    );
    press(&mut b, KeyCode::Enter);
    assert!(render(&b, 80, 24).contains("Compensation credited"));
    press(&mut b, KeyCode::Char('m'));
    assert!(render(&b, 80, 24).contains("no compensation waiting"));
}

#[test]
fn free_text_with_control_characters_and_a_long_line_keeps_the_layout() {
    let (_db, mut a) = logged_in(Lang::Zh, "clerk");
    serve_trial_customer(&mut a);
    let s = a.session().unwrap().clone();
    let long: String = "信号差😡 no signal ".chars().cycle().take(10_000).collect();
    let nasty = format!("响铃\u{7}转义\u{1b}[31m红\r回车\t制表\n{long}");
    a.show_tab(Tab::Complaints);
    press(&mut a, KeyCode::Char('n'));
    for _ in 0..4 {
        press(&mut a, KeyCode::Tab);
    }
    type_text(&mut a, &nasty.replace('\n', " "));
    assert_boxed(&a, 80, 24, true);
    press(&mut a, KeyCode::Enter);
    assert_boxed(&a, 80, 24, false);
    let id = a
        .service()
        .tickets(&s, &TicketQuery::default())
        .unwrap()
        .into_iter()
        .find(|t| t.description.contains("响铃"))
        .unwrap()
        .id;
    a.service().ticket(&s, id).unwrap();
    // A note with the raw text (newline and all) shows wrapped on the timeline.
    press(&mut a, KeyCode::Char('i'));
    type_text(&mut a, "备注\u{7}");
    press(&mut a, KeyCode::Enter);
    for _ in 0..200 {
        press(&mut a, KeyCode::PageDown);
    }
    assert_boxed(&a, 80, 24, false);
    assert_boxed(&a, 120, 40, false);
    for (w, h) in [(80, 24), (81, 25), (120, 40), (200, 60)] {
        let _ = render(&a, w, h);
    }
}

#[test]
fn the_queue_at_120_by_40() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    a.show_tab(Tab::Complaints);
    for _ in 0..3 {
        press(&mut a, KeyCode::Right);
    }
    insta::assert_snapshot!("queue_en_120x40", render(&a, 120, 40));
}
