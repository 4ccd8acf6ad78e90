//! `/`: find a customer by phone digits, name or ID tail, filtering as you type.

use crate::domain::{Fen, Lang};
use crate::service::customers::CustomerSummary;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{centered, fit, input::Field};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState};

/// The search popup.
#[derive(Debug, Default, Clone)]
pub struct SearchPopup {
    /// What the clerk typed.
    pub field: Field,
    /// Matches, best first.
    pub results: Vec<CustomerSummary>,
    /// Highlighted match.
    pub selected: usize,
}

/// What the popup asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchMsg {
    /// Nothing to do.
    Nothing,
    /// The query changed: search again.
    Changed,
    /// Take up this customer.
    Choose(i64),
    /// Close.
    Close,
}

impl SearchPopup {
    /// Up/Down move, Enter chooses, Esc closes, anything else edits the query.
    pub fn key(&mut self, ev: KeyEvent, keymap: &Keymap) -> SearchMsg {
        if keymap.action("global", &ev) == Some(Action::Back) {
            return SearchMsg::Close;
        }
        match keymap.action("list", &ev) {
            Some(Action::Up) if !matches!(ev.code, ratatui::crossterm::event::KeyCode::Char(_)) => {
                self.selected = self.selected.saturating_sub(1);
                return SearchMsg::Nothing;
            }
            Some(Action::Down)
                if !matches!(ev.code, ratatui::crossterm::event::KeyCode::Char(_)) =>
            {
                if self.selected + 1 < self.results.len() {
                    self.selected += 1;
                }
                return SearchMsg::Nothing;
            }
            Some(Action::Select) => {
                return match self.results.get(self.selected) {
                    Some(c) => SearchMsg::Choose(c.id),
                    None => SearchMsg::Nothing,
                };
            }
            _ => {}
        }
        if self.field.key(ev) {
            self.selected = 0;
            SearchMsg::Changed
        } else {
            SearchMsg::Nothing
        }
    }

    /// Draws the popup over the body.
    pub fn draw(&self, f: &mut Frame<'_>, area: Rect, lang: Lang) {
        let r = centered(area, area.width, 18.max(area.height.saturating_sub(2)));
        let inner = super::frame(f, r, t(lang, "search.title"));
        let prompt = Rect::new(inner.x, inner.y, inner.width, 1);
        let label = t(lang, "search.prompt");
        let lw = unicode_width::UnicodeWidthStr::width(label) as u16 + 1;
        f.render_widget(Paragraph::new(label).style(theme::label()), prompt);
        let field = Rect::new(inner.x + lw, inner.y, inner.width.saturating_sub(lw), 1);
        self.field.draw(f, field, theme::key(), true);
        let list = Rect::new(
            inner.x,
            inner.y + 2,
            inner.width,
            inner.height.saturating_sub(3),
        );
        if self.results.is_empty() {
            let text = if self.field.value().trim().is_empty() {
                t(lang, "search.empty_hint")
            } else {
                t(lang, "search.none")
            };
            f.render_widget(Paragraph::new(text).style(theme::muted()), list);
        } else {
            let rows = self.results.iter().map(|c| {
                Row::new(vec![
                    Cell::from(c.phone_masked.clone()),
                    Cell::from(fit(&c.name, 10)),
                    Cell::from(t(lang, &format!("brand.{}", c.brand))),
                    Cell::from(c.status.label(lang)),
                    Cell::from(format!("…{}", c.id_tail)),
                    Cell::from(Fen(c.balance_fen).to_string()),
                ])
            });
            let header = Row::new(vec![
                t(lang, "col.phone"),
                t(lang, "col.name"),
                t(lang, "col.brand"),
                t(lang, "col.status"),
                t(lang, "col.id_tail"),
                t(lang, "col.balance"),
            ])
            .style(theme::label());
            let table = Table::new(
                rows,
                [
                    Constraint::Length(12),
                    Constraint::Length(10),
                    Constraint::Length(9),
                    Constraint::Length(8),
                    Constraint::Length(7),
                    Constraint::Fill(1),
                ],
            )
            .header(header)
            .row_highlight_style(theme::selected());
            let mut state = TableState::default().with_selected(Some(self.selected));
            f.render_stateful_widget(table, list, &mut state);
        }
        let hint = Rect::new(
            inner.x,
            inner.y + inner.height.saturating_sub(1),
            inner.width,
            1,
        );
        let count = format!("{} {}", self.results.len(), t(lang, "search.count"));
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(t(lang, "search.keys"), theme::muted()),
                Span::raw("  "),
                Span::styled(count, theme::muted()),
            ])),
            hint,
        );
    }
}
