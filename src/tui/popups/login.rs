//! The login form: staff id and password.

use crate::domain::Lang;
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::centered;
use crate::tui::widgets::input::Field;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The login form.
#[derive(Debug, Default, Clone)]
pub struct LoginForm {
    /// Staff id.
    pub staff: Field,
    /// Password.
    pub password: Field,
    /// 0 staff id, 1 password.
    pub focus: usize,
    /// Why the last try failed.
    pub error: Option<String>,
}

/// What the form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginMsg {
    /// Keep typing.
    Nothing,
    /// Try these credentials.
    Submit(String, String),
}

impl LoginForm {
    /// A fresh form.
    pub fn new() -> LoginForm {
        LoginForm {
            password: Field::secret(),
            ..LoginForm::default()
        }
    }

    /// True when something has been typed.
    pub fn is_dirty(&self) -> bool {
        !self.staff.value().is_empty() || !self.password.value().is_empty()
    }

    /// Tab/Up/Down move between fields; Enter moves on or submits.
    pub fn key(&mut self, ev: KeyEvent) -> LoginMsg {
        match ev.code {
            KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => {
                self.focus = 1 - self.focus;
                LoginMsg::Nothing
            }
            KeyCode::Enter if self.focus == 0 => {
                self.focus = 1;
                LoginMsg::Nothing
            }
            KeyCode::Enter => LoginMsg::Submit(
                self.staff.value().trim().to_string(),
                self.password.value().to_string(),
            ),
            KeyCode::Esc => {
                self.error = None;
                LoginMsg::Nothing
            }
            _ => {
                if self.focus == 0 {
                    self.staff.key(ev);
                } else {
                    self.password.key(ev);
                }
                LoginMsg::Nothing
            }
        }
    }

    /// Draws the form centred in the body.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let r = centered(area, 50, 11);
        let inner = super::frame(f, r, t(lang, "login.title"));
        let label_w = 10u16;
        let rows = [inner.y + 1, inner.y + 3];
        let labels = [t(lang, "login.staff"), t(lang, "login.password")];
        for (i, y) in rows.iter().enumerate() {
            let label = Rect::new(inner.x + 1, *y, label_w, 1);
            f.render_widget(Paragraph::new(labels[i]).style(theme::label()), label);
            let field = Rect::new(
                inner.x + 1 + label_w,
                *y,
                inner.width.saturating_sub(label_w + 2),
                1,
            );
            let style = if self.focus == i {
                theme::selected()
            } else {
                Style::new().bg(ratatui::style::Color::Black)
            };
            let fld = if i == 0 { &self.staff } else { &self.password };
            fld.draw(f, field, style, self.focus == i);
        }
        let msg = match &self.error {
            Some(e) => Line::from(Span::styled(e.clone(), theme::error())),
            None => Line::from(Span::styled(t(lang, "login.hint"), theme::muted())),
        };
        let msg_area = Rect::new(inner.x + 1, inner.y + 5, inner.width.saturating_sub(2), 3);
        f.render_widget(
            Paragraph::new(msg).wrap(ratatui::widgets::Wrap { trim: false }),
            msg_area,
        );
    }
}
