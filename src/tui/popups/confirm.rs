//! A yes/no question before any change of money, points, plan or status; optionally with a reason.

use crate::domain::Lang;
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::centered;
use crate::tui::widgets::input::Field;
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
    /// Redeem an item for the customer.
    Redeem {
        /// Customer.
        customer_id: i64,
        /// Item code.
        code: String,
    },
    /// Reverse a redemption (supervisor), with the reason typed in the dialog.
    ReverseRedemption {
        /// Redemption id.
        id: i64,
    },
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
    /// A reason the user must type before yes counts.
    pub reason: Option<Field>,
    /// Why yes was not accepted.
    pub error: Option<String>,
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
    /// A plain yes/no question.
    pub fn new(title: impl Into<String>, body: Vec<String>, action: ConfirmAction) -> ConfirmPopup {
        ConfirmPopup {
            title: title.into(),
            body,
            action,
            reason: None,
            error: None,
        }
    }

    /// A question that needs a typed reason.
    pub fn with_reason(mut self) -> ConfirmPopup {
        self.reason = Some(Field::default());
        self
    }

    /// The typed reason.
    pub fn reason_text(&self) -> String {
        self.reason
            .as_ref()
            .map(|f| f.value().trim().to_string())
            .unwrap_or_default()
    }

    /// True when a reason has been typed.
    pub fn is_dirty(&self) -> bool {
        !self.reason_text().is_empty()
    }

    /// y or Enter says yes; n or Esc says no. With a reason field, typing goes to it and Enter needs it filled.
    pub fn key(&mut self, ev: KeyEvent, lang: Lang) -> ConfirmMsg {
        if let Some(field) = &mut self.reason {
            return match ev.code {
                KeyCode::Esc => ConfirmMsg::No,
                KeyCode::Enter if field.value().trim().is_empty() => {
                    self.error = Some(t(lang, "confirm.reason_needed").to_string());
                    ConfirmMsg::Nothing
                }
                KeyCode::Enter => ConfirmMsg::Yes,
                _ => {
                    if field.key(ev) {
                        self.error = None;
                    }
                    ConfirmMsg::Nothing
                }
            };
        }
        match ev.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => ConfirmMsg::Yes,
            KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => ConfirmMsg::No,
            _ => ConfirmMsg::Nothing,
        }
    }

    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let extra = if self.reason.is_some() { 3 } else { 0 };
        let h = self.body.len() as u16 + 4 + extra;
        let r = centered(area, 62, h);
        let inner = super::frame(f, r, &self.title);
        let mut lines: Vec<Line<'_>> = self.body.iter().map(|l| Line::from(l.as_str())).collect();
        if self.reason.is_some() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                t(lang, "confirm.reason"),
                theme::label(),
            )));
        }
        lines.push(Line::from(""));
        let foot = match &self.error {
            Some(e) => Span::styled(e.clone(), theme::error()),
            None if self.reason.is_some() => {
                Span::styled(t(lang, "confirm.reason_keys"), theme::warn())
            }
            None => Span::styled(t(lang, "confirm.yes_no"), theme::warn()),
        };
        lines.push(Line::from(foot));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        if let Some(field) = &self.reason {
            let y = inner.y + self.body.len() as u16 + 1;
            let lw = unicode_width::UnicodeWidthStr::width(t(lang, "confirm.reason")) as u16 + 1;
            let fr = Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1);
            field.draw(f, fr, theme::selected(), true);
        }
    }
}
