//! 报表: the daily counter report (日结) for supervisors — the same figures as
//! `touchpoint report daily`, bars of top-ups by hour, and a field for the counted cash.

use crate::domain::topup::Channel;
use crate::domain::{Fen, Lang, Problem};
use crate::service::reports::DailyReport;
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{fit, pad};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph};
use unicode_width::UnicodeWidthStr;

/// What the tab asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportsMsg {
    /// Nothing to do.
    Nothing,
    /// Load the report for the chosen date and counted cash.
    Load,
}

/// The Reports tab's state.
#[derive(Debug, Clone, Default)]
pub struct ReportsTab {
    /// The day shown (`None`: today).
    pub date: Option<NaiveDate>,
    /// The report, once loaded.
    pub report: Option<DailyReport>,
    /// The counted cash as typed.
    pub counted_text: String,
    /// The counted cash applied.
    pub counted: Option<Fen>,
    /// Typing into the counted-cash field.
    pub typing: bool,
    /// Why the typed amount was not taken.
    pub error: Option<Problem>,
}

impl ReportsTab {
    /// True while the counted-cash field takes every key.
    pub fn is_typing(&self) -> bool {
        self.typing
    }

    /// Handles a key the global keymap did not take (or every key while typing).
    pub fn key(&mut self, ev: KeyEvent, keymap: &Keymap, today: NaiveDate) -> ReportsMsg {
        if self.typing {
            match ev.code {
                KeyCode::Enter => {
                    self.typing = false;
                    if self.counted_text.trim().is_empty() {
                        self.counted = None;
                        self.error = None;
                        return ReportsMsg::Load;
                    }
                    match Fen::parse(&self.counted_text) {
                        Ok(f) => {
                            self.counted = Some(f);
                            self.error = None;
                            return ReportsMsg::Load;
                        }
                        Err(p) => self.error = Some(p),
                    }
                }
                KeyCode::Esc => self.typing = false,
                KeyCode::Backspace => {
                    self.counted_text.pop();
                }
                KeyCode::Char(c)
                    if (c.is_ascii_digit() || c == '.') && self.counted_text.len() < 12 =>
                {
                    self.counted_text.push(c);
                }
                _ => {}
            }
            return ReportsMsg::Nothing;
        }
        let day = self.date.unwrap_or(today);
        match keymap.action("reports", &ev) {
            Some(Action::PrevDay) => {
                self.date = day.pred_opt();
                ReportsMsg::Load
            }
            Some(Action::NextDay) if day < today => {
                self.date = day.succ_opt().filter(|d| *d < today);
                ReportsMsg::Load
            }
            Some(Action::Today) => {
                self.date = None;
                ReportsMsg::Load
            }
            Some(Action::EnterCounted) => {
                self.typing = true;
                self.error = None;
                ReportsMsg::Nothing
            }
            _ => ReportsMsg::Nothing,
        }
    }
}

fn money(v: i64) -> String {
    Fen(v).to_string()
}

/// Draws the tab.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.reports;
    let Some(r) = &tab.report else {
        let msg = t(lang, "reports.loading");
        f.render_widget(Paragraph::new(fit(msg, area.width as usize)), area);
        return;
    };
    let cols = Layout::horizontal([Constraint::Length(44), Constraint::Min(20)]).split(area);
    draw_figures(app, r, f, cols[0]);
    let right = Layout::vertical([Constraint::Length(9), Constraint::Min(3)]).split(cols[1]);
    draw_hours(r, lang, f, right[0]);
    draw_staff(r, lang, f, right[1]);
}

fn draw_figures(app: &App, r: &DailyReport, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.reports;
    let block = Block::default().borders(Borders::ALL).title(format!(
        " {} {} ",
        t(lang, "reports.day"),
        r.date
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let row = |a: &str, b: String, c: String, d: String| {
        fit(
            &format!("{}{}{}{}", pad(&fit(a, 10), 11), pad(&b, 6), pad(&c, 12), d),
            w,
        )
    };
    let mut lines: Vec<Line<'static>> = vec![Line::styled(
        row(
            t(lang, "reports.topups"),
            t(lang, "reports.count").into(),
            t(lang, "reports.paid").into(),
            t(lang, "reports.credited").into(),
        ),
        theme::muted(),
    )];
    for c in &r.topups.by_channel {
        let name = Channel::parse(&c.channel)
            .map(|ch| ch.label(lang))
            .unwrap_or("?");
        lines.push(Line::raw(row(
            name,
            c.count.to_string(),
            money(c.paid_fen),
            money(c.credited_fen),
        )));
    }
    lines.push(Line::styled(
        row(
            t(lang, "reports.total"),
            r.topups.count.to_string(),
            money(r.topups.paid_fen),
            money(r.topups.credited_fen),
        ),
        theme::selected(),
    ));
    lines.push(Line::raw(row(
        t(lang, "reports.refunds"),
        r.refunds.count.to_string(),
        money(r.refunds.returned_fen),
        money(-r.refunds.amount_fen),
    )));
    // The cash drawer: expected, the counted field, the difference.
    let c = &r.cash;
    lines.push(Line::raw(fit(
        &format!(
            "{}{} {}",
            pad(t(lang, "reports.cash"), 11),
            t(lang, "reports.expected"),
            money(c.expected_fen)
        ),
        w,
    )));
    let field = if tab.typing {
        format!("[{}▏]", tab.counted_text)
    } else {
        match c.counted_fen {
            Some(n) => format!("[{}]", money(n)),
            None => format!("[{}]", app.keymap.label(Action::EnterCounted)),
        }
    };
    let mut spans = vec![
        Span::raw(pad("", 11)),
        Span::raw(format!("{} ", t(lang, "reports.counted"))),
        Span::styled(
            field,
            if tab.typing {
                theme::selected()
            } else {
                theme::key()
            },
        ),
    ];
    if let Some(d) = c.difference_fen {
        let style = if d == 0 { theme::ok() } else { theme::error() };
        spans.push(Span::raw(format!(" {} ", t(lang, "reports.difference"))));
        spans.push(Span::styled(money(d), style));
    }
    lines.push(clip(spans, w));
    // The cursor goes on this line while the field is typed into.
    let counted_row = lines.len() - 1;
    if let Some(e) = &tab.error {
        lines.push(Line::styled(
            fit(lang.pick(&e.zh, &e.en), w),
            theme::error(),
        ));
    }
    let red = &r.redemptions;
    lines.push(Line::raw(fit(
        &format!(
            "{}{} {}  {} {}  {}",
            pad(t(lang, "reports.redemptions"), 11),
            red.count,
            t(lang, "reports.times"),
            red.points,
            t(lang, "reports.points"),
            money(red.credit_fen)
        ),
        w,
    )));
    for cat in red.by_category.iter().take(2) {
        lines.push(Line::styled(
            fit(
                &format!(
                    "{}{} × {}",
                    pad("", 11),
                    lang.pick(&cat.name_zh, &cat.name_en),
                    cat.count
                ),
                w,
            ),
            theme::muted(),
        ));
    }
    lines.push(Line::raw(fit(
        &format!(
            "{}{}",
            pad(t(lang, "reports.plans"), 11),
            r.plan_changes.count
        ),
        w,
    )));
    let k = &r.complaints;
    lines.push(Line::raw(fit(
        &format!(
            "{}{} {}  {} {}  {} {}",
            pad(t(lang, "reports.complaints"), 11),
            t(lang, "reports.opened"),
            k.opened,
            t(lang, "reports.resolved"),
            k.resolved,
            t(lang, "reports.overdue"),
            k.overdue
        ),
        w,
    )));
    lines.push(if r.ledger.reconciled {
        Line::styled(fit(t(lang, "reports.ledger_ok"), w), theme::ok())
    } else {
        Line::styled(fit(t(lang, "reports.ledger_bad"), w), theme::error())
    });
    lines.push(Line::styled(
        fit(t(lang, "reports.hint"), w),
        theme::muted(),
    ));
    f.render_widget(Paragraph::new(lines), inner);
    if tab.typing {
        // The cursor on the field, for input methods.
        let x = inner.x as usize
            + 11
            + t(lang, "reports.counted").width()
            + 2
            + tab.counted_text.width();
        let y = inner.y + counted_row as u16;
        if x < (inner.x + inner.width) as usize && y < inner.y + inner.height {
            f.set_cursor_position((x as u16, y));
        }
    }
}

/// A line of spans cut to a width.
fn clip(spans: Vec<Span<'static>>, w: usize) -> Line<'static> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in spans {
        let sw = s.content.width();
        if used + sw <= w {
            used += sw;
            out.push(s);
        } else {
            let room = w.saturating_sub(used);
            if room > 1 {
                out.push(Span::styled(fit(&s.content, room), s.style));
            }
            break;
        }
    }
    Line::from(out)
}

fn draw_hours(r: &DailyReport, lang: Lang, f: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "reports.by_hour")));
    let inner = block.inner(area);
    f.render_widget(block, area);
    if inner.height < 2 || inner.width < 24 {
        return;
    }
    let bars: Vec<Bar<'_>> = r
        .hours
        .iter()
        .map(|h| {
            Bar::default()
                .value(h.topups as u64)
                .text_value(String::new())
        })
        .collect();
    let chart = BarChart::default()
        .data(BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(0)
        .bar_style(theme::key())
        .value_style(Style::default());
    let rows = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).split(inner);
    f.render_widget(chart, rows[0]);
    // Hour marks under the 24 one-column bars.
    let mut axis = String::new();
    for h in (0..24).step_by(6) {
        axis.push_str(&pad(&h.to_string(), 6));
    }
    let peak = r.hours.iter().map(|h| h.topups).max().unwrap_or(0);
    // The axis is ASCII, so its byte length is its width.
    let axis = format!("{:<25}{} {peak}", axis.trim_end(), t(lang, "reports.peak"));
    f.render_widget(
        Paragraph::new(Line::styled(
            fit(&axis, inner.width as usize),
            theme::muted(),
        )),
        rows[1],
    );
}

fn draw_staff(r: &DailyReport, lang: Lang, f: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "reports.by_staff")));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line<'static>> = Vec::new();
    if r.topups.by_staff.is_empty() {
        lines.push(Line::styled(
            fit(t(lang, "reports.none"), w),
            theme::muted(),
        ));
    }
    for s in &r.topups.by_staff {
        lines.push(Line::raw(fit(
            &format!(
                "{}{}{}",
                pad(&fit(&s.staff_name, 8), 9),
                pad(&s.count.to_string(), 4),
                money(s.paid_fen)
            ),
            w,
        )));
        lines.push(Line::styled(
            fit(
                &format!(
                    "{}{} {}",
                    pad("", 13),
                    t(lang, "reports.cash"),
                    money(s.cash_fen)
                ),
                w,
            ),
            theme::muted(),
        ));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
