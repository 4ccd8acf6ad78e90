//! The counter screen as a clerk uses it: keys in, frames out (TestBackend + insta snapshots).

mod common;

use common::tui::{press, render, type_text};
use common::{DemoDb, demo_service};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use touchpoint::domain::Lang;
use touchpoint::tui::app::App;

fn app(lang: Lang) -> (DemoDb, App) {
    let (db, svc, _clock) = demo_service();
    (db, App::new(svc, lang))
}

fn logged_in(lang: Lang) -> (DemoDb, App) {
    let (db, mut a) = app(lang);
    a.login("clerk", "demo").unwrap();
    (db, a)
}

/// Logs in, finds the seed-trial customer by part of the phone, takes them up.
fn serve_trial_customer(a: &mut App) {
    press(a, KeyCode::Char('/'));
    type_text(a, "1380013");
    press(a, KeyCode::Enter);
}

fn verify_with_password(a: &mut App) {
    press(a, KeyCode::Char('v'));
    type_text(a, "123456");
    press(a, KeyCode::Enter);
}

#[test]
fn login_screen() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, a) = app(lang);
        insta::assert_snapshot!(format!("login_{}", lang.code()), render(&a, 80, 24));
    }
}

#[test]
fn login_by_keyboard_and_a_wrong_password() {
    let (_db, mut a) = app(Lang::En);
    type_text(&mut a, "clerk");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "wrong");
    press(&mut a, KeyCode::Enter);
    assert!(a.session().is_none());
    let screen = render(&a, 80, 24);
    assert!(screen.contains("wrong staff id or password"), "{screen}");
    assert!(!screen.contains("wrong\""), "the password is never shown");
    type_text(&mut a, "demo");
    press(&mut a, KeyCode::Enter);
    assert_eq!(a.session().unwrap().staff_id, "clerk");
}

#[test]
fn customer_tab_before_and_after_verification() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang);
        insta::assert_snapshot!(format!("welcome_{}", lang.code()), render(&a, 80, 24));
        press(&mut a, KeyCode::Char('/'));
        type_text(&mut a, "1380013");
        insta::assert_snapshot!(format!("search_{}", lang.code()), render(&a, 80, 24));
        press(&mut a, KeyCode::Enter);
        insta::assert_snapshot!(
            format!("customer_unverified_{}", lang.code()),
            render(&a, 80, 24)
        );
        press(&mut a, KeyCode::Char('v'));
        type_text(&mut a, "123456");
        insta::assert_snapshot!(format!("verify_popup_{}", lang.code()), render(&a, 80, 24));
        press(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        assert!(
            screen.contains("13800138000") && screen.contains("2537"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("customer_verified_{}", lang.code()), screen);
    }
}

#[test]
fn customer_tab_at_120_by_40() {
    let (_db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    verify_with_password(&mut a);
    insta::assert_snapshot!("customer_verified_en_120x40", render(&a, 120, 40));
}

#[test]
fn help_overlay_lists_the_keymap() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang);
        press(&mut a, KeyCode::Char('?'));
        insta::assert_snapshot!(format!("help_{}", lang.code()), render(&a, 80, 24));
        press(&mut a, KeyCode::Esc);
        assert!(
            !render(&a, 80, 24).contains("╭"),
            "any other key closes help"
        );
    }
}

#[test]
fn too_small_terminals_get_a_notice_never_a_panic() {
    let (_db, mut a) = logged_in(Lang::Zh);
    insta::assert_snapshot!("too_small", render(&a, 60, 20));
    serve_trial_customer(&mut a);
    press(&mut a, KeyCode::Char('?'));
    for (w, h) in [(1, 1), (79, 24), (80, 23), (10, 3), (200, 60), (80, 24)] {
        let _ = render(&a, w, h);
    }
}

#[test]
fn a_wrong_password_in_the_popup_says_so_and_keeps_it_open() {
    let (_db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    press(&mut a, KeyCode::Char('v'));
    type_text(&mut a, "000000");
    press(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("wrong service password"), "{screen}");
    assert!(!a.customer().unwrap().visit.verified);
    // The ID check works as well: Tab twice to the ID method.
    press(&mut a, KeyCode::Tab);
    press(&mut a, KeyCode::Tab);
    let tail = a.service().find_customer("13800138000").unwrap().id_number[12..].to_string();
    type_text(&mut a, &tail);
    press(&mut a, KeyCode::Enter);
    assert!(a.customer().unwrap().visit.verified);
}

#[test]
fn search_finds_by_name_and_enter_with_no_result_does_nothing() {
    let (_db, mut a) = logged_in(Lang::Zh);
    press(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "陈静");
    assert!(render(&a, 80, 24).contains("188****8000"));
    press(&mut a, KeyCode::Backspace);
    press(&mut a, KeyCode::Backspace);
    type_text(&mut a, "zzz");
    press(&mut a, KeyCode::Enter);
    assert!(a.customer().is_none());
    press(&mut a, KeyCode::Esc);
    assert!(a.customer().is_none());
}

#[test]
fn ending_the_visit_ends_verification() {
    let (_db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    verify_with_password(&mut a);
    assert!(a.customer().unwrap().visit.verified);
    press(&mut a, KeyCode::Char('x'));
    assert!(a.customer().is_none());
    serve_trial_customer(&mut a);
    assert!(
        !a.customer().unwrap().visit.verified,
        "a new visit verifies again"
    );
}

#[test]
fn quit_asks_only_when_something_is_half_typed() {
    let (_db, mut a) = logged_in(Lang::En);
    press(&mut a, KeyCode::Char('q'));
    assert!(a.quit);

    let (_db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    press(&mut a, KeyCode::Char('v'));
    type_text(&mut a, "12");
    a.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!a.quit);
    assert!(render(&a, 80, 24).contains("Quit anyway?"));
    press(&mut a, KeyCode::Char('n'));
    assert!(!a.quit);
    a.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    press(&mut a, KeyCode::Char('y'));
    assert!(a.quit);
}

#[test]
fn f2_switches_language_live() {
    let (_db, mut a) = logged_in(Lang::Zh);
    assert!(render(&a, 80, 24).contains("查找"));
    press(&mut a, KeyCode::F(2));
    assert_eq!(a.lang, Lang::En);
    assert!(render(&a, 80, 24).contains("find"));
}

#[test]
fn another_terminals_change_shows_on_the_next_tick() {
    let (db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    verify_with_password(&mut a);
    // Another terminal edits the customer.
    let clock = touchpoint::domain::clock::ManualClock::at(touchpoint::domain::clock::demo_epoch());
    let mut other = touchpoint::service::Service::open(&db.path, clock).unwrap();
    let s = other.login("super", "demo").unwrap();
    let id = a.customer().unwrap().view.id;
    let visit = other.open_visit(&s, id).unwrap();
    other.override_verification(&s, visit, "test").unwrap();
    other
        .customer_edit(
            &s,
            Some(visit),
            id,
            touchpoint::store::customers::ProfileEdit {
                tags: Some("changed-elsewhere".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!render(&a, 80, 24).contains("changed-elsewhere"));
    a.tick();
    assert!(render(&a, 80, 24).contains("changed-elsewhere"));
}

fn verified_on_points(lang: Lang) -> (DemoDb, App) {
    let (db, mut a) = logged_in(lang);
    serve_trial_customer(&mut a);
    verify_with_password(&mut a);
    press(&mut a, KeyCode::Char('2'));
    (db, a)
}

#[test]
fn points_tab_and_the_seed_trial_redemption() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = verified_on_points(lang);
        let screen = render(&a, 80, 24);
        assert!(screen.contains("2537"), "{screen}");
        insta::assert_snapshot!(format!("points_{}", lang.code()), screen);
        // Filter to the seed trial's item.
        press(&mut a, KeyCode::Char('f'));
        type_text(&mut a, "CREDIT30");
        press(&mut a, KeyCode::Enter);
        press(&mut a, KeyCode::Enter);
        let confirm = render(&a, 80, 24);
        assert!(confirm.contains("2537 → 37"), "{confirm}");
        assert!(confirm.contains("¥191.50 → ¥221.50"), "{confirm}");
        insta::assert_snapshot!(format!("points_confirm_{}", lang.code()), confirm);
        press(&mut a, KeyCode::Enter);
        let done = render(&a, 80, 24);
        assert!(
            done.contains("2537 → 37") && done.contains("+¥30.00"),
            "{done}"
        );
        insta::assert_snapshot!(format!("points_redeemed_{}", lang.code()), done);
        press(&mut a, KeyCode::Esc);
        assert_eq!(a.customer().unwrap().view.points, 37);
        let notices = touchpoint::store::notices::recent(
            a.service().conn(),
            a.customer().unwrap().view.id,
            2,
        )
        .unwrap();
        assert_eq!(
            (notices[1].template.as_str(), notices[0].template.as_str()),
            ("redemption", "credit")
        );
        press(&mut a, KeyCode::Char('h'));
        insta::assert_snapshot!(
            format!("points_history_{}", lang.code()),
            render(&a, 80, 24)
        );
    }
}

#[test]
fn redeeming_unverified_asks_for_verification_first() {
    let (_db, mut a) = logged_in(Lang::En);
    serve_trial_customer(&mut a);
    press(&mut a, KeyCode::Char('2'));
    press(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("Verify the customer"), "{screen}");
    type_text(&mut a, "123456");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert!(render(&a, 80, 24).contains("Confirm redemption"));
    press(&mut a, KeyCode::Esc);
    assert_eq!(
        a.customer().unwrap().view.points,
        2537,
        "declining changes nothing"
    );
}

#[test]
fn categories_filter_the_catalogue_and_affordable_items_come_first() {
    let (_db, mut a) = verified_on_points(Lang::En);
    press(&mut a, KeyCode::Right);
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("¥5 phone credit") && !screen.contains("1 GB data"),
        "{screen}"
    );
    // ¥50 credit (4100) is not affordable with 2537 and sorts after the affordable ones.
    let pos = |s: &str| screen.find(s).unwrap();
    assert!(pos("¥30 phone credit") < pos("¥50 phone credit"));
}

#[test]
fn a_supervisor_reverses_a_redemption_with_a_reason() {
    let (db, mut a) = logged_in(Lang::En);
    // The clerk redeems, then the supervisor at the same counter reverses.
    serve_trial_customer(&mut a);
    verify_with_password(&mut a);
    press(&mut a, KeyCode::Char('2'));
    press(&mut a, KeyCode::Char('f'));
    type_text(&mut a, "CREDIT10");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('h'));
    press(&mut a, KeyCode::Char('r'));
    assert!(
        render(&a, 80, 24).contains("supervisor"),
        "a clerk is told who may reverse"
    );
    let clock = touchpoint::domain::clock::ManualClock::at(touchpoint::domain::clock::demo_epoch());
    let svc = touchpoint::service::Service::open(&db.path, clock).unwrap();
    let mut sup = App::new(svc, Lang::En);
    sup.login("super", "demo").unwrap();
    serve_trial_customer(&mut sup);
    verify_with_password(&mut sup);
    press(&mut sup, KeyCode::Char('2'));
    press(&mut sup, KeyCode::Char('h'));
    press(&mut sup, KeyCode::Char('r'));
    press(&mut sup, KeyCode::Enter);
    assert!(render(&sup, 80, 24).contains("Type a reason"));
    type_text(&mut sup, "customer changed mind");
    insta::assert_snapshot!("points_reverse_en", render(&sup, 80, 24));
    press(&mut sup, KeyCode::Enter);
    assert!(render(&sup, 80, 24).contains("Reversed"));
    press(&mut sup, KeyCode::Esc);
    assert_eq!(sup.customer().unwrap().view.points, 2537);
    drop(db);
}
