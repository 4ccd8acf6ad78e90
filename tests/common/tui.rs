//! Driving the TUI as a person does: keys in, the screen's text out.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use touchpoint::tui::app::App;

/// The screen the app draws at `w`×`h`, as text.
pub fn render(a: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| a.draw(f)).unwrap();
    t.backend().to_string()
}

/// One key, without modifiers.
pub fn press(a: &mut App, code: KeyCode) {
    a.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
}

/// Types `s` a character at a time.
pub fn type_text(a: &mut App, s: &str) {
    for c in s.chars() {
        press(a, KeyCode::Char(c));
    }
}
