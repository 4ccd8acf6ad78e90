//! Opening the Bills tab's detail records for a customer with 100,000 of them: the page query
//! and one frame must fit in a frame's budget (16 ms). Run: `cargo bench --bench bills_frame`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::{Duration, Instant};
use touchpoint::domain::Lang;
use touchpoint::domain::clock::{ManualClock, demo_epoch};
use touchpoint::service::Service;
use touchpoint::tui::app::App;
use touchpoint::tui::tabs::Tab;

fn press(a: &mut App, code: KeyCode) {
    a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.sqlite");
    let now = demo_epoch();
    let opts = touchpoint::synthetic::GenOptions {
        customers: 1,
        months: 1,
        records_per_month: 100_000,
    };
    touchpoint::synthetic::generate(&path, opts, now, &mut |_, _, _| {}).expect("generate");
    let svc = Service::open(&path, ManualClock::at(now)).expect("open");
    let mut app = App::new(svc, Lang::Zh);
    app.login("super", "demo").expect("login");
    app.take_up(1);
    let visit = app.customer().expect("customer").visit_id;
    let sup = app.session().expect("session").clone();
    let mut svc2 = Service::open(&path, ManualClock::at(now)).expect("open");
    svc2.override_verification(&sup, visit, "benchmark")
        .expect("override");
    app.reload_customer();
    for c in (Tab::Bills.index() + 1).to_string().chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let rounds = 50;
    for i in 0..rounds {
        let t = Instant::now();
        // Open the details (loads the page holding the selected row), jump, and draw.
        press(&mut app, KeyCode::Char('d'));
        if i % 2 == 1 {
            press(&mut app, KeyCode::End);
        }
        term.draw(|f| app.draw(f)).expect("draw");
        let e = t.elapsed();
        worst = worst.max(e);
        total += e;
        press(&mut app, KeyCode::Char('m'));
    }
    let screen = term.backend().to_string();
    assert!(
        screen.contains("100000"),
        "the detail view shows the count:\n{screen}"
    );
    println!(
        "bills details, 100,000 records: mean {:.2} ms, worst {:.2} ms per open+draw over {rounds} rounds (budget 16 ms)",
        total.as_secs_f64() * 1000.0 / f64::from(rounds),
        worst.as_secs_f64() * 1000.0
    );
}
