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
    /// Make this top-up; its request id was made when the dialog opened, so a second Enter
    /// or a retry can never credit twice.
    TopUp(crate::service::topup::TopUpRequest),
    /// Ask the gateway again about a pending payment and credit it if paid.
    CompletePayment(i64),
    /// Void a pending payment.
    VoidPayment(i64),
    /// Refund an approved top-up (supervisor).
    Refund {
        /// Payment id.
        payment: i64,
        /// Amount taken back from the balance.
        amount: crate::domain::Fen,
        /// Why.
        reason: String,
    },
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
