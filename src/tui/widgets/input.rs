//! A one-line text field over `tui-input`, drawn with the terminal cursor on it so an input
//! method's candidate window follows.

use ratatui::Frame;
use ratatui::crossterm::event::{Event, KeyEvent};
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::widgets::Paragraph;
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

/// A text field.
#[derive(Debug, Default, Clone)]
pub struct Field {
    /// The text and cursor.
    pub input: Input,
    /// Shows `•` instead of the text (passwords).
    pub secret: bool,
}

impl Field {
    /// A field for secrets.
    pub fn secret() -> Field {
        Field {
            input: Input::default(),
            secret: true,
        }
    }

    /// The text.
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Clears the text.
    pub fn clear(&mut self) {
        self.input.reset();
    }

    /// Passes a key to the field; true when the text changed.
    pub fn key(&mut self, ev: KeyEvent) -> bool {
        self.input
            .handle_event(&Event::Key(ev))
            .is_some_and(|c| c.value)
    }

    /// Draws the field; when `focused`, puts the terminal cursor at the insertion point.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, style: Style, focused: bool) {
        let width = area.width.max(1) as usize;
        let scroll = self.input.visual_scroll(width.saturating_sub(1));
        let shown: String = if self.secret {
            "•".repeat(self.input.value().chars().count())
        } else {
            self.input.value().to_string()
        };
        let p = Paragraph::new(shown)
            .style(style)
            .scroll((0, scroll as u16));
        f.render_widget(p, area);
        if focused {
            let cursor = if self.secret {
                self.input.cursor()
            } else {
                self.input.visual_cursor()
            };
            let x =
                area.x + (cursor.saturating_sub(scroll) as u16).min(area.width.saturating_sub(1));
            f.set_cursor_position(Position::new(x, area.y));
        }
    }
}
