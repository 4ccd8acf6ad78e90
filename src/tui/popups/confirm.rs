//! A yes/no question before anything irreversible.

use crate::tui::theme;
use crate::tui::widgets::centered;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// What a confirmation leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAction {
    /// Leave the program with a form half filled.
    Quit,
}

/// A confirmation.
#[derive(Debug, Clone)]
pub struct ConfirmPopup {
    /// Title.
    pub title: String,
    /// Lines of what will happen.
    pub body: Vec<String>,
    /// What yes does.
    pub action: ConfirmAction,
}

/// The answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmMsg {
    /// Still asking.
    Nothing,
    /// Yes.
    Yes,
    /// No.
    No,
}

impl ConfirmPopup {
    /// y or Enter says yes; n or Esc says no.
    pub fn key(&mut self, ev: KeyEvent) -> ConfirmMsg {
        match ev.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => ConfirmMsg::Yes,
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => ConfirmMsg::No,
            _ => ConfirmMsg::Nothing,
        }
    }

    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, yes_no: &str) {
        let h = self.body.len() as u16 + 4;
        let r = centered(area, 56, h);
        let inner = super::frame(f, r, &self.title);
        let mut lines: Vec<Line<'_>> = self.body.iter().map(|l| Line::from(l.as_str())).collect();
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(yes_no.to_string(), theme::warn())));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    }
}
