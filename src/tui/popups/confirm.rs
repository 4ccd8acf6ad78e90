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
    /// Move a ticket to in_progress or waiting_customer, with an optional note.
    TicketState {
        /// Ticket.
        id: i64,
        /// Status entered.
        to: crate::domain::ticket::TicketStatus,
    },
    /// Send the typed reply to the customer.
    TicketReply {
        /// Ticket.
        id: i64,
    },
    /// Add the typed internal note.
    TicketNote {
        /// Ticket.
        id: i64,
    },
    /// Assign the ticket to the typed staff id.
    TicketAssign {
        /// Ticket.
        id: i64,
    },
    /// Resolve with the typed resolution and an optional compensation amount.
    TicketResolve {
        /// Ticket.
        id: i64,
    },
    /// Close with the typed rating and comment.
    TicketClose {
        /// Ticket.
        id: i64,
    },
    /// Approve the proposed compensation (supervisor).
    ApproveCompensation {
        /// Ticket.
        id: i64,
    },
    /// A business-handling change for the customer.
    Business {
        /// Customer.
        customer_id: i64,
        /// What changes.
        op: BusinessOp,
    },
}

/// A business-handling change (业务办理), each confirmed before it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BusinessOp {
    /// Book a change to this plan from the 1st of next month.
    ChangePlan(String),
    /// Cancel the pending plan change.
    CancelChange,
    /// Buy this pack now.
    AddPack(String),
    /// Subscribe this service from today.
    Subscribe(String),
    /// Cancel this service at month end.
    CancelService(String),
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
    /// The field's label, when it is not a reason.
    pub field_label: Option<String>,
    /// The field may be left empty.
    pub optional: bool,
    /// A second, optional field (label, field): an amount, a rating.
    pub second: Option<(String, Field)>,
    /// Typing goes to the second field.
    pub on_second: bool,
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
            field_label: None,
            optional: false,
            second: None,
            on_second: false,
        }
    }

    /// A question with a text field under its own label, required unless `optional`.
    pub fn with_field(mut self, label: impl Into<String>, optional: bool) -> ConfirmPopup {
        self.reason = Some(Field::default());
        self.field_label = Some(label.into());
        self.optional = optional;
        self
    }

    /// Fills the field in.
    pub fn prefilled(mut self, value: &str) -> ConfirmPopup {
        self.reason = Some(Field {
            input: tui_input::Input::new(value.to_string()),
            secret: false,
        });
        self
    }

    /// Adds a second field (Tab switches between them).
    pub fn with_second(mut self, label: impl Into<String>) -> ConfirmPopup {
        self.second = Some((label.into(), Field::default()));
        self
    }

    /// The second field's text.
    pub fn second_text(&self) -> String {
        self.second
            .as_ref()
            .map(|(_, f)| f.value().trim().to_string())
            .unwrap_or_default()
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
        !self.reason_text().is_empty() || !self.second_text().is_empty()
    }

    /// y or Enter says yes; n or Esc says no. With a reason field, typing goes to it and Enter needs it filled.
    pub fn key(&mut self, ev: KeyEvent, lang: Lang) -> ConfirmMsg {
        if self.reason.is_some() {
            let has_second = self.second.is_some();
            let empty = self.reason_text().is_empty();
            return match ev.code {
                KeyCode::Esc => ConfirmMsg::No,
                KeyCode::Tab | KeyCode::BackTab if has_second => {
                    self.on_second = !self.on_second;
                    ConfirmMsg::Nothing
                }
                KeyCode::Enter if !self.optional && empty => {
                    self.error = Some(
                        if self.field_label.is_some() {
                            t(lang, "confirm.text_needed")
                        } else {
                            t(lang, "confirm.reason_needed")
                        }
                        .to_string(),
                    );
                    ConfirmMsg::Nothing
                }
                KeyCode::Enter => ConfirmMsg::Yes,
                _ => {
                    let field = match (&mut self.second, &mut self.reason) {
                        (Some((_, second)), _) if self.on_second => Some(second),
                        (_, reason) => reason.as_mut(),
                    };
                    if field.is_some_and(|f| f.key(ev)) {
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
        let extra = if self.reason.is_some() { 3 } else { 0 } + u16::from(self.second.is_some());
        let h = self.body.len() as u16 + 4 + extra;
        let r = centered(area, 62, h);
        let inner = super::frame(f, r, &self.title);
        let width = inner.width as usize;
        let mut lines: Vec<Line<'_>> = self
            .body
            .iter()
            .map(|l| Line::from(crate::tui::widgets::fit(l, width)))
            .collect();
        let label = self
            .field_label
            .clone()
            .unwrap_or_else(|| t(lang, "confirm.reason").to_string());
        let labels_w = unicode_width::UnicodeWidthStr::width(label.as_str()).max(
            self.second
                .as_ref()
                .map(|(l, _)| unicode_width::UnicodeWidthStr::width(l.as_str()))
                .unwrap_or(0),
        ) as u16
            + 1;
        if self.reason.is_some() {
            lines.push(Line::from(""));
            let style = if self.on_second {
                theme::label()
            } else {
                theme::key()
            };
            lines.push(Line::from(Span::styled(label.clone(), style)));
            if let Some((l, _)) = &self.second {
                let style = if self.on_second {
                    theme::key()
                } else {
                    theme::label()
                };
                lines.push(Line::from(Span::styled(l.clone(), style)));
            }
        }
        lines.push(Line::from(""));
        let foot = match &self.error {
            Some(e) => Span::styled(e.clone(), theme::error()),
            None if self.second.is_some() => {
                Span::styled(t(lang, "confirm.fields_keys"), theme::warn())
            }
            None if self.field_label.is_some() => {
                Span::styled(t(lang, "confirm.field_keys"), theme::warn())
            }
            None if self.reason.is_some() => {
                Span::styled(t(lang, "confirm.reason_keys"), theme::warn())
            }
            None => Span::styled(t(lang, "confirm.yes_no"), theme::warn()),
        };
        lines.push(Line::from(foot));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        if let Some(field) = &self.reason {
            let y = inner.y + self.body.len() as u16 + 1;
            let lw = if self.second.is_some() || self.field_label.is_some() {
                labels_w
            } else {
                unicode_width::UnicodeWidthStr::width(t(lang, "confirm.reason")) as u16 + 1
            };
            let fr = Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1);
            field.draw(f, fr, theme::selected(), !self.on_second);
            if let Some((_, second)) = &self.second {
                let fr = Rect::new(inner.x + lw, y + 1, inner.width.saturating_sub(lw), 1);
                second.draw(f, fr, theme::selected(), self.on_second);
            }
        }
    }
}
