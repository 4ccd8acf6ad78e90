//! The Bills tab (话费服务): 12 months as stacked bars with each month's split, a month's items
//! explained, the month so far, balance history, detail records paged from the database,
//! daily data, reminder settings and plan advice. Everything here needs a verified customer.

use crate::domain::bill::Category;
use crate::domain::{Fen, Lang, clock};
use crate::service::bills::{AdviceView, BillSummary, BillView, Month, MonthSoFar};
use crate::store::bills::ReminderSettings;
use crate::store::ledger::{EntryKind, LedgerEntry};
use crate::store::usage::{DetailFilter, UsageRecord};
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{fit, pad, verify_first, wrap};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Gauge, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

/// The sub-views, in the order of the view bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// 月账单: 12-month chart and the selected month's split.
    #[default]
    Monthly,
    /// 本月: usage against allowance and the projected bill.
    Current,
    /// 账户金额变动历史.
    Ledger,
    /// 详单.
    Details,
    /// 流量账单: daily data bars.
    Data,
    /// 提醒服务.
    Reminders,
    /// 套餐建议.
    Advice,
}

impl View {
    const ALL: [(View, Action, &'static str); 7] = [
        (View::Monthly, Action::ViewMonthly, "bills.view.monthly"),
        (View::Current, Action::ViewCurrent, "bills.view.current"),
        (View::Ledger, Action::ViewLedger, "bills.view.ledger"),
        (View::Details, Action::ViewDetails, "bills.view.details"),
        (View::Data, Action::ViewData, "bills.view.data"),
        (
            View::Reminders,
            Action::ViewReminders,
            "bills.view.reminders",
        ),
        (View::Advice, Action::ViewAdvice, "bills.view.advice"),
    ];
}

/// Detail records shown: a page loaded from the database, never all rows.
#[derive(Debug, Clone, Default)]
pub struct Details {
    /// Month, kind group and day.
    pub filter: DetailFilter,
    /// Rows matching.
    pub count: i64,
    /// Offset of the first loaded row.
    pub offset: i64,
    /// The loaded page.
    pub rows: Vec<UsageRecord>,
    /// Selected row, absolute.
    pub selected: i64,
}

/// What the tab holds.
#[derive(Debug, Clone, Default)]
pub struct BillsTab {
    /// Sub-view shown.
    pub view: View,
    /// Bills of the last 12 months, oldest first.
    pub bills: Vec<BillSummary>,
    /// Selected month (index into `bills`).
    pub selected: usize,
    /// The opened month with its items.
    pub opened: Option<BillView>,
    /// Selected item of the opened month.
    pub item: usize,
    /// The month so far.
    pub so_far: Option<MonthSoFar>,
    /// Balance entries, newest first.
    pub ledger: Vec<LedgerEntry>,
    /// Selected ledger line.
    pub ledger_selected: usize,
    /// Detail records.
    pub details: Details,
    /// Daily data of `data_month`.
    pub daily: Vec<(u32, i64)>,
    /// The month of the data view.
    pub data_month: Option<Month>,
    /// Reminder settings.
    pub reminders: Option<ReminderSettings>,
    /// Selected reminder line.
    pub reminder_line: usize,
    /// Plan advice.
    pub advice: Option<AdviceView>,
}

/// What the tab asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillsMsg {
    /// Nothing.
    Nothing,
    /// Load the data of the shown view.
    Load,
    /// Open this month's items.
    OpenMonth(String),
    /// Load the detail page that holds the selected row.
    Page,
    /// Save reminder settings.
    SaveReminders(ReminderSettings),
}

/// Kind groups the detail filter cycles through.
const GROUPS: [Option<&str>; 5] = [None, Some("voice"), Some("data"), Some("sms"), Some("vas")];

/// Rows PageUp/PageDown move in the detail records.
const PAGE_STEP: i64 = 15;

/// Rows loaded per detail page.
pub const PAGE: i64 = 200;

impl BillsTab {
    /// Handles a key the global keymap did not take.
    pub fn key(&mut self, ev: ratatui::crossterm::event::KeyEvent, keymap: &Keymap) -> BillsMsg {
        if let Some(a) = keymap.action("bills", &ev)
            && let Some((v, _, _)) = View::ALL.iter().find(|(_, act, _)| *act == a)
        {
            self.view = *v;
            self.opened = None;
            return BillsMsg::Load;
        }
        let list = keymap.action("list", &ev);
        let bills_action = keymap.action("bills", &ev);
        use ratatui::crossterm::event::KeyCode;
        match self.view {
            View::Monthly => {
                if let Some(b) = &self.opened {
                    match list {
                        Some(Action::Up) => self.item = self.item.saturating_sub(1),
                        Some(Action::Down) => {
                            self.item = (self.item + 1).min(b.items.len().saturating_sub(1))
                        }
                        _ => {}
                    }
                    return BillsMsg::Nothing;
                }
                match ev.code {
                    KeyCode::Left => self.selected = self.selected.saturating_sub(1),
                    KeyCode::Right => {
                        self.selected = (self.selected + 1).min(self.bills.len().saturating_sub(1))
                    }
                    KeyCode::Enter => {
                        if let Some(b) = self.bills.get(self.selected) {
                            self.item = 0;
                            return BillsMsg::OpenMonth(b.month.clone());
                        }
                    }
                    _ => {}
                }
            }
            View::Ledger => match list {
                Some(Action::Up) => self.ledger_selected = self.ledger_selected.saturating_sub(1),
                Some(Action::Down) => {
                    self.ledger_selected =
                        (self.ledger_selected + 1).min(self.ledger.len().saturating_sub(1))
                }
                Some(Action::PageUp) => {
                    self.ledger_selected = self.ledger_selected.saturating_sub(10)
                }
                Some(Action::PageDown) => {
                    self.ledger_selected =
                        (self.ledger_selected + 10).min(self.ledger.len().saturating_sub(1))
                }
                _ => {}
            },
            View::Details => {
                let d = &mut self.details;
                let last = (d.count - 1).max(0);
                let page = PAGE_STEP;
                let before = d.selected;
                match (list, bills_action, ev.code) {
                    (Some(Action::Up), _, _) => d.selected = (d.selected - 1).max(0),
                    (Some(Action::Down), _, _) => d.selected = (d.selected + 1).min(last),
                    (Some(Action::PageUp), _, _) => d.selected = (d.selected - page).max(0),
                    (Some(Action::PageDown), _, _) => d.selected = (d.selected + page).min(last),
                    (_, _, KeyCode::Home) => d.selected = 0,
                    (_, _, KeyCode::End) => d.selected = last,
                    (_, Some(Action::KindFilter), _) => {
                        let i = GROUPS
                            .iter()
                            .position(|g| g.map(str::to_string) == d.filter.group)
                            .unwrap_or(0);
                        d.filter.group = GROUPS[(i + 1) % GROUPS.len()].map(str::to_string);
                        d.selected = 0;
                        d.offset = 0;
                        return BillsMsg::Load;
                    }
                    (_, _, KeyCode::Right) => {
                        let days = Month {
                            year: (d.filter.month / 100) as i32,
                            month: (d.filter.month % 100) as u32,
                        }
                        .days();
                        d.filter.day = match d.filter.day {
                            None => Some(1),
                            Some(x) if x >= days => None,
                            Some(x) => Some(x + 1),
                        };
                        d.selected = 0;
                        d.offset = 0;
                        return BillsMsg::Load;
                    }
                    (_, _, KeyCode::Left) => {
                        let days = Month {
                            year: (d.filter.month / 100) as i32,
                            month: (d.filter.month % 100) as u32,
                        }
                        .days();
                        d.filter.day = match d.filter.day {
                            None => Some(days),
                            Some(1) => None,
                            Some(x) => Some(x - 1),
                        };
                        d.selected = 0;
                        d.offset = 0;
                        return BillsMsg::Load;
                    }
                    (_, _, KeyCode::Char('[')) | (_, _, KeyCode::Char(']')) => {
                        let m = Month {
                            year: (d.filter.month / 100) as i32,
                            month: (d.filter.month % 100) as u32,
                        };
                        let m = if ev.code == KeyCode::Char('[') {
                            m.prev()
                        } else {
                            m.next()
                        };
                        d.filter.month = m.int();
                        d.filter.day = None;
                        d.selected = 0;
                        d.offset = 0;
                        return BillsMsg::Load;
                    }
                    _ => {}
                }
                if d.selected != before
                    && (d.selected < d.offset || d.selected >= d.offset + d.rows.len() as i64)
                {
                    return BillsMsg::Page;
                }
            }
            View::Data => match ev.code {
                KeyCode::Left | KeyCode::Right => {
                    if let Some(m) = self.data_month {
                        self.data_month = Some(if ev.code == KeyCode::Left {
                            m.prev()
                        } else {
                            m.next()
                        });
                        return BillsMsg::Load;
                    }
                }
                _ => {}
            },
            View::Reminders => {
                let Some(mut r) = self.reminders else {
                    return BillsMsg::Nothing;
                };
                match (list, bills_action) {
                    (Some(Action::Up), _) => {
                        self.reminder_line = self.reminder_line.saturating_sub(1)
                    }
                    (Some(Action::Down), _) => self.reminder_line = (self.reminder_line + 1).min(3),
                    (Some(Action::Select), _) => {
                        match self.reminder_line {
                            1 => r.data_80 = !r.data_80,
                            2 => r.data_100 = !r.data_100,
                            3 => r.bill_issued = !r.bill_issued,
                            _ => return BillsMsg::Nothing,
                        }
                        return BillsMsg::SaveReminders(r);
                    }
                    (_, Some(Action::More)) if self.reminder_line == 0 => {
                        r.low_balance_fen = (r.low_balance_fen + 500).min(100_000);
                        return BillsMsg::SaveReminders(r);
                    }
                    (_, Some(Action::Less)) if self.reminder_line == 0 => {
                        r.low_balance_fen = (r.low_balance_fen - 500).max(0);
                        return BillsMsg::SaveReminders(r);
                    }
                    _ => {}
                }
            }
            View::Current | View::Advice => {}
        }
        BillsMsg::Nothing
    }

    /// Esc: close an opened month; true when it did something.
    pub fn back(&mut self) -> bool {
        if self.opened.is_some() {
            self.opened = None;
            return true;
        }
        false
    }
}

/// The colour of a category in charts and legends.
pub fn color(c: Category) -> Color {
    match c {
        Category::PlanFixed => Color::Blue,
        Category::Voice => Color::Green,
        Category::Data => Color::Cyan,
        Category::Sms => Color::Yellow,
        Category::Vas => Color::Magenta,
        Category::ThirdParty => Color::Red,
        Category::Discount => Color::Gray,
    }
}

/// The advice as lines of text (the CLI prints the same).
pub fn advice_text(a: &AdviceView, lang: Lang) -> Vec<String> {
    let name = |code: &str| {
        a.names
            .get(code)
            .map(|(zh, en)| lang.pick(zh, en).to_string())
            .unwrap_or_else(|| code.to_string())
    };
    let choice = |p: &crate::domain::advice::Priced| match &p.pack {
        Some(k) => format!("{} + {}", name(&p.plan), name(k)),
        None => name(&p.plan),
    };
    let adv = &a.advice;
    let mut out = vec![match lang {
        Lang::Zh => format!(
            "按近 {} 个月的用量计算，当前套餐 {} 平均每月 {}",
            adv.months,
            choice(&adv.current),
            Fen(adv.current.monthly_fen)
        ),
        Lang::En => format!(
            "Priced on the last {} months of usage, the current plan {} costs {} a month",
            adv.months,
            choice(&adv.current),
            Fen(adv.current.monthly_fen)
        ),
    }];
    if adv.current_is_best() {
        out.push(
            lang.pick(
                "当前套餐已是最省的选择，无需更换。",
                "The current plan is already the cheapest fit: no change needed.",
            )
            .to_string(),
        );
    } else {
        out.push(match lang {
            Lang::Zh => format!(
                "建议：{}，平均每月 {}，每月可省 {}",
                choice(&adv.best),
                Fen(adv.best.monthly_fen),
                Fen(adv.saving_fen)
            ),
            Lang::En => format!(
                "Recommended: {}, {} a month, saving {} a month",
                choice(&adv.best),
                Fen(adv.best.monthly_fen),
                Fen(adv.saving_fen)
            ),
        });
    }
    out.push(String::new());
    out.push(
        lang.pick(
            "各方案每月费用（由低到高）：",
            "Every option, cheapest first:",
        )
        .to_string(),
    );
    for p in adv.ranked.iter().take(6) {
        out.push(format!(
            "  {}  {}",
            pad(&Fen(p.monthly_fen).to_string(), 10),
            choice(p)
        ));
    }
    out
}

/// Draws the tab body.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.bills;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(1), Constraint::Min(5)])
        .split(area);
    let strip = crate::tui::widgets::view_strip(
        &app.keymap,
        lang,
        View::ALL.iter().map(|(v, a, k)| (*v == tab.view, *a, *k)),
    );
    f.render_widget(Paragraph::new(strip), rows[0]);
    let body = rows[1];
    let verified = app.customer.as_ref().is_some_and(|c| c.visit.verified);
    if !verified {
        verify_first(f, body, lang, app.customer.is_some(), "bills.verify_first");
        return;
    }
    match tab.view {
        View::Monthly => draw_monthly(tab, f, body, lang),
        View::Current => draw_current(tab, f, body, lang),
        View::Ledger => draw_ledger(tab, f, body, lang),
        View::Details => draw_details(tab, f, body, lang),
        View::Data => draw_data(tab, f, body, lang),
        View::Reminders => draw_reminders(tab, f, body, lang),
        View::Advice => draw_advice(tab, f, body, lang),
    }
}

fn month_label(m: &str) -> String {
    m.get(5..7).unwrap_or(m).to_string()
}

fn draw_monthly(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    if let Some(b) = &tab.opened {
        draw_opened(tab, b, f, area, lang);
        return;
    }
    if tab.bills.is_empty() {
        f.render_widget(
            Paragraph::new(t(lang, "bills.none"))
                .style(theme::muted())
                .block(Block::default().borders(Borders::ALL)),
            area,
        );
        return;
    }
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Min(40), Constraint::Length(30)])
        .split(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "bills.chart_title")));
    let inner = block.inner(cols[0]);
    f.render_widget(block, cols[0]);
    draw_stacked(tab, f, inner, lang);
    draw_split(tab, f, cols[1], lang);
}

/// Stacked bars: one column per month, one colour per category, scaled to the largest month.
fn draw_stacked(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    if area.height < 5 || area.width < 10 {
        return;
    }
    let legend_h = 2u16;
    let chart_h = area.height.saturating_sub(2 + legend_h) as i64;
    let n = tab.bills.len().max(1) as u16;
    let col_w = (area.width / n).clamp(3, 6);
    let bar_w = col_w - 1;
    let max = tab
        .bills
        .iter()
        .map(|b| b.total_fen.max(1))
        .max()
        .unwrap_or(1);
    let buf = f.buffer_mut();
    for (i, b) in tab.bills.iter().enumerate() {
        let x = area.x + i as u16 * col_w;
        if x + bar_w > area.x + area.width {
            break;
        }
        // Cells per category, by the largest remainder so the stack matches the bar's height.
        let height = (b.total_fen.max(0) * chart_h + max / 2) / max;
        let positive: Vec<(Category, i64)> = b
            .categories
            .iter()
            .copied()
            .filter(|(_, f)| *f > 0)
            .collect();
        let sum: i64 = positive.iter().map(|(_, f)| f).sum::<i64>().max(1);
        let mut cells: Vec<(Category, i64)> = positive
            .iter()
            .map(|(c, f)| (*c, f * height / sum))
            .collect();
        let mut used: i64 = cells.iter().map(|(_, h)| h).sum();
        let mut k = 0;
        let count = cells.len();
        while used < height && count > 0 {
            cells[k % count].1 += 1;
            used += 1;
            k += 1;
        }
        let mut y = area.y as i64 + chart_h;
        for (c, h) in cells {
            for _ in 0..h {
                y -= 1;
                for dx in 0..bar_w {
                    buf[(x + dx, y as u16)]
                        .set_symbol("█")
                        .set_style(Style::new().fg(color(c)));
                }
            }
        }
        let label_style = if i == tab.selected {
            theme::selected()
        } else {
            theme::label()
        };
        let label = pad(&month_label(&b.month), bar_w as usize);
        buf.set_string(x, area.y + chart_h as u16, &label, label_style);
        if i == tab.selected {
            buf.set_string(x, area.y + chart_h as u16 + 1, "▲", theme::key());
        }
    }
    let mut legend = Vec::new();
    for c in Category::ALL {
        legend.push(Span::styled("■", Style::new().fg(color(c))));
        legend.push(Span::raw(format!("{} ", c.short(lang))));
    }
    let legend_area = Rect::new(
        area.x,
        area.y + area.height - legend_h,
        area.width,
        legend_h,
    );
    let lines: Vec<Line<'_>> = vec![
        Line::from(legend),
        Line::from(Span::styled(t(lang, "bills.chart_keys"), theme::muted())),
    ];
    f.render_widget(Paragraph::new(lines), legend_area);
}

/// The selected month's proportions by category (比例视图).
fn draw_split(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let Some(b) = tab.bills.get(tab.selected) else {
        return;
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", b.month));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", t(lang, "bills.total")), theme::label()),
            Span::styled(Fen(b.total_fen).to_string(), theme::ok()),
        ]),
        Line::from(Span::styled(
            format!("{} +{}", t(lang, "bills.points"), b.points_earned),
            theme::muted(),
        )),
        Line::from(""),
    ];
    let positive: i64 = b
        .categories
        .iter()
        .map(|(_, f)| (*f).max(0))
        .sum::<i64>()
        .max(1);
    let bar_w = inner.width.saturating_sub(18) as i64;
    for (c, fen) in &b.categories {
        if *fen == 0 {
            continue;
        }
        let pct = fen.max(&0) * 100 / positive;
        let cells = (fen.max(&0) * bar_w + positive / 2) / positive;
        lines.push(Line::from(vec![
            Span::styled(pad(c.short(lang), 5), Style::new().fg(color(*c))),
            Span::styled("█".repeat(cells as usize), Style::new().fg(color(*c))),
            Span::raw(format!(" {pct}%")),
        ]));
        lines.push(Line::from(Span::styled(
            format!("      {}", Fen(*fen)),
            theme::muted(),
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_opened(tab: &BillsTab, b: &BillView, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Min(5), Constraint::Length(5)])
        .split(area);
    let title = format!(" {} · {} · {} ", b.month, b.plan, Fen(b.total_fen));
    let cat_w = Category::ALL
        .iter()
        .map(|c| c.label(lang).width())
        .max()
        .unwrap_or(12) as u16
        + 1;
    let name_w = rows[0].width.saturating_sub(2 + cat_w + 11 + 2) as usize;
    let items = b.items.iter().map(|i| {
        let style = if i.category == Category::Vas {
            theme::warn()
        } else {
            Style::new()
        };
        Row::new(vec![
            Cell::from(Span::styled(
                i.category.label(lang),
                Style::new().fg(color(i.category)),
            )),
            Cell::from(Span::styled(fit(&i.name, name_w), style)),
            Cell::from(Fen(i.amount_fen).to_string()),
        ])
    });
    let table = Table::new(
        items,
        [
            Constraint::Length(14),
            Constraint::Fill(1),
            Constraint::Length(11),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "bills.col.category"),
            t(lang, "bills.col.item"),
            t(lang, "bills.col.amount"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(Block::default().borders(Borders::ALL).title(title));
    let mut state =
        TableState::default().with_selected(Some(tab.item.min(b.items.len().saturating_sub(1))));
    f.render_stateful_widget(table, rows[0], &mut state);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "bills.explanation")));
    let inner_w = rows[1].width.saturating_sub(2) as usize;
    let text = b
        .items
        .get(tab.item)
        .map(|i| i.explanation.clone())
        .unwrap_or_default();
    let lines: Vec<Line<'_>> = wrap(&text, inner_w).into_iter().map(Line::from).collect();
    f.render_widget(Paragraph::new(lines).block(block), rows[1]);
}

fn gauge(f: &mut Frame<'_>, area: Rect, label: &str, used: i64, allowance: i64, unit: &str) {
    let ratio = if allowance > 0 {
        (used as f64 / allowance as f64).min(1.0)
    } else if used > 0 {
        1.0
    } else {
        0.0
    };
    let style = if allowance > 0 && used >= allowance {
        theme::error()
    } else if ratio >= 0.8 {
        theme::warn()
    } else {
        theme::ok()
    };
    let text = if allowance > 0 {
        format!("{used}/{allowance} {unit} ({:.0}%)", ratio * 100.0)
    } else {
        format!("{used} {unit}")
    };
    let g = Gauge::default()
        .block(Block::default().title(label.to_string()))
        .gauge_style(style)
        .ratio(ratio)
        .label(text);
    f.render_widget(g, area);
}

fn draw_current(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let Some(m) = &tab.so_far else { return };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} · {}/{} ", m.month, m.day, m.days));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(2),
            Constraint::Length(2),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .split(inner);
    gauge(
        f,
        rows[0],
        t(lang, "bills.gauge.minutes"),
        m.usage.voice_out_minutes,
        m.allowance.minutes,
        t(lang, "bills.unit.min"),
    );
    gauge(
        f,
        rows[1],
        t(lang, "bills.gauge.data"),
        crate::domain::rating::started_mb(m.usage.data_kb),
        m.allowance.data_mb,
        "MB",
    );
    gauge(
        f,
        rows[2],
        t(lang, "bills.gauge.sms"),
        m.usage.sms,
        m.allowance.sms,
        t(lang, "bills.unit.sms"),
    );
    // Wide enough for the longest English label ("VAS & partners") and a space.
    const LABEL: usize = 16;
    let lines = vec![
        Line::from(vec![
            Span::styled(pad(t(lang, "bills.plan_fee"), LABEL), theme::label()),
            Span::raw(Fen(m.plan_fee_fen).to_string()),
        ]),
        Line::from(vec![
            Span::styled(pad(t(lang, "bills.usage_fee"), LABEL), theme::label()),
            Span::raw(Fen(m.rated.usage_fen()).to_string()),
        ]),
        Line::from(vec![
            Span::styled(pad(t(lang, "bills.vas_fee"), LABEL), theme::label()),
            Span::raw(Fen(m.vas_fen + m.third_party_fen).to_string()),
        ]),
        Line::from(vec![
            Span::styled(pad(t(lang, "bills.so_far"), LABEL), theme::label()),
            Span::styled(Fen(m.so_far_fen).to_string(), theme::ok()),
        ]),
        Line::from(vec![
            Span::styled(pad(t(lang, "bills.projected"), LABEL), theme::label()),
            Span::styled(Fen(m.projected_fen).to_string(), theme::warn()),
        ]),
    ];
    f.render_widget(Paragraph::new(lines), rows[4]);
}

fn draw_ledger(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "bills.view.ledger")));
    let rows = tab.ledger.iter().map(|e| {
        let style = if e.amount.is_negative() {
            theme::debit()
        } else {
            theme::credit()
        };
        let when = clock::local_stamp(&e.created_at, "%Y-%m-%d %H:%M");
        let amount = if e.amount.is_negative() {
            e.amount.to_string()
        } else {
            format!("+{}", e.amount)
        };
        Row::new(vec![
            Cell::from(when),
            Cell::from(EntryKind::label(&e.kind, lang)),
            Cell::from(Span::styled(amount, style)),
            Cell::from(e.balance_after.to_string()),
            Cell::from(fit(&e.note, 20)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(16),
            Constraint::Length(12),
            Constraint::Length(11),
            Constraint::Length(11),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "col.time"),
            t(lang, "col.kind"),
            t(lang, "col.amount"),
            t(lang, "col.balance_after"),
            t(lang, "bills.col.note"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let mut state = TableState::default().with_selected(Some(
        tab.ledger_selected.min(tab.ledger.len().saturating_sub(1)),
    ));
    f.render_stateful_widget(table, area, &mut state);
}

/// `3分12秒`, `1.2MB`, `2条` …
fn quantity(r: &UsageRecord, lang: Lang) -> String {
    match r.kind {
        "voice_out" | "voice_in" => match lang {
            Lang::Zh => format!("{}分{:02}秒", r.quantity / 60, r.quantity % 60),
            Lang::En => format!("{}m{:02}s", r.quantity / 60, r.quantity % 60),
        },
        "data" if r.quantity >= 1024 => format!("{:.1}MB", r.quantity as f64 / 1024.0),
        "data" => format!("{}KB", r.quantity),
        _ => format!("{}{}", r.quantity, lang.pick("条", "")),
    }
}

fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "voice_out" => lang.pick("主叫", "call out"),
        "voice_in" => lang.pick("被叫", "call in"),
        "sms" => lang.pick("短信", "SMS"),
        "mms" => lang.pick("彩信", "MMS"),
        "data" => lang.pick("上网", "data"),
        "vas" => lang.pick("增值", "VAS"),
        _ => "?",
    }
}

fn scope_label(scope: &str, lang: Lang) -> &'static str {
    match scope {
        "long_distance" => lang.pick("长途", "long-dist."),
        "roaming" => lang.pick("漫游", "roaming"),
        _ => lang.pick("本地", "local"),
    }
}

fn draw_details(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let d = &tab.details;
    let group = match d.filter.group.as_deref() {
        Some("voice") => t(lang, "bills.group.voice"),
        Some("data") => t(lang, "bills.group.data"),
        Some("sms") => t(lang, "bills.group.sms"),
        Some("vas") => t(lang, "bills.group.vas"),
        _ => t(lang, "bills.group.all"),
    };
    let day = d
        .filter
        .day
        .map(|x| format!("{x}{}", lang.pick("日", "")))
        .unwrap_or_else(|| t(lang, "bills.all_days").to_string());
    let title = format!(
        " {}-{:02} · {group} · {day} · {}/{} ",
        d.filter.month / 100,
        d.filter.month % 100,
        if d.count == 0 { 0 } else { d.selected + 1 },
        d.count
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner_h = area.height.saturating_sub(3) as i64;
    // The visible window around the selected row, taken from the loaded page.
    let start = (d.selected - inner_h / 2).clamp(
        d.offset,
        (d.offset + d.rows.len() as i64 - inner_h).max(d.offset),
    );
    let visible: Vec<&UsageRecord> = d
        .rows
        .iter()
        .skip((start - d.offset).max(0) as usize)
        .take(inner_h.max(0) as usize)
        .collect();
    let rows = visible.iter().map(|r| {
        let when = chrono::DateTime::from_timestamp(r.at, 0)
            .map(|t| clock::local(t).format("%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        let other = if r.kind == "vas" {
            format!(
                "{} {}",
                r.service,
                if r.fee_fen > 0 {
                    Fen(r.fee_fen).to_string()
                } else {
                    String::new()
                }
            )
        } else {
            r.other_party.clone()
        };
        Row::new(vec![
            Cell::from(when),
            Cell::from(kind_label(r.kind, lang)),
            Cell::from(quantity(r, lang)),
            Cell::from(scope_label(r.scope, lang)),
            Cell::from(fit(&other, 22)),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(15),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "col.time"),
            t(lang, "col.kind"),
            t(lang, "bills.col.qty"),
            t(lang, "bills.col.scope"),
            t(lang, "bills.col.party"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let sel = (d.selected - start).max(0) as usize;
    let mut state = TableState::default().with_selected((!visible.is_empty()).then_some(sel));
    f.render_stateful_widget(
        table,
        Rect::new(area.x, area.y, area.width, area.height.saturating_sub(1)),
        &mut state,
    );
    let hint = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1),
        area.width,
        1,
    );
    f.render_widget(
        Paragraph::new(Span::styled(t(lang, "bills.details_keys"), theme::muted())),
        hint,
    );
}

fn draw_data(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let m = tab.data_month.map(|m| m.text()).unwrap_or_default();
    let total_kb: i64 = tab.daily.iter().map(|(_, kb)| kb).sum();
    let title = format!(
        " {} · {m} · {:.1} GB · ←→ ",
        t(lang, "bills.view.data"),
        total_kb as f64 / 1024.0 / 1024.0
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let days = tab.data_month.map(|m| m.days()).unwrap_or(30);
    let step = (inner.width / days as u16).max(2);
    let chart_h = inner.height.saturating_sub(2) as i64;
    let max_kb = tab
        .daily
        .iter()
        .map(|(_, kb)| *kb)
        .max()
        .unwrap_or(0)
        .max(1);
    let buf = f.buffer_mut();
    for d in 1..=days {
        let kb = tab
            .daily
            .iter()
            .find(|(x, _)| *x == d)
            .map(|(_, kb)| *kb)
            .unwrap_or(0);
        // Eighths of a cell, so small days still show.
        let eighths = (kb * chart_h * 8 + max_kb / 2) / max_kb;
        let x = inner.x + (d - 1) as u16 * step;
        if x >= inner.x + inner.width {
            break;
        }
        for row in 0..chart_h {
            let fill = (eighths - row * 8).clamp(0, 8) as usize;
            if fill == 0 {
                break;
            }
            const PARTS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
            let y = inner.y + (chart_h - 1 - row) as u16;
            buf[(x, y)]
                .set_symbol(PARTS[fill])
                .set_style(Style::new().fg(Color::Cyan));
        }
    }
    // The day axis: labels where they fit, every fifth day.
    let mut axis = String::new();
    for d in 1..=days {
        let x = ((d - 1) as u16 * step) as usize;
        if (d == 1 || d % 5 == 0) && axis.width() <= x {
            axis.push_str(&" ".repeat(x - axis.width()));
            axis.push_str(&d.to_string());
        }
    }
    let max_mb = tab.daily.iter().map(|(_, kb)| kb / 1024).max().unwrap_or(0);
    let lines = vec![
        Line::from(Span::styled(axis, theme::label())),
        Line::from(Span::styled(
            format!(
                "{} {max_mb} MB / {}",
                t(lang, "bills.data_peak"),
                t(lang, "bills.data_day")
            ),
            theme::muted(),
        )),
    ];
    f.render_widget(
        Paragraph::new(lines),
        Rect::new(
            inner.x,
            inner.y + inner.height.saturating_sub(2),
            inner.width,
            2,
        ),
    );
}

fn draw_reminders(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "bills.view.reminders")));
    let Some(r) = tab.reminders else {
        f.render_widget(block, area);
        return;
    };
    let check = |b: bool| if b { "[✔]" } else { "[ ]" };
    let items = [
        format!(
            "{}  {}  (+/-)",
            t(lang, "bills.reminder.low_balance"),
            Fen(r.low_balance_fen)
        ),
        format!("{} {}", check(r.data_80), t(lang, "bills.reminder.data_80")),
        format!(
            "{} {}",
            check(r.data_100),
            t(lang, "bills.reminder.data_100")
        ),
        format!(
            "{} {}",
            check(r.bill_issued),
            t(lang, "bills.reminder.bill_issued")
        ),
    ];
    let mut lines: Vec<Line<'_>> = items
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Line::from(Span::styled(
                format!(" {s}"),
                if i == tab.reminder_line {
                    theme::selected()
                } else {
                    Style::new()
                },
            ))
        })
        .collect();
    lines.push(Line::from(""));
    for part in wrap(
        t(lang, "bills.reminder.keys"),
        area.width.saturating_sub(3) as usize,
    ) {
        lines.push(Line::from(Span::styled(format!(" {part}"), theme::muted())));
    }
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_advice(tab: &BillsTab, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "bills.view.advice")));
    let Some(a) = &tab.advice else {
        f.render_widget(block, area);
        return;
    };
    let w = area.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    for (i, l) in advice_text(a, lang).into_iter().enumerate() {
        let style = match i {
            1 if a.advice.current_is_best() => theme::ok(),
            1 => theme::warn(),
            _ => Style::new(),
        };
        for part in wrap(&l, w) {
            lines.push(Line::from(Span::styled(part, style)));
        }
    }
    f.render_widget(Paragraph::new(lines).block(block), area);
}
