//! The terminal UI: thin over the services. `app.rs` holds the state and key handling,
//! `draw.rs` the frame, `tabs/` one file per tab, `popups/` one per popup.

pub mod app;
pub mod draw;
pub mod i18n;
pub mod keymap;
pub mod popups;
pub mod tabs;
pub mod theme;
pub mod walkthrough;
pub mod widgets;

use crate::domain::{Lang, SharedClock};
use crate::error::Result;
use crate::service::Service;
use app::App;
use ratatui::crossterm::event;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How often the screen checks for other terminals' changes and idle visits.
const TICK: Duration = Duration::from_millis(250);

/// How to open the counter screen.
pub struct Options {
    /// The database.
    pub db: PathBuf,
    /// The language.
    pub lang: Lang,
    /// The clock.
    pub clock: SharedClock,
    /// Log in at once as (staff, password): the demo opens as its clerk.
    pub auto_login: Option<(String, String)>,
    /// Play the guided walkthrough, advancing by itself at this pace when given.
    pub walkthrough: Option<Option<Duration>>,
}

impl App {
    /// Draws one frame.
    pub fn draw(&self, f: &mut ratatui::Frame<'_>) {
        draw::draw(self, f);
    }
}

/// Opens the database, then the terminal; restores the terminal on quit, error and panic.
pub fn run(opts: Options) -> Result<()> {
    // Fail on a bad database before touching the terminal.
    let svc = Service::open(&opts.db, opts.clock.clone())?;
    let mut app = App::new(svc, opts.lang);
    if let Some((id, pw)) = &opts.auto_login {
        app.login(id, pw)?;
    }
    let mut walk = match opts.walkthrough {
        Some(pace) => Some(walkthrough::Walkthrough::start(&opts.db, pace)?),
        None => None,
    };
    // ratatui::init installs a panic hook that restores the terminal first.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut app, &mut terminal, &mut walk);
    ratatui::restore();
    result
}

/// Draws the app and, during a walkthrough, its narration.
fn frame(app: &App, walk: &Option<walkthrough::Walkthrough>, f: &mut ratatui::Frame<'_>) {
    match walk {
        Some(w) => w.draw_with(app, f),
        None => app.draw(f),
    }
}

fn event_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    walk: &mut Option<walkthrough::Walkthrough>,
) -> Result<()> {
    terminal.draw(|f| frame(app, walk, f))?;
    let mut last_tick = Instant::now();
    while !app.quit {
        let timeout = TICK.saturating_sub(last_tick.elapsed());
        if event::poll(timeout)? {
            let ev = event::read()?;
            let taken = match (&ev, walk.as_mut()) {
                (event::Event::Key(k), Some(w)) if k.kind != event::KeyEventKind::Release => {
                    w.key(*k, app)
                }
                _ => None,
            };
            match taken {
                Some(walkthrough::WalkMsg::Back) => {
                    if let Some(w) = walk.as_mut() {
                        w.back(app, walkthrough::Walkthrough::clock())?;
                    }
                }
                Some(walkthrough::WalkMsg::Done) => {}
                None => app.handle_event(ev),
            }
            // Drain what is already queued (fast typing, pastes) before drawing.
            while !app.quit
                && walk.as_ref().is_none_or(|w| !w.active)
                && event::poll(Duration::ZERO)?
            {
                app.handle_event(event::read()?);
            }
            terminal.draw(|f| frame(app, walk, f))?;
        }
        if last_tick.elapsed() >= TICK {
            app.tick();
            if let Some(w) = walk.as_mut() {
                w.tick(app);
            }
            last_tick = Instant::now();
            terminal.draw(|f| frame(app, walk, f))?;
        }
    }
    Ok(())
}
