//! The guided tour driven headless in both languages: the key figures of the seed's three trials
//! appear on the real screens at each step, and going back replays from a pristine demo.

mod common;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use touchpoint::domain::Lang;
use touchpoint::domain::clock::{ManualClock, demo_epoch};
use touchpoint::service::Service;
use touchpoint::tui::app::App;
use touchpoint::tui::walkthrough::Walkthrough;

/// A fresh demo, the tour at its first step, and the counter screen logged in as the clerk.
fn start(lang: Lang) -> (common::DemoDb, Walkthrough, App) {
    let db = common::demo_db();
    let w = Walkthrough::start(&db.path, None).unwrap();
    let mut a = App::new(
        Service::open(&db.path, ManualClock::at(demo_epoch())).unwrap(),
        lang,
    );
    a.login("clerk", "demo").unwrap();
    (db, w, a)
}

fn render(a: &App, w: &Walkthrough, cols: u16, rows: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(cols, rows)).unwrap();
    t.draw(|f| w.draw_with(a, f)).unwrap();
    t.backend().to_string()
}

#[test]
fn the_whole_tour_shows_the_key_figures() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut w, mut a) = start(lang);
        let mut screens = vec![render(&a, &w, 80, 24)];
        while w.step + 1 < w.len() {
            w.next(&mut a);
            screens.push(render(&a, &w, 120, 40));
        }
        let at = |i: usize, needle: &str| {
            assert!(
                screens[i].contains(needle),
                "step {i} ({lang:?}) lacks {needle}:\n{}",
                screens[i]
            )
        };
        at(1, "138****8000");
        at(3, "13800138000");
        at(4, "2537");
        at(5, "2537 → 37");
        at(6, "37");
        at(6, "+¥30.00");
        at(8, "¥49.00");
        at(10, "¥271.50"); // 191.50 + 30 from points + 50 topped up
        // The chart's axis names all twelve months, December to November.
        let axis = screens[11]
            .lines()
            .find(|l| l.contains("12 ") && l.contains("11 ") && l.contains("06 "))
            .unwrap_or("");
        for m in [
            "12", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11",
        ] {
            assert!(
                axis.contains(&format!("{m} ")),
                "month {m} on the axis: {axis}"
            );
        }
        at(12, "QXCL");
        at(13, "¥30.00");
        let customer = a.customer().unwrap().view.clone();
        assert_eq!((customer.points, customer.balance_fen), (37, 27_150));
        let notices =
            touchpoint::store::notices::recent(a.service().conn(), customer.id, 3).unwrap();
        let t: Vec<&str> = notices.iter().map(|n| n.template.as_str()).collect();
        assert_eq!(t, vec!["topup", "credit", "redemption"]);
    }
}

#[test]
fn back_replays_from_a_pristine_demo() {
    let (_db, mut w, mut a) = start(Lang::En);
    for _ in 0..6 {
        w.next(&mut a);
    }
    assert_eq!(a.customer().unwrap().view.points, 37);
    w.back(&mut a, Walkthrough::clock()).unwrap();
    assert_eq!(w.step, 5);
    assert_eq!(
        a.customer().unwrap().view.points,
        2537,
        "the redemption is undone by the replay"
    );
    assert!(
        render(&a, &w, 80, 24).contains("2537 → 37"),
        "the confirm dialog is back"
    );
    w.next(&mut a);
    assert_eq!(a.customer().unwrap().view.points, 37);
    let r = touchpoint::service::check::run(a.service().conn()).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
}

#[test]
fn the_tour_at_80_by_24_in_both_languages() {
    for lang in [Lang::Zh, Lang::En] {
        let (_db, mut w, mut a) = start(lang);
        for _ in 0..3 {
            w.next(&mut a);
        }
        insta::assert_snapshot!(
            format!("walk_verified_{}", lang.code()),
            render(&a, &w, 80, 24)
        );
        for _ in 0..9 {
            w.next(&mut a);
        }
        insta::assert_snapshot!(
            format!("walk_explained_{}", lang.code()),
            render(&a, &w, 80, 24)
        );
    }
}
