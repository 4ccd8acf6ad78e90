//! The Plans tab as a clerk uses it: the current plan and services, the catalogue with the
//! comparison, and every confirm dialog — snapshots at 80×24 in zh and en.

mod common;

use common::tui::{press, render, type_text};
use common::{DemoDb, demo_service};
use ratatui::crossterm::event::KeyCode;
use touchpoint::domain::Lang;
use touchpoint::tui::app::App;
use touchpoint::tui::tabs::Tab;

fn down(a: &mut App, n: usize) {
    for _ in 0..n {
        press(a, KeyCode::Down);
    }
}

/// Logs in, finds and verifies the seed-trial customer, opens the Plans tab by its number.
fn on_plans(lang: Lang) -> (DemoDb, App) {
    let (db, svc, _clock) = demo_service();
    let mut a = App::new(svc, lang);
    a.login("clerk", "demo").unwrap();
    press(&mut a, KeyCode::Char('/'));
    type_text(&mut a, "1380013");
    press(&mut a, KeyCode::Enter);
    press(&mut a, KeyCode::Char('v'));
    type_text(&mut a, "123456");
    press(&mut a, KeyCode::Enter);
    let n = Tab::Plans.index() + 1;
    type_text(&mut a, &n.to_string());
    (db, a)
}

#[test]
fn the_tab_needs_a_verified_customer() {
    let (_db, svc, _clock) = demo_service();
    let mut a = App::new(svc, Lang::En);
    a.login("clerk", "demo").unwrap();
    type_text(&mut a, &(Tab::Plans.index() + 1).to_string());
    assert!(render(&a, 80, 24).contains("Plans"));
}

#[test]
fn plans_tab_comparison_and_confirm_dialogs_at_80_by_24() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = on_plans(lang);
        let overview = render(&a, 80, 24);
        assert!(overview.contains("GT88"), "{overview}");
        assert!(
            overview.contains(lang.pick("彩铃", "Ringback")),
            "{overview}"
        );
        insta::assert_snapshot!(format!("plans_overview_{}", lang.code()), overview);

        // The catalogue: GT58, GT88, GT128 … side by side with the current plan.
        press(&mut a, KeyCode::Char('p'));
        down(&mut a, 2);
        let cmp = render(&a, 80, 24);
        assert!(
            cmp.contains("GT128") && cmp.contains("¥128.00") && cmp.contains("2027-01-01"),
            "{cmp}"
        );
        insta::assert_snapshot!(format!("plans_compare_{}", lang.code()), cmp);

        press(&mut a, KeyCode::Enter);
        let confirm = render(&a, 80, 24);
        assert!(
            confirm.contains("2027-01-01") && confirm.contains("¥128.00"),
            "{confirm}"
        );
        insta::assert_snapshot!(format!("plans_confirm_change_{}", lang.code()), confirm);
        press(&mut a, KeyCode::Char('y'));
        press(&mut a, KeyCode::Esc);

        // A pack: charged now, balance before → after.
        down(&mut a, 2);
        press(&mut a, KeyCode::Enter);
        let pack = render(&a, 80, 24);
        assert!(
            pack.contains("¥191.50") && pack.contains("¥171.50"),
            "{pack}"
        );
        insta::assert_snapshot!(format!("plans_confirm_pack_{}", lang.code()), pack);
        press(&mut a, KeyCode::Char('n'));

        // A service: the Migu Music membership, from today.
        down(&mut a, 5);
        press(&mut a, KeyCode::Enter);
        let sub = render(&a, 80, 24);
        assert!(
            sub.contains("2026-12-04") && sub.contains("¥15.00"),
            "{sub}"
        );
        insta::assert_snapshot!(format!("plans_confirm_subscribe_{}", lang.code()), sub);
        press(&mut a, KeyCode::Char('y'));
        press(&mut a, KeyCode::Esc);

        // Back to the overview: the pending change and both services.
        press(&mut a, KeyCode::Char('o'));
        let after = render(&a, 80, 24);
        assert!(
            after.contains("GT128") && after.contains("2027-01-01"),
            "{after}"
        );
        insta::assert_snapshot!(format!("plans_overview_after_{}", lang.code()), after);

        // Cancel the first service: runs to month end.
        press(&mut a, KeyCode::Char('d'));
        let cancel = render(&a, 80, 24);
        assert!(
            cancel.contains("2026-12-31") && cancel.contains("28"),
            "{cancel}"
        );
        insta::assert_snapshot!(
            format!("plans_confirm_cancel_service_{}", lang.code()),
            cancel
        );
        press(&mut a, KeyCode::Char('y'));
        press(&mut a, KeyCode::Esc);

        press(&mut a, KeyCode::Char('u'));
        let undo = render(&a, 80, 24);
        assert!(undo.contains("2027-01-01"), "{undo}");
        insta::assert_snapshot!(format!("plans_confirm_cancel_change_{}", lang.code()), undo);
        press(&mut a, KeyCode::Char('y'));
        press(&mut a, KeyCode::Esc);

        press(&mut a, KeyCode::Char('h'));
        let hist = render(&a, 80, 24);
        assert!(hist.contains("clerk"), "{hist}");
        insta::assert_snapshot!(format!("plans_history_{}", lang.code()), hist);
    }
}
