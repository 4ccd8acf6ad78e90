//! The Top-up tab as a clerk uses it: keys in, frames out (TestBackend + insta snapshots).

mod common;

use common::tui::{press, render, type_text};
use common::{DemoDb, demo_service};
use ratatui::crossterm::event::KeyCode;
use touchpoint::domain::Lang;
use touchpoint::tui::app::App;
use touchpoint::tui::tabs::Tab;

fn logged_in(lang: Lang, who: &str) -> (DemoDb, App) {
    let (db, svc, _clock) = demo_service();
    let mut a = App::new(svc, lang);
    a.login(who, "demo").unwrap();
    (db, a)
}

/// The Top-up tab's number key, found through Tab::ALL (the tab order may grow).
fn open_topup(a: &mut App) {
    let n = Tab::TopUp.index() + 1;
    press(a, KeyCode::Char(char::from_digit(n as u32, 10).unwrap()));
}

fn balance(a: &App, phone: &str) -> i64 {
    a.service().find_customer(phone).unwrap().balance_fen
}

/// Number, ¥50 preset (fourth), cash: the seed trial.
fn fill_fifty_cash(a: &mut App, phone: &str) {
    open_topup(a);
    type_text(a, phone);
    press(a, KeyCode::Down);
    for _ in 0..4 {
        press(a, KeyCode::Right);
    }
}

#[test]
fn seed_trial_fifty_yuan_with_one_confirmation() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang, "clerk");
        let before = balance(&a, "13800138000");
        fill_fifty_cash(&mut a, "138 0013 8000");
        let screen = render(&a, 80, 24);
        assert!(
            screen.contains("138****8000") && screen.contains("¥191.50"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("topup_tab_{}", lang.code()), screen);
        press(&mut a, KeyCode::Enter);
        insta::assert_snapshot!(format!("topup_confirm_{}", lang.code()), render(&a, 80, 24));
        assert_eq!(
            balance(&a, "13800138000"),
            before,
            "nothing before confirming"
        );
        press(&mut a, KeyCode::Enter);
        assert_eq!(balance(&a, "13800138000"), before + 5_000);
        let screen = render(&a, 80, 24);
        assert!(screen.contains("¥241.50"), "{screen}");
        insta::assert_snapshot!(format!("topup_receipt_{}", lang.code()), screen);
        // The 充值提醒 notice is the newest.
        let n = a.service().latest_notice().unwrap().unwrap();
        assert_eq!(n.template, "topup");
        // A second Enter closes the receipt and credits nothing more.
        press(&mut a, KeyCode::Enter);
        assert_eq!(balance(&a, "13800138000"), before + 5_000);
    }
}

#[test]
fn wechat_fifty_shows_the_discount_before_confirming() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    fill_fifty_cash(&mut a, "13800138000");
    press(&mut a, KeyCode::Down);
    for _ in 0..3 {
        press(&mut a, KeyCode::Right);
    }
    let screen = render(&a, 80, 24);
    assert!(screen.contains("WeChat Pay: ¥50 for ¥49"), "{screen}");
    assert!(screen.contains("¥49.00"), "{screen}");
}

#[test]
fn bad_numbers_and_amounts_say_why_and_nothing_can_be_confirmed() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    open_topup(&mut a);
    type_text(&mut a, "1300013000");
    assert!(render(&a, 80, 24).contains("has 10 digits"));
    type_text(&mut a, "0");
    assert!(render(&a, 80, 24).contains("not a China Mobile number"));
    press(&mut a, KeyCode::Down);
    type_text(&mut a, "50.555");
    assert!(render(&a, 80, 24).contains("more than two decimals"));
    press(&mut a, KeyCode::Enter);
    assert!(render(&a, 80, 24).contains("Enter a valid number and amount first"));
    assert!(!render(&a, 80, 24).contains("Confirm top-up"));
}

#[test]
fn a_custom_amount_reactivates_a_suspended_line() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    open_topup(&mut a);
    type_text(&mut a, "13900139000");
    assert!(render(&a, 80, 24).contains("suspended"));
    press(&mut a, KeyCode::Down);
    type_text(&mut a, "3.20");
    press(&mut a, KeyCode::Enter);
    assert!(render(&a, 80, 24).contains("reopens"));
    press(&mut a, KeyCode::Char('y'));
    let screen = render(&a, 80, 24);
    assert!(screen.contains("line reactivated"), "{screen}");
    assert_eq!(
        a.service().find_customer("13900139000").unwrap().status,
        touchpoint::domain::customer::CustomerStatus::Active
    );
}

#[test]
fn esc_leaves_the_form_so_number_keys_switch_tabs_again() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    open_topup(&mut a);
    type_text(&mut a, "1");
    press(&mut a, KeyCode::Esc);
    press(&mut a, KeyCode::Char('1'));
    assert!(render(&a, 80, 24).contains("Welcome"));
}

#[test]
fn the_pending_payment_is_completed_from_the_list_and_refunds_need_a_supervisor() {
    let (_db, mut a) = logged_in(Lang::En, "clerk");
    let before = balance(&a, "18800188000");
    open_topup(&mut a);
    // Number, amount, channel, then the list; the demo's pending payment is first.
    for _ in 0..3 {
        press(&mut a, KeyCode::Down);
    }
    press(&mut a, KeyCode::Char('r'));
    assert!(render(&a, 80, 24).contains("Refunds need a supervisor"));
    press(&mut a, KeyCode::Char('c'));
    assert!(render(&a, 80, 24).contains("Complete a pending payment"));
    press(&mut a, KeyCode::Enter);
    assert_eq!(balance(&a, "18800188000"), before + 10_000);
    press(&mut a, KeyCode::Esc);

    let (_db, mut a) = logged_in(Lang::En, "super");
    open_topup(&mut a);
    type_text(&mut a, "13800138000");
    press(&mut a, KeyCode::Down);
    for _ in 0..4 {
        press(&mut a, KeyCode::Right);
    }
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Esc);
    let after_topup = balance(&a, "13800138000");
    for _ in 0..3 {
        press(&mut a, KeyCode::Down);
    }
    // The newest approved payment is right under the pending one.
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Char('r'));
    let screen = render(&a, 80, 24);
    assert!(
        screen.contains("Refundable now, at most ¥50.00"),
        "{screen}"
    );
    assert!(screen.contains("Refund rule"), "{screen}");
    press(&mut a, KeyCode::Tab);
    type_text(&mut a, "wrong number");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Enter);
    assert_eq!(balance(&a, "13800138000"), after_topup - 5_000);
}
