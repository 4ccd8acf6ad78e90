//! `l` anywhere: log the counter interaction with the customer taken up in two keystrokes —
//! `l` then `1` enquiry, `2` transaction or `3` complaint (which opens a ticket). Tab moves to
//! the category and notes first when there is more to say.

use crate::domain::Lang;
use crate::domain::ticket::{Category, RecordKind};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{centered, input::Field, pad};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

/// The log popup.
#[derive(Debug, Clone, Default)]
pub struct RecordPopup {
    /// Index into [`Category::ALL`] (default: other).
    pub category: usize,
    /// Notes.
    pub notes: Field,
    /// 0 = kind keys, 1 = category, 2 = notes.
    pub focus: usize,
}

/// What the popup asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordMsg {
    /// Still editing.
    Nothing,
    /// Log it.
    Submit(RecordKind, Category, String),
    /// Close.
    Close,
}

impl RecordPopup {
    /// A popup with the category on "other".
    pub fn new() -> RecordPopup {
        RecordPopup {
            category: Category::ALL.len() - 1,
            ..Default::default()
        }
    }

    /// True when notes have been typed.
    pub fn is_dirty(&self) -> bool {
        !self.notes.value().is_empty()
    }

    /// `1`/`2`/`3` log at once; in the notes field digits are text, and Enter goes back to the
    /// kind keys.
    pub fn key(&mut self, ev: KeyEvent) -> RecordMsg {
        let kind = match ev.code {
            KeyCode::Char('1') => Some(RecordKind::Enquiry),
            KeyCode::Char('2') => Some(RecordKind::Transaction),
            KeyCode::Char('3') => Some(RecordKind::Complaint),
            _ => None,
        };
        match ev.code {
            KeyCode::Esc => return RecordMsg::Close,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % 3,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + 2) % 3,
            KeyCode::Enter if self.focus == 2 => self.focus = 0,
            KeyCode::Left | KeyCode::Right if self.focus == 1 => {
                let n = Category::ALL.len();
                self.category = if ev.code == KeyCode::Right {
                    (self.category + 1) % n
                } else {
                    (self.category + n - 1) % n
                };
            }
            _ if self.focus == 2 => {
                self.notes.key(ev);
            }
            _ => {
                if let Some(k) = kind {
                    return RecordMsg::Submit(
                        k,
                        Category::ALL[self.category],
                        self.notes.value().to_string(),
                    );
                }
            }
        }
        RecordMsg::Nothing
    }

    /// Draws it centred.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang, who: &str) {
        let r = centered(area, 60, 9);
        let inner = super::frame(f, r, t(lang, "record.title"));
        let labels = [t(lang, "record.category"), t(lang, "record.notes")];
        let lw = labels.iter().map(|l| l.width()).max().unwrap_or(0) + 2;
        let focus_style = |i: usize| {
            if i == self.focus {
                theme::key()
            } else {
                theme::label()
            }
        };
        let mut kinds = vec![Span::styled(pad("", 1), theme::label())];
        for (i, k) in RecordKind::ALL.iter().enumerate() {
            kinds.push(Span::styled(format!("{} ", i + 1), theme::key()));
            kinds.push(Span::styled(
                format!("{}  ", k.label(lang)),
                if self.focus == 0 {
                    theme::ok()
                } else {
                    ratatui::style::Style::new()
                },
            ));
        }
        let cat = format!("◀ {} ▶", Category::ALL[self.category].label(lang));
        let lines = vec![
            Line::from(Span::styled(
                crate::tui::widgets::fit(who, inner.width as usize),
                theme::muted(),
            )),
            Line::from(kinds),
            Line::from(""),
            Line::from(vec![
                Span::styled(pad(labels[0], lw), focus_style(1)),
                if self.focus == 1 {
                    Span::styled(cat, theme::selected())
                } else {
                    Span::raw(cat)
                },
            ]),
            Line::from(Span::styled(pad(labels[1], lw), focus_style(2))),
            Line::from(""),
            Line::from(Span::styled(
                crate::tui::widgets::fit(t(lang, "record.keys"), inner.width as usize),
                theme::warn(),
            )),
        ];
        f.render_widget(Paragraph::new(lines), inner);
        let fr = Rect::new(
            inner.x + lw as u16,
            inner.y + 4,
            inner.width.saturating_sub(lw as u16),
            1,
        );
        self.notes.draw(
            f,
            fr,
            if self.focus == 2 {
                theme::selected()
            } else {
                ratatui::style::Style::new()
            },
            self.focus == 2,
        );
    }
}
