//! The Points tab (积分商城): balance and soonest expiry, the catalogue by category with affordable
//! items first, item detail, redemption through a confirm dialog, and the redemption history.

use crate::domain::points::catalog::{CATEGORIES, CatalogItem, category_label};
use crate::domain::{Lang, clock};
use crate::service::points::{PointsBalance, RedemptionView};
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{fit, input::Field, pad, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};
use unicode_width::UnicodeWidthStr;

/// What the tab holds.
#[derive(Debug, Clone, Default)]
pub struct PointsTab {
    /// The catalogue with live stock.
    pub catalog: Vec<CatalogItem>,
    /// The customer's points, when a customer is taken up.
    pub balance: Option<PointsBalance>,
    /// Redemptions, once the customer is verified.
    pub history: Option<Vec<RedemptionView>>,
    /// 0 = all, then [`CATEGORIES`] in order.
    pub category: usize,
    /// Filter text.
    pub filter: Field,
    /// Typing goes to the filter.
    pub filtering: bool,
    /// Selected catalogue line.
    pub selected: usize,
    /// The history is shown instead of the catalogue.
    pub showing_history: bool,
    /// Selected history line.
    pub hist_selected: usize,
}

/// What the tab asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointsMsg {
    /// Nothing.
    Nothing,
    /// Ask to redeem this item.
    Redeem(String),
    /// Ask to reverse this redemption.
    Reverse(i64),
}

impl PointsTab {
    /// Points that can be spent now (0 without a customer).
    pub fn available(&self) -> i64 {
        self.balance.as_ref().map(|b| b.points).unwrap_or(0)
    }

    /// The catalogue lines shown: by category and filter, affordable first, then cheapest first.
    pub fn visible(&self) -> Vec<&CatalogItem> {
        let cat = self.category.checked_sub(1).and_then(|i| CATEGORIES.get(i));
        let needle = self.filter.value().trim().to_lowercase();
        let points = self.available();
        let mut items: Vec<&CatalogItem> = self
            .catalog
            .iter()
            .filter(|i| cat.is_none_or(|c| i.category == *c))
            .filter(|i| {
                needle.is_empty()
                    || i.code.to_lowercase().contains(&needle)
                    || i.name_zh.contains(&needle)
                    || i.name_en.to_lowercase().contains(&needle)
            })
            .collect();
        items.sort_by_key(|i| (i.cost_points > points, i.cost_points));
        items
    }

    /// True while something is typed in the filter.
    pub fn is_typing(&self) -> bool {
        self.filtering
    }

    /// Handles a key the global keymap did not take.
    pub fn key(&mut self, ev: KeyEvent, keymap: &Keymap) -> PointsMsg {
        if self.filtering {
            match ev.code {
                KeyCode::Enter | KeyCode::Esc => self.filtering = false,
                _ => {
                    if self.filter.key(ev) {
                        self.selected = 0;
                    }
                }
            }
            return PointsMsg::Nothing;
        }
        let (len, chosen) = if self.showing_history {
            (self.history.as_ref().map(|h| h.len()).unwrap_or(0), None)
        } else {
            let items = self.visible();
            let chosen = items.get(self.selected).map(|i| i.code.clone());
            (items.len(), chosen)
        };
        let sel = if self.showing_history {
            &mut self.hist_selected
        } else {
            &mut self.selected
        };
        match keymap.action("list", &ev) {
            Some(Action::Up) => *sel = sel.saturating_sub(1),
            Some(Action::Down) => *sel = (*sel + 1).min(len.saturating_sub(1)),
            Some(Action::PageUp) => *sel = sel.saturating_sub(10),
            Some(Action::PageDown) => *sel = (*sel + 10).min(len.saturating_sub(1)),
            Some(Action::Select) if !self.showing_history => {
                if let Some(code) = chosen {
                    return PointsMsg::Redeem(code);
                }
            }
            _ => match keymap.action("points", &ev) {
                Some(Action::NextCategory) if !self.showing_history => {
                    self.category = (self.category + 1) % (CATEGORIES.len() + 1);
                    self.selected = 0;
                }
                Some(Action::PrevCategory) if !self.showing_history => {
                    self.category = (self.category + CATEGORIES.len()) % (CATEGORIES.len() + 1);
                    self.selected = 0;
                }
                Some(Action::Filter) if !self.showing_history => self.filtering = true,
                Some(Action::History) => self.showing_history = !self.showing_history,
                Some(Action::Reverse) if self.showing_history => {
                    if let Some(r) = self
                        .history
                        .as_ref()
                        .and_then(|h| h.get(self.hist_selected))
                        && r.reversed_at.is_none()
                    {
                        return PointsMsg::Reverse(r.id);
                    }
                }
                _ => {}
            },
        }
        PointsMsg::Nothing
    }
}

/// Draws the tab body.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.points;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(3),
            Constraint::Min(5),
            Constraint::Length(1),
        ])
        .split(area);
    draw_header(tab, f, rows[0], lang);
    if tab.showing_history {
        draw_history(tab, f, rows[1], lang);
        f.render_widget(
            Paragraph::new(Span::styled(t(lang, "points.history_keys"), theme::muted())),
            rows[2],
        );
    } else {
        let cols = Layout::default()
            .direction(Direction::Horizontal)
            .constraints([Constraint::Percentage(58), Constraint::Percentage(42)])
            .split(rows[1]);
        let items = tab.visible();
        draw_catalog(tab, &items, f, cols[0], lang);
        draw_detail(tab, &items, f, cols[1], lang);
        f.render_widget(
            Paragraph::new(Span::styled(t(lang, "points.keys"), theme::muted())),
            rows[2],
        );
    }
}

fn draw_header(tab: &PointsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let mut first = Vec::new();
    match &tab.balance {
        Some(b) => {
            first.push(Span::styled(
                format!("{} ", t(lang, "points.available")),
                theme::label(),
            ));
            first.push(Span::styled(
                format!("{} {}", b.points, lang.pick(&b.currency_zh, &b.currency_en)),
                theme::ok(),
            ));
            if let Some((pts, date)) = b.expiring_soonest() {
                first.push(Span::styled(
                    format!(
                        "  · {} {pts} {} {date}",
                        t(lang, "points.expiring"),
                        t(lang, "points.on")
                    ),
                    theme::warn(),
                ));
            }
            if b.frozen {
                first.push(Span::styled(
                    format!("  · {}", t(lang, "points.frozen")),
                    theme::error(),
                ));
            }
        }
        None => first.push(Span::styled(t(lang, "points.no_customer"), theme::muted())),
    }
    let mut cats = vec![Span::raw(" ")];
    for i in 0..=CATEGORIES.len() {
        let name = if i == 0 {
            t(lang, "points.all")
        } else {
            category_label(CATEGORIES[i - 1], lang)
        };
        let style = if i == tab.category {
            theme::selected()
        } else {
            theme::label()
        };
        cats.push(Span::styled(format!(" {name} "), style));
    }
    let filter_label = format!("{}: ", t(lang, "points.filter"));
    let filter_line = Line::from(vec![
        Span::styled(filter_label.clone(), theme::label()),
        Span::raw(tab.filter.value().to_string()),
    ]);
    f.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(cats), filter_line]),
        area,
    );
    if tab.filtering {
        let x = area.x + filter_label.width() as u16;
        let field = Rect::new(x, area.y + 2, area.width.saturating_sub(x - area.x), 1);
        tab.filter.draw(f, field, theme::key(), true);
    }
}

fn draw_catalog(
    tab: &PointsTab,
    items: &[&CatalogItem],
    f: &mut Frame<'_>,
    area: Rect,
    lang: Lang,
) {
    let block = Block::default().borders(Borders::ALL);
    if items.is_empty() {
        f.render_widget(
            Paragraph::new(t(lang, "points.none"))
                .style(theme::muted())
                .block(block),
            area,
        );
        return;
    }
    let points = tab.available();
    let name_w = area.width.saturating_sub(2 + 8 + 6 + 5 + 3) as usize;
    let rows = items.iter().map(|i| {
        let style = if i.cost_points <= points && tab.balance.is_some() {
            theme::ok()
        } else {
            ratatui::style::Style::new()
        };
        Row::new(vec![
            Cell::from(fit(i.name(lang), name_w)),
            Cell::from(category_label(&i.category, lang)),
            Cell::from(Span::styled(i.cost_points.to_string(), style)),
            Cell::from(i.stock.map(|s| s.to_string()).unwrap_or_else(|| "∞".into())),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(5),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "points.col.item"),
            t(lang, "points.col.category"),
            t(lang, "points.col.cost"),
            t(lang, "points.col.stock"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let mut state = TableState::default().with_selected(Some(tab.selected.min(items.len() - 1)));
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_detail(tab: &PointsTab, items: &[&CatalogItem], f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "points.detail")));
    let Some(item) = items.get(tab.selected.min(items.len().saturating_sub(1))) else {
        f.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let label_w = [
        t(lang, "points.cost"),
        t(lang, "points.gets"),
        t(lang, "points.stock"),
        t(lang, "points.limit"),
    ]
    .iter()
    .map(|s| s.width())
    .max()
    .unwrap_or(0)
        + 1;
    let inner_w = area.width.saturating_sub(2) as usize;
    let kv = |k: &str, v: String| -> Vec<Line<'static>> {
        wrap(&v, inner_w.saturating_sub(label_w))
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let key = if i == 0 {
                    pad(k, label_w)
                } else {
                    " ".repeat(label_w)
                };
                Line::from(vec![Span::styled(key, theme::label()), Span::raw(part)])
            })
            .collect()
    };
    let mut lines = vec![
        Line::from(Span::styled(fit(item.name(lang), inner_w), theme::key())),
        Line::from(Span::styled(item.code.clone(), theme::muted())),
    ];
    lines.extend(kv(t(lang, "points.cost"), item.cost_points.to_string()));
    lines.extend(kv(t(lang, "points.gets"), item.gets(lang)));
    lines.extend(kv(
        t(lang, "points.stock"),
        item.stock
            .map(|s| s.to_string())
            .unwrap_or_else(|| t(lang, "points.unlimited").into()),
    ));
    lines.extend(kv(
        t(lang, "points.limit"),
        item.monthly_limit
            .map(|s| s.to_string())
            .unwrap_or_else(|| t(lang, "points.no_limit").into()),
    ));
    lines.push(Line::from(""));
    for part in wrap(
        lang.pick(&item.description_zh, &item.description_en),
        inner_w,
    ) {
        lines.push(Line::from(part));
    }
    if let Some(b) = &tab.balance {
        lines.push(Line::from(""));
        if b.points >= item.cost_points && !b.frozen {
            for part in wrap(t(lang, "points.affordable"), inner_w) {
                lines.push(Line::from(Span::styled(part, theme::ok())));
            }
        } else if b.points < item.cost_points {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} {}",
                    t(lang, "points.short"),
                    item.cost_points - b.points
                ),
                theme::warn(),
            )));
        }
    }
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_history(tab: &PointsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "points.history")));
    let Some(history) = &tab.history else {
        f.render_widget(
            Paragraph::new(t(lang, "points.verify_for_history"))
                .style(theme::muted())
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    };
    if history.is_empty() {
        f.render_widget(
            Paragraph::new(t(lang, "points.no_history"))
                .style(theme::muted())
                .block(block),
            area,
        );
        return;
    }
    let rows = history.iter().map(|r| {
        let when = clock::local_stamp(&r.created_at, "%Y-%m-%d");
        let (state, style) = match &r.reversed_at {
            Some(_) => (t(lang, "points.reversed"), theme::warn()),
            None => (t(lang, "points.done"), theme::ok()),
        };
        Row::new(vec![
            Cell::from(when),
            Cell::from(lang.pick(&r.name_zh, &r.name_en).to_string()),
            Cell::from(r.cost_points.to_string()),
            Cell::from(r.got(lang)),
            Cell::from(Span::styled(state, style)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Fill(2),
            Constraint::Length(6),
            Constraint::Fill(2),
            Constraint::Length(8),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "points.col.time"),
            t(lang, "points.col.item"),
            t(lang, "points.col.cost"),
            t(lang, "points.col.got"),
            t(lang, "points.col.state"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let mut state =
        TableState::default().with_selected(Some(tab.hist_selected.min(history.len() - 1)));
    f.render_stateful_widget(table, area, &mut state);
}
