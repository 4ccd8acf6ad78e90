//! The Reports tab (报表): supervisors only, the day's figures, hourly bars, counted cash.

mod common;

use common::tui::{press, render};
use common::{DemoDb, demo_service};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
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

/// Every body row keeps its right border in the last column.
fn assert_boxed(a: &App) {
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| a.draw(f)).unwrap();
    let buf = t.backend().buffer().clone();
    for y in 3..22 {
        let edge = buf[(79, y)].symbol();
        assert!(
            ["│", "┐", "┘"].contains(&edge),
            "row {y} lost its right border: {edge:?}"
        );
    }
}

#[test]
fn a_supervisor_sees_a_busy_day_with_the_counted_cash() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut a) = logged_in(lang, "super");
        // Reports is the last tab, shown to a supervisor.
        press(
            &mut a,
            KeyCode::Char(char::from_digit(Tab::Reports.index() as u32 + 1, 10).unwrap()),
        );
        assert_eq!(a.current_tab(), Tab::Reports);
        // Nine days back: 2026-11-25, a day of the demo's top-ups.
        for _ in 0..9 {
            press(&mut a, KeyCode::Left);
        }
        press(&mut a, KeyCode::Char('c'));
        // Digits go into the field while typing, not to the tab keys.
        for c in "1500".chars() {
            press(&mut a, KeyCode::Char(c));
        }
        assert_eq!(a.current_tab(), Tab::Reports);
        // The cursor stands at the end of the typed amount, for input methods.
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| a.draw(f)).unwrap();
        let at = t.get_cursor_position().unwrap();
        let row: String = (0..80)
            .map(|x| t.backend().buffer()[(x, at.y)].symbol().to_string())
            .collect();
        assert!(row.contains("[1500▏]"), "cursor on row {}: {row}", at.y);
        assert_eq!(t.backend().buffer()[(at.x, at.y)].symbol(), "▏", "{row}");
        press(&mut a, KeyCode::Enter);
        let screen = render(&a, 80, 24);
        assert!(screen.contains("2026-11-25"), "{screen}");
        // All seven tab titles fit the bar at 80 columns, the last one too.
        let bar = screen.lines().nth(2).unwrap();
        assert!(bar.contains(Tab::Reports.title(lang)), "{bar}");
        assert!(screen.contains("¥1,500.00"), "{screen}");
        assert!(screen.contains("¥71.41"), "{screen}");
        assert_boxed(&a);
        insta::assert_snapshot!(format!("reports_day_{}", lang.code()), screen);
    }
}

#[test]
fn a_clerk_has_no_reports_tab() {
    let (_db, mut a) = logged_in(Lang::Zh, "clerk");
    press(
        &mut a,
        KeyCode::Char(char::from_digit(Tab::Reports.index() as u32 + 1, 10).unwrap()),
    );
    assert_ne!(a.current_tab(), Tab::Reports);
    a.show_tab(Tab::Reports);
    assert_ne!(a.current_tab(), Tab::Reports);
    for _ in 0..7 {
        press(&mut a, KeyCode::Tab);
        assert_ne!(a.current_tab(), Tab::Reports);
    }
    assert!(!render(&a, 80, 24).contains("报表"));
}

#[test]
fn a_bad_counted_amount_is_refused_with_a_message() {
    let (_db, mut a) = logged_in(Lang::En, "super");
    a.show_tab(Tab::Reports);
    press(&mut a, KeyCode::Char('c'));
    for c in "1.234".chars() {
        press(&mut a, KeyCode::Char(c));
    }
    press(&mut a, KeyCode::Enter);
    let screen = render(&a, 80, 24);
    assert!(screen.contains("decimal"), "{screen}");
}
