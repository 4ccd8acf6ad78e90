//! The guided demo walkthrough: the seed's three trials played on the real screens by feeding
//! the real keys to the real App (so the real services run), with a narration panel saying what
//! each step shows and which shortcoming of the online hall it answers.
//! Space/→ next, ← back (replays from a pristine copy of the demo), Esc leaves (the session goes on).

use crate::domain::clock::RunningClock;
use crate::domain::{Lang, SharedClock};
use crate::error::Result;
use crate::service::Service;
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::tabs::Tab;
use crate::tui::theme;
use crate::tui::widgets::wrap;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// One key the tour presses.
#[derive(Debug, Clone, Copy)]
enum K {
    /// A key.
    Code(KeyCode),
    /// Typed text.
    Text(&'static str),
    /// The number key of a tab.
    Tab(Tab),
}

/// A step: the keys it presses, then the narration shown.
struct Step {
    keys: &'static [K],
    narration: &'static str,
    /// The shortcoming of the online hall (from the study) this step answers.
    answers: Option<&'static str>,
}

use K::{Code, Text};

const STEPS: &[Step] = &[
    Step {
        keys: &[],
        narration: "walk.0",
        answers: None,
    },
    Step {
        keys: &[Code(KeyCode::Char('/')), Text("1380013")],
        narration: "walk.1",
        answers: None,
    },
    Step {
        keys: &[Code(KeyCode::Enter)],
        narration: "walk.2",
        answers: None,
    },
    Step {
        keys: &[
            Code(KeyCode::Char('v')),
            Text("123456"),
            Code(KeyCode::Enter),
        ],
        narration: "walk.3",
        answers: Some("walk.answer.verify"),
    },
    Step {
        keys: &[K::Tab(Tab::Points)],
        narration: "walk.4",
        answers: Some("walk.answer.threshold"),
    },
    Step {
        keys: &[
            Code(KeyCode::Char('f')),
            Text("CREDIT30"),
            Code(KeyCode::Enter),
            Code(KeyCode::Enter),
        ],
        narration: "walk.5",
        answers: None,
    },
    Step {
        keys: &[Code(KeyCode::Enter)],
        narration: "walk.6",
        answers: Some("walk.answer.credit"),
    },
    Step {
        keys: &[Code(KeyCode::Esc), K::Tab(Tab::Customer)],
        narration: "walk.7",
        answers: None,
    },
    Step {
        keys: &[
            K::Tab(Tab::TopUp),
            Code(KeyCode::Down),
            Code(KeyCode::Right),
            Code(KeyCode::Right),
            Code(KeyCode::Right),
            Code(KeyCode::Right),
            Code(KeyCode::Down),
            Code(KeyCode::Right),
            Code(KeyCode::Right),
            Code(KeyCode::Right),
        ],
        narration: "walk.8",
        answers: Some("walk.answer.amounts"),
    },
    Step {
        keys: &[Code(KeyCode::Enter)],
        narration: "walk.9",
        answers: None,
    },
    Step {
        keys: &[Code(KeyCode::Enter)],
        narration: "walk.10",
        answers: None,
    },
    Step {
        keys: &[Code(KeyCode::Enter), Code(KeyCode::Esc), K::Tab(Tab::Bills)],
        narration: "walk.11",
        answers: Some("walk.answer.charts"),
    },
    Step {
        keys: &[Code(KeyCode::Enter), Code(KeyCode::Down)],
        narration: "walk.12",
        answers: Some("walk.answer.explained"),
    },
    Step {
        keys: &[Code(KeyCode::Esc), Code(KeyCode::Char('a'))],
        narration: "walk.13",
        answers: Some("walk.answer.advice"),
    },
    Step {
        keys: &[Code(KeyCode::Char('m'))],
        narration: "walk.14",
        answers: None,
    },
];

/// The tour's state.
pub struct Walkthrough {
    /// The step shown (its keys have been pressed).
    pub step: usize,
    /// Still guiding (Esc ends it).
    pub active: bool,
    /// Advance by itself at this pace.
    pub autoplay: Option<Duration>,
    last: Instant,
    db: PathBuf,
    pristine: PathBuf,
}

fn press(app: &mut App, k: K) {
    let key = |c| KeyEvent::new(c, KeyModifiers::NONE);
    match k {
        K::Code(c) => app.handle_key(key(c)),
        K::Text(s) => {
            for ch in s.chars() {
                app.handle_key(key(KeyCode::Char(ch)));
            }
        }
        K::Tab(tab) => {
            for ch in (tab.index() + 1).to_string().chars() {
                app.handle_key(key(KeyCode::Char(ch)));
            }
        }
    }
}

impl Walkthrough {
    /// Starts a tour over a freshly built demo database, keeping a pristine copy for going back.
    pub fn start(db: &Path, autoplay: Option<Duration>) -> Result<Walkthrough> {
        let pristine = db.with_extension("walkthrough");
        std::fs::copy(db, &pristine)?;
        Ok(Walkthrough {
            step: 0,
            active: true,
            autoplay,
            last: Instant::now(),
            db: db.to_path_buf(),
            pristine,
        })
    }

    /// The number of steps.
    pub fn len(&self) -> usize {
        STEPS.len()
    }

    /// True for an empty tour (never).
    pub fn is_empty(&self) -> bool {
        STEPS.is_empty()
    }

    /// Presses the next step's keys.
    pub fn next(&mut self, app: &mut App) {
        if self.step + 1 < STEPS.len() {
            self.step += 1;
            for k in STEPS[self.step].keys {
                press(app, *k);
            }
        }
        self.last = Instant::now();
    }

    /// Goes back one step: the demo is restored from the pristine copy and replayed up to there.
    /// The old App (and its connection) is closed before the file is replaced.
    pub fn back(&mut self, app: &mut App, clock: SharedClock) -> Result<()> {
        let lang = app.lang;
        let target = self.step.saturating_sub(1);
        let placeholder = Service::from_connection(
            rusqlite::Connection::open_in_memory()?,
            &self.db,
            clock.clone(),
        );
        drop(std::mem::replace(app, App::new(placeholder, lang)));
        crate::demo::remove_db_files(&self.db)?;
        std::fs::copy(&self.pristine, &self.db)?;
        let mut fresh = App::new(Service::open(&self.db, clock)?, lang);
        fresh.login("clerk", crate::demo::STAFF_PASSWORD)?;
        self.step = 0;
        while self.step < target {
            self.next(&mut fresh);
        }
        *app = fresh;
        self.last = Instant::now();
        Ok(())
    }

    /// A fresh clock for a replay: the demo's pinned morning, running.
    pub fn clock() -> SharedClock {
        std::sync::Arc::new(RunningClock::from(crate::domain::clock::demo_epoch()))
    }

    /// Handles a key while the tour is on; true when the tour took it.
    pub fn key(&mut self, k: KeyEvent, app: &mut App) -> Option<WalkMsg> {
        if !self.active {
            return None;
        }
        match k.code {
            KeyCode::Char(' ') | KeyCode::Right | KeyCode::PageDown => {
                self.next(app);
                Some(WalkMsg::Done)
            }
            KeyCode::Left | KeyCode::PageUp => Some(WalkMsg::Back),
            KeyCode::Esc => {
                self.active = false;
                Some(WalkMsg::Done)
            }
            KeyCode::Char('q') => {
                app.quit = true;
                Some(WalkMsg::Done)
            }
            _ => Some(WalkMsg::Done),
        }
    }

    /// Advances by itself when autoplay is on and the pace has passed.
    pub fn tick(&mut self, app: &mut App) {
        if let Some(pace) = self.autoplay
            && self.active
            && self.last.elapsed() >= pace
            && self.step + 1 < STEPS.len()
        {
            self.next(app);
        }
    }

    /// Rows the narration takes at the bottom of a screen of `height` rows.
    pub fn narration_rows(height: u16) -> u16 {
        if height >= 36 { 8 } else { 6 }
    }

    /// Draws the app above and the narration below, so nothing overlaps; the app keeps at
    /// least 18 rows (at 80×24 it gives up the rest to the narration).
    pub fn draw_with(&self, app: &App, f: &mut Frame<'_>) {
        if !self.active {
            app.draw(f);
            return;
        }
        let area = f.area();
        let h = Self::narration_rows(area.height);
        if area.height < crate::tui::draw::MIN_HEIGHT || area.width < crate::tui::draw::MIN_WIDTH {
            app.draw(f);
            return;
        }
        let top = Rect::new(area.x, area.y, area.width, area.height - h);
        crate::tui::draw::draw_in(app, f, top, area.height - h);
        self.draw_narration(
            f,
            Rect::new(area.x, area.y + area.height - h, area.width, h),
            app.lang,
        );
    }

    fn draw_narration(&self, f: &mut Frame<'_>, r: Rect, lang: Lang) {
        f.render_widget(Clear, r);
        let title = format!(
            " {} {}/{} · {} ",
            t(lang, "walk.title"),
            self.step + 1,
            STEPS.len(),
            t(lang, "walk.keys")
        );
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .border_style(theme::warn())
            .title(title);
        let inner = block.inner(r);
        f.render_widget(block, r);
        let step = &STEPS[self.step];
        let mut lines: Vec<Line<'_>> = wrap(t(lang, step.narration), inner.width as usize)
            .into_iter()
            .map(Line::from)
            .collect();
        if let Some(a) = step.answers {
            for part in wrap(&format!("✔ {}", t(lang, a)), inner.width as usize) {
                lines.push(Line::from(Span::styled(part, theme::ok())));
            }
        }
        f.render_widget(Paragraph::new(lines), inner);
    }
}

/// What the loop must do after a tour key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkMsg {
    /// Nothing more.
    Done,
    /// Go back one step (rebuild the App).
    Back,
}

impl Drop for Walkthrough {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.pristine);
    }
}
