//! `v`: verify the customer once for this visit.

use crate::domain::Lang;
use crate::domain::visit::{Proof, VerifyMethod};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{centered, input::Field};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

/// The methods offered, in order.
pub const METHODS: [VerifyMethod; 3] = [
    VerifyMethod::Password,
    VerifyMethod::Otp,
    VerifyMethod::IdCard,
];

/// The verification popup.
#[derive(Debug, Clone)]
pub struct VerifyPopup {
    /// Index into [`METHODS`].
    pub method: usize,
    /// What the clerk typed (the customer types the password themselves on a keypad in real life).
    pub field: Field,
    /// The last result: text and whether it is an error.
    pub message: Option<(String, bool)>,
    /// A code has been sent in this popup.
    pub otp_sent: bool,
}

/// What the popup asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyMsg {
    /// Nothing to do.
    Nothing,
    /// Send a one-time code.
    SendOtp,
    /// Check this proof.
    Submit(Proof),
    /// Close.
    Close,
}

impl Default for VerifyPopup {
    fn default() -> Self {
        VerifyPopup {
            method: 0,
            field: Field::secret(),
            message: None,
            otp_sent: false,
        }
    }
}

impl VerifyPopup {
    /// True when something has been typed.
    pub fn is_dirty(&self) -> bool {
        !self.field.value().is_empty()
    }

    /// Tab switches method; Enter sends a code (empty SMS field) or checks; Esc closes.
    pub fn key(&mut self, ev: KeyEvent) -> VerifyMsg {
        match ev.code {
            KeyCode::Esc => VerifyMsg::Close,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Left | KeyCode::Right => {
                let n = METHODS.len();
                self.method = if matches!(ev.code, KeyCode::Tab | KeyCode::Right) {
                    (self.method + 1) % n
                } else {
                    (self.method + n - 1) % n
                };
                self.field = if METHODS[self.method] == VerifyMethod::Password {
                    Field::secret()
                } else {
                    Field::default()
                };
                self.message = None;
                VerifyMsg::Nothing
            }
            KeyCode::Enter => {
                let v = self.field.value().trim().to_string();
                match METHODS[self.method] {
                    VerifyMethod::Otp if v.is_empty() => VerifyMsg::SendOtp,
                    _ if v.is_empty() => VerifyMsg::Nothing,
                    VerifyMethod::Password => VerifyMsg::Submit(Proof::Password(v)),
                    VerifyMethod::Otp => VerifyMsg::Submit(Proof::Otp(v)),
                    _ => VerifyMsg::Submit(Proof::IdLast6(v.to_ascii_uppercase())),
                }
            }
            _ => {
                self.field.key(ev);
                VerifyMsg::Nothing
            }
        }
    }

    /// Draws the popup.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang, who: &str) {
        let r = centered(area, 62, 13);
        let inner = super::frame(f, r, t(lang, "verify.title"));
        let mut tabs = vec![Span::raw(" ")];
        for (i, m) in METHODS.iter().enumerate() {
            let style = if i == self.method {
                theme::selected()
            } else {
                theme::label()
            };
            tabs.push(Span::styled(format!(" {} ", m.label(lang)), style));
            tabs.push(Span::raw(" "));
        }
        let lines = vec![
            Line::from(Span::styled(who.to_string(), theme::label())),
            Line::from(""),
            Line::from(tabs),
            Line::from(""),
        ];
        f.render_widget(
            Paragraph::new(lines),
            Rect::new(inner.x, inner.y, inner.width, 4),
        );
        let prompt_key = match METHODS[self.method] {
            VerifyMethod::Password => "verify.prompt_pw",
            VerifyMethod::Otp => "verify.prompt_otp",
            _ => "verify.prompt_id",
        };
        let prompt = t(lang, prompt_key);
        let pw = unicode_width::UnicodeWidthStr::width(prompt) as u16 + 1;
        f.render_widget(
            Paragraph::new(prompt).style(theme::label()),
            Rect::new(inner.x + 1, inner.y + 4, pw, 1),
        );
        self.field.draw(
            f,
            Rect::new(
                inner.x + 1 + pw,
                inner.y + 4,
                12.min(inner.width.saturating_sub(pw + 1)),
                1,
            ),
            theme::selected(),
            true,
        );
        let note = match &self.message {
            Some((m, true)) => Line::from(Span::styled(m.clone(), theme::error())),
            Some((m, false)) => Line::from(Span::styled(m.clone(), theme::ok())),
            None => Line::from(Span::styled(
                match METHODS[self.method] {
                    VerifyMethod::Otp if !self.otp_sent => t(lang, "verify.otp_hint"),
                    VerifyMethod::IdCard => t(lang, "verify.id_hint"),
                    _ => "",
                },
                theme::muted(),
            )),
        };
        f.render_widget(
            Paragraph::new(vec![
                note,
                Line::from(""),
                Line::from(Span::styled(t(lang, "verify.keys"), theme::muted())),
            ])
            .wrap(Wrap { trim: false }),
            Rect::new(
                inner.x + 1,
                inner.y + 6,
                inner.width.saturating_sub(2),
                inner.height.saturating_sub(6),
            ),
        );
    }
}
