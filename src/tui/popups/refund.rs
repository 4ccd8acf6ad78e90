//! A supervisor's refund of a top-up: amount (at most what the rule allows) and a reason.

use crate::domain::topup::refund_rule;
use crate::domain::{Fen, Lang};
use crate::service::topup::{RefundLimit, TopUpRecord};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{centered, input::Field, pad};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The refund popup.
#[derive(Debug, Clone)]
pub struct RefundPopup {
    /// The top-up.
    pub record: TopUpRecord,
    /// What may be refunded now.
    pub limit: RefundLimit,
    /// Amount as typed (starts at the most allowed).
    pub amount: Field,
    /// Why.
    pub reason: Field,
    /// 0 amount, 1 reason.
    pub focus: usize,
    /// What is wrong with the input.
    pub error: Option<String>,
}

/// What the popup asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundMsg {
    /// Nothing.
    Nothing,
    /// Ask to confirm this refund.
    Submit(Fen, String),
    /// Close.
    Close,
}

impl RefundPopup {
    /// A popup for a top-up with the most allowed filled in.
    pub fn new(record: TopUpRecord, limit: RefundLimit) -> RefundPopup {
        let amount = Field {
            input: tui_input::Input::new(Fen(limit.refundable_fen).to_plain()),
            secret: false,
        };
        RefundPopup {
            record,
            limit,
            amount,
            reason: Field::default(),
            focus: 0,
            error: None,
        }
    }

    /// True when a reason has been typed.
    pub fn is_dirty(&self) -> bool {
        !self.reason.value().is_empty()
    }

    /// Tab/↑↓ switch field; Enter on the amount moves on, on the reason submits; Esc closes.
    pub fn key(&mut self, k: KeyEvent, lang: Lang) -> RefundMsg {
        match k.code {
            KeyCode::Esc => RefundMsg::Close,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.focus = 1 - self.focus;
                RefundMsg::Nothing
            }
            KeyCode::Enter if self.focus == 0 => {
                self.focus = 1;
                RefundMsg::Nothing
            }
            KeyCode::Enter => match Fen::parse(self.amount.value()) {
                Err(e) => {
                    self.error = Some(e.message(lang).to_string());
                    RefundMsg::Nothing
                }
                Ok(_) if self.reason.value().trim().is_empty() => {
                    self.error = Some(t(lang, "topup.refund_need_reason").to_string());
                    RefundMsg::Nothing
                }
                Ok(a) => RefundMsg::Submit(a, self.reason.value().trim().to_string()),
            },
            _ => {
                let field = if self.focus == 0 {
                    &mut self.amount
                } else {
                    &mut self.reason
                };
                if field.key(k) {
                    self.error = None;
                }
                RefundMsg::Nothing
            }
        }
    }

    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let r = centered(area, 66, 16);
        let inner = super::frame(f, r, t(lang, "topup.refund_title"));
        let rec = &self.record;
        let head = vec![
            Line::from(format!(
                "{}  {}  {}",
                rec.serial,
                rec.phone_masked,
                rec.channel.label(lang)
            )),
            Line::from(format!(
                "{} {}  {} {}  {} {}",
                t(lang, "topup.paid"),
                Fen(rec.paid_fen),
                t(lang, "topup.credited"),
                Fen(rec.credited_fen),
                t(lang, "bar.balance"),
                Fen(self.limit.balance_fen)
            )),
            Line::from(Span::styled(
                format!(
                    "{} {}",
                    t(lang, "topup.refund_max"),
                    Fen(self.limit.refundable_fen)
                ),
                theme::warn(),
            )),
        ];
        f.render_widget(
            Paragraph::new(head),
            Rect::new(inner.x, inner.y, inner.width, 3),
        );
        let lw = 12u16;
        for (i, (key, field)) in [
            ("topup.refund_amount", &self.amount),
            ("topup.refund_reason", &self.reason),
        ]
        .into_iter()
        .enumerate()
        {
            let y = inner.y + 4 + i as u16;
            let focused = self.focus == i;
            f.render_widget(
                Paragraph::new(Span::styled(
                    pad(t(lang, key), lw as usize),
                    if focused {
                        theme::key()
                    } else {
                        theme::label()
                    },
                )),
                Rect::new(inner.x, y, lw, 1),
            );
            field.draw(
                f,
                Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1),
                if focused {
                    theme::selected()
                } else {
                    theme::label()
                },
                focused,
            );
        }
        let mut rest = vec![Line::from(Span::styled(refund_rule(lang), theme::muted()))];
        if let Some(e) = &self.error {
            rest.insert(0, Line::from(Span::styled(e.clone(), theme::error())));
        }
        f.render_widget(
            Paragraph::new(rest).wrap(Wrap { trim: false }),
            Rect::new(
                inner.x,
                inner.y + 7,
                inner.width,
                inner.height.saturating_sub(8),
            ),
        );
        f.render_widget(
            Paragraph::new(Span::styled(t(lang, "topup.refund_keys"), theme::muted())),
            Rect::new(
                inner.x,
                inner.y + inner.height.saturating_sub(1),
                inner.width,
                1,
            ),
        );
    }
}
