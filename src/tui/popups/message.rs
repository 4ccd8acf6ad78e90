//! A message that any key closes.

use crate::tui::theme;
use crate::tui::widgets::centered;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

/// A message.
#[derive(Debug, Clone)]
pub struct MessagePopup {
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
}

impl MessagePopup {
    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, hint: &str) {
        let r = centered(area, 60, 9);
        let inner = super::frame(f, r, &self.title);
        let style = if self.error {
            theme::error()
        } else {
            theme::ok()
        };
        let text = format!("{}\n\n{hint}", self.text);
        let lines: Vec<ratatui::text::Line<'_>> =
            crate::tui::widgets::wrap(&text, inner.width as usize)
                .into_iter()
                .map(ratatui::text::Line::from)
                .collect();
        f.render_widget(Paragraph::new(lines).style(style), inner);
    }
}
