//! Colours and styles, in one place.

use ratatui::style::{Color, Modifier, Style};

/// Title bar.
pub fn title() -> Style {
    Style::new()
        .bg(Color::Blue)
        .fg(Color::White)
        .add_modifier(Modifier::BOLD)
}
/// Customer bar.
pub fn customer_bar() -> Style {
    Style::new().bg(Color::DarkGray).fg(Color::White)
}
/// The selected row or tab.
pub fn selected() -> Style {
    Style::new()
        .bg(Color::Cyan)
        .fg(Color::Black)
        .add_modifier(Modifier::BOLD)
}
/// Field labels.
pub fn label() -> Style {
    Style::new().fg(Color::Gray)
}
/// Less important text.
pub fn muted() -> Style {
    Style::new().fg(Color::DarkGray)
}
/// Something went well.
pub fn ok() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
/// Something needs attention.
pub fn warn() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}
/// Something went wrong.
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
/// Key names in hints.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
/// Money going in.
pub fn credit() -> Style {
    Style::new().fg(Color::Green)
}
/// Money going out.
pub fn debit() -> Style {
    Style::new().fg(Color::Red)
}
/// Popup borders.
pub fn popup_border() -> Style {
    Style::new().fg(Color::Cyan)
}
