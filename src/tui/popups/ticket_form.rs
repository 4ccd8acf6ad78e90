//! `n` on the Complaints tab: a new complaint ticket. The phone is filled in from the customer
//! taken up; ←→ pick category, priority and channel; Enter opens the ticket.

use crate::domain::Lang;
use crate::domain::ticket::{Category, Channel, Priority};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{centered, fit, input::Field, pad};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The form's fields, in focus order.
const FIELDS: usize = 6;
const PHONE: usize = 0;
const CATEGORY: usize = 1;
const PRIORITY: usize = 2;
const CHANNEL: usize = 3;
const MONTH: usize = 4;
const TEXT: usize = 5;

/// What the form submits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketInput {
    /// Phone as typed.
    pub phone: String,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// Disputed month, if typed.
    pub month: Option<String>,
    /// Description.
    pub text: String,
}

/// The new-ticket form.
#[derive(Debug, Clone)]
pub struct TicketForm {
    /// Phone.
    pub phone: Field,
    /// Index into [`Category::ALL`].
    pub category: usize,
    /// Index into [`Priority::ALL`].
    pub priority: usize,
    /// Index into [`Channel::ALL`].
    pub channel: usize,
    /// Disputed month.
    pub month: Field,
    /// Description.
    pub text: Field,
    /// Focused field.
    pub focus: usize,
    /// Why the last submit failed.
    pub error: Option<String>,
}

/// What the form asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketFormMsg {
    /// Still editing.
    Nothing,
    /// Open this ticket.
    Submit(TicketInput),
    /// Close.
    Close,
}

fn field_with(value: &str) -> Field {
    Field {
        input: tui_input::Input::new(value.to_string()),
        secret: false,
    }
}

impl TicketForm {
    /// A form, the phone filled in when a customer is taken up.
    pub fn new(phone: Option<&str>) -> TicketForm {
        TicketForm {
            phone: field_with(phone.unwrap_or("")),
            category: 0,
            priority: 1,
            channel: 0,
            month: Field::default(),
            text: Field::default(),
            focus: if phone.is_some() { CATEGORY } else { PHONE },
            error: None,
        }
    }

    /// True when something has been typed.
    pub fn is_dirty(&self) -> bool {
        !self.text.value().is_empty() || !self.month.value().is_empty()
    }

    /// Tab / ↓ next field, Shift-Tab / ↑ previous, ←→ choose, Enter open, Esc close.
    pub fn key(&mut self, ev: KeyEvent) -> TicketFormMsg {
        match ev.code {
            KeyCode::Esc => return TicketFormMsg::Close,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % FIELDS,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + FIELDS - 1) % FIELDS,
            KeyCode::Enter => {
                return TicketFormMsg::Submit(TicketInput {
                    phone: self.phone.value().trim().to_string(),
                    category: Category::ALL[self.category],
                    priority: Priority::ALL[self.priority],
                    channel: Channel::ALL[self.channel],
                    month: Some(self.month.value().trim().to_string()).filter(|m| !m.is_empty()),
                    text: self.text.value().to_string(),
                });
            }
            KeyCode::Left | KeyCode::Right
                if matches!(self.focus, CATEGORY | PRIORITY | CHANNEL) =>
            {
                let (i, n) = match self.focus {
                    CATEGORY => (&mut self.category, Category::ALL.len()),
                    PRIORITY => (&mut self.priority, Priority::ALL.len()),
                    _ => (&mut self.channel, Channel::ALL.len()),
                };
                *i = if ev.code == KeyCode::Right {
                    (*i + 1) % n
                } else {
                    (*i + n - 1) % n
                };
            }
            _ => {
                let changed = match self.focus {
                    PHONE => self.phone.key(ev),
                    MONTH => self.month.key(ev),
                    TEXT => self.text.key(ev),
                    _ => false,
                };
                if changed {
                    self.error = None;
                }
            }
        }
        TicketFormMsg::Nothing
    }

    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let r = centered(area, 64, 13);
        let inner = super::frame(f, r, t(lang, "ticket_form.title"));
        let labels = [
            t(lang, "ticket_form.phone"),
            t(lang, "ticket_form.category"),
            t(lang, "ticket_form.priority"),
            t(lang, "ticket_form.channel"),
            t(lang, "ticket_form.month"),
            t(lang, "ticket_form.text"),
        ];
        let lw = labels.iter().map(|l| l.width()).max().unwrap_or(0) + 2;
        let vw = (inner.width as usize).saturating_sub(lw);
        let choice = |text: &str, focused: bool| {
            let s = fit(&format!("◀ {text} ▶"), vw);
            if focused {
                Span::styled(s, theme::selected())
            } else {
                Span::raw(s)
            }
        };
        let mut lines = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let style = if i == self.focus {
                theme::key()
            } else {
                theme::label()
            };
            let value = match i {
                CATEGORY => choice(Category::ALL[self.category].label(lang), i == self.focus),
                PRIORITY => choice(Priority::ALL[self.priority].label(lang), i == self.focus),
                CHANNEL => choice(Channel::ALL[self.channel].label(lang), i == self.focus),
                _ => Span::raw(""),
            };
            lines.push(Line::from(vec![Span::styled(pad(label, lw), style), value]));
        }
        lines.push(Line::from(""));
        for part in crate::tui::widgets::wrap(t(lang, "ticket_form.hint"), inner.width as usize)
            .into_iter()
            .take(2)
        {
            lines.push(Line::from(Span::styled(part, theme::muted())));
        }
        lines.push(Line::from(""));
        let foot = match &self.error {
            Some(e) => Span::styled(fit(e, inner.width as usize), theme::error()),
            None => Span::styled(t(lang, "ticket_form.keys"), theme::warn()),
        };
        lines.push(Line::from(foot));
        f.render_widget(Paragraph::new(lines), inner);
        for (i, field) in [
            (PHONE, &self.phone),
            (MONTH, &self.month),
            (TEXT, &self.text),
        ] {
            let fr = Rect::new(
                inner.x + lw as u16,
                inner.y + i as u16,
                inner.width.saturating_sub(lw as u16),
                1,
            );
            let style = if i == self.focus {
                theme::selected()
            } else {
                ratatui::style::Style::new()
            };
            field.draw(f, fr, style, i == self.focus);
        }
    }
}
