//! The Bills tab as a clerk uses it: one verification, the 12-month chart, a month's items and
//! their explanations, and each sub-view — snapshots at 80×24 in zh and en, and at 120×40.

mod common;

use common::tui::{press, render, type_text};
use common::{DemoDb, demo_service};
use ratatui::crossterm::event::KeyCode;
use touchpoint::domain::Lang;
use touchpoint::tui::app::App;
use touchpoint::tui::tabs::Tab;

/// Logs in, finds and verifies the seed-trial customer once, opens the Bills tab by its number.
fn on_bills(lang: Lang) -> (DemoDb, App) {
    let (db, svc, _clock) = demo_service();
    let mut a = App::new(svc, lang);
    a.login("clerk", "demo").unwrap();
    press(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "1380013");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('v'));
    type_text(&mut a, "123456");
    press(&mut a, KeyCode::Enter);
    let n = Tab::Bills.index() + 1;
    type_text(&mut a, &n.to_string());
    (db, a)
}

#[test]
fn the_seed_trial_reads_the_vas_item_without_verifying_again() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = on_bills(lang);
        let chart = render(&a, 80, 24);
        for m in ["12", "01", "06", "11"] {
            assert!(
                chart.contains(&format!("{m}  ")),
                "{m} on the axis:\n{chart}"
            );
        }
        assert!(
            chart.contains("2026-11") && chart.contains("¥84.20"),
            "{chart}"
        );
        insta::assert_snapshot!(format!("bills_chart_{}", lang.code()), chart);
        press(&mut a, KeyCode::Enter);
        press(&mut a, KeyCode::Down);
        let month = render(&a, 80, 24);
        let vas = lang.pick("彩铃", "Ringback tone");
        assert!(month.contains(vas), "{month}");
        assert!(
            month.contains("QXCL") && month.contains("2024-03-15"),
            "the explanation says how to cancel:\n{month}"
        );
        assert!(
            !month.contains(lang.pick("核验客户身份", "Verify the customer")),
            "no second verification"
        );
        insta::assert_snapshot!(format!("bills_month_{}", lang.code()), month);
        press(&mut a, KeyCode::Esc);
        assert!(
            render(&a, 80, 24).contains("▲"),
            "Esc goes back to the chart"
        );
    }
}

#[test]
fn every_sub_view_at_80_by_24() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = on_bills(lang);
        for (key, name) in [
            ('c', "current"),
            ('b', "ledger"),
            ('d', "details"),
            ('g', "data"),
            ('t', "reminders"),
            ('a', "advice"),
        ] {
            press(&mut a, KeyCode::Char(key));
            insta::assert_snapshot!(format!("bills_{name}_{}", lang.code()), render(&a, 80, 24));
        }
    }
}

#[test]
fn the_chart_at_120_by_40() {
    let (_db, a) = on_bills(Lang::En);
    insta::assert_snapshot!("bills_chart_en_120x40", render(&a, 120, 40));
}

#[test]
fn bills_need_verification() {
    let (_db, svc, _clock) = demo_service();
    let mut a = App::new(svc, Lang::En);
    a.login("clerk", "demo").unwrap();
    press(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "1380013");
    press(&mut a, KeyCode::Enter);
    type_text(&mut a, &(Tab::Bills.index() + 1).to_string());
    let screen = render(&a, 80, 24);
    assert!(screen.contains("need a verified customer"), "{screen}");
    assert!(!screen.contains("¥84.20"));
}

#[test]
fn detail_records_page_from_the_database() {
    let (_db, mut a) = on_bills(Lang::En);
    press(&mut a, KeyCode::Char('d'));
    let first = render(&a, 80, 24);
    assert!(
        first.contains("2026-11") && first.contains(" 1/"),
        "{first}"
    );
    for _ in 0..30 {
        press(&mut a, KeyCode::PageDown);
    }
    press(&mut a, KeyCode::End);
    let last = render(&a, 80, 24);
    assert!(!last.contains(" 1/"), "moved to the end:\n{last}");
    // Kind filter: calls, then data only.
    press(&mut a, KeyCode::Char('f'));
    press(&mut a, KeyCode::Char('f'));
    let data = render(&a, 80, 24);
    assert!(
        data.contains("data") && !data.contains("call out"),
        "{data}"
    );
}

#[test]
fn reminder_settings_toggle_and_save() {
    let (_db, mut a) = on_bills(Lang::En);
    press(&mut a, KeyCode::Char('t'));
    press(&mut a, KeyCode::Char('+'));
    assert!(render(&a, 80, 24).contains("¥15.00"));
    press(&mut a, KeyCode::Down);
    press(&mut a, KeyCode::Enter);
    let id = a.customer().unwrap().view.id;
    let saved = touchpoint::store::bills::reminder_settings(a.service().conn(), id, 1000).unwrap();
    assert_eq!((saved.low_balance_fen, saved.data_80), (1500, false));
    assert_eq!(
        touchpoint::store::audit::find(a.service().conn(), "reminders.set", None, 5)
            .unwrap()
            .len(),
        2
    );
}
