//! Popups: each eats input until it closes and says what it wants done through a message.

pub mod confirm;
pub mod help;
pub mod login;
pub mod message;
pub mod receipt;
pub mod record;
pub mod refund;
pub mod search;
pub mod ticket_form;
pub mod verify;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Borders, Clear};

/// Clears an area and draws a titled popup frame; returns the inner area.
pub fn frame(f: &mut Frame<'_>, area: Rect, title: &str) -> Rect {
    f.render_widget(Clear, area);
    // A wide (CJK) character just left of the popup would spill into its border: blank it.
    if area.x > 0 {
        let buf = f.buffer_mut();
        for y in area.top()..area.bottom() {
            if let Some(cell) = buf.cell_mut((area.x - 1, y))
                && unicode_width::UnicodeWidthStr::width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(crate::tui::theme::popup_border())
        .title(format!(" {title} "));
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}
