//! Drawing the frame: title bar, customer bar, tabs, body, status line, popups.
//! Reads the state only; all loading happens when the state changes.

use crate::domain::{Fen, clock};
use crate::tui::app::{App, Popup, Screen};
use crate::tui::i18n::t;
use crate::tui::keymap::Action;
use crate::tui::tabs::{self, Tab};
use crate::tui::theme;
use crate::tui::widgets::{centered, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs, Wrap};
use unicode_width::UnicodeWidthStr;

/// The smallest terminal the counter screen is laid out for.
pub const MIN_WIDTH: u16 = 80;
/// The smallest terminal the counter screen is laid out for.
pub const MIN_HEIGHT: u16 = 24;

/// Draws everything.
pub fn draw(app: &App, f: &mut Frame<'_>) {
    draw_in(app, f, f.area(), MIN_HEIGHT);
}

/// Draws everything inside `area` (the walkthrough keeps the bottom rows for its narration),
/// refusing areas lower than `min_height`.
pub fn draw_in(app: &App, f: &mut Frame<'_>, area: Rect, min_height: u16) {
    if area.width < MIN_WIDTH || area.height < min_height {
        draw_too_small(app, f, area);
        return;
    }
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(10),
            Constraint::Length(1),
        ])
        .split(area);
    draw_title(app, f, rows[0]);
    match &app.screen {
        Screen::Login(form) => {
            f.render_widget(Paragraph::new("").style(theme::customer_bar()), rows[1]);
            let body = Rect::new(
                area.x,
                rows[2].y,
                area.width,
                rows[2].height + rows[3].height,
            );
            form.draw(f, body, app.lang);
            let hint = Line::from(Span::styled(t(app.lang, "login.keys"), theme::muted()));
            f.render_widget(Paragraph::new(hint), rows[4]);
        }
        Screen::Main => {
            draw_customer_bar(app, f, rows[1]);
            draw_tabs(app, f, rows[2]);
            match Tab::ALL.get(app.tab) {
                Some(Tab::Customer) | None => tabs::customer::draw(app, f, rows[3]),
                Some(Tab::Points) => tabs::points::draw(app, f, rows[3]),
                Some(Tab::Bills) => tabs::bills::draw(app, f, rows[3]),
                Some(Tab::Plans) => tabs::plans::draw(app, f, rows[3]),
                Some(Tab::TopUp) => tabs::topup::draw(app, f, rows[3]),
                Some(Tab::Complaints) => tabs::complaints::draw(app, f, rows[3]),
                Some(Tab::Reports) => tabs::reports::draw(app, f, rows[3]),
            }
            draw_status(app, f, rows[4]);
        }
    }
    for p in &app.popups {
        match p {
            Popup::Search(s) => s.draw(f, rows[3], app.lang),
            Popup::Verify(v) => {
                let who = app
                    .customer
                    .as_ref()
                    .map(|c| format!("{} {}", c.view.phone_masked, c.view.name))
                    .unwrap_or_default();
                v.draw(f, rows[3], app.lang, &who)
            }
            Popup::Help(h) => h.draw(f, area, &app.keymap, app.lang, app.tab_count()),
            Popup::Confirm(c) => c.draw(f, area, app.lang),
            Popup::Message(m) => m.draw(f, area, t(app.lang, "message.any_key")),
            Popup::Receipt(r) => r.draw(f, area, app.lang),
            Popup::Refund(r) => r.draw(f, area, app.lang),
            Popup::TicketForm(p) => p.draw(f, area, app.lang),
            Popup::Record(p) => {
                let who = app
                    .customer
                    .as_ref()
                    .map(|c| format!("{} {}", c.view.phone_display(), c.view.name))
                    .unwrap_or_default();
                p.draw(f, rows[3], app.lang, &who)
            }
        }
    }
}

fn draw_too_small(app: &App, f: &mut Frame<'_>, area: Rect) {
    let text = format!(
        "{}\n{}×{} → {MIN_WIDTH}×{MIN_HEIGHT}",
        t(app.lang, "too_small"),
        area.width,
        area.height
    );
    let r = centered(area, area.width, 3.min(area.height));
    f.render_widget(
        Paragraph::new(text)
            .style(theme::warn())
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

fn draw_title(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let now = clock::local(app.clock().now())
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let staff = match &app.session {
        Some(s) => format!("{} {}", s.name, s.role.label(lang)),
        None => t(lang, "title.not_logged_in").to_string(),
    };
    let left = format!(
        " touchpoint · {} · {} {}",
        t(lang, "title.product"),
        t(lang, "title.counter"),
        app.counter
    );
    let right = format!("{staff} · {now} ");
    let gap = (area.width as usize).saturating_sub(left.width() + right.width());
    let text = if gap == 0 {
        fit(&format!("{left} {right}"), area.width as usize)
    } else {
        format!("{left}{}{right}", " ".repeat(gap))
    };
    f.render_widget(Paragraph::new(text).style(theme::title()), area);
}

fn draw_customer_bar(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let line = match &app.customer {
        None => Line::from(Span::raw(format!(" {}", t(lang, "bar.no_customer")))),
        Some(c) => {
            let v = &c.view;
            let mark = if c.visit.verified {
                Span::styled(format!(" ✔{} ", t(lang, "bar.verified")), theme::ok())
            } else {
                Span::styled(format!(" ✘{} ", t(lang, "bar.unverified")), theme::warn())
            };
            let status_style = match v.status {
                crate::domain::customer::CustomerStatus::Active => theme::customer_bar(),
                _ => theme::warn(),
            };
            Line::from(vec![
                Span::raw(format!(" {} {} ", v.phone_display(), v.name)),
                Span::raw(format!("{}·{} ", v.brand_name(lang), v.plan)),
                Span::raw(format!(
                    "{} {} ",
                    t(lang, "bar.balance"),
                    Fen(v.balance_fen)
                )),
                Span::raw(format!("{} {} ", v.points_currency(lang), v.points)),
                Span::styled(format!("{} ", v.status.label(lang)), status_style),
                mark,
            ])
        }
    };
    f.render_widget(Paragraph::new(line).style(theme::customer_bar()), area);
}

fn draw_tabs(app: &App, f: &mut Frame<'_>, area: Rect) {
    let titles: Vec<String> = Tab::ALL[..app.tab_count()]
        .iter()
        .enumerate()
        .map(|(i, tab)| format!("{} {}", i + 1, tab.title(app.lang)))
        .collect();
    // A space either side of each title and a divider between; when that overflows (the
    // supervisor's seven tabs in Chinese at 80 columns), one space before each title only.
    // (The last title's trailing space may fall off the edge.)
    let full: usize = titles
        .iter()
        .map(|t| t.width() + 3)
        .sum::<usize>()
        .saturating_sub(2);
    let (left, right) = if full <= area.width as usize {
        (" ", " ")
    } else {
        (" ", "")
    };
    let tabs = Tabs::new(titles)
        .padding(left, right)
        .select(app.tab)
        .highlight_style(theme::selected())
        .block(Block::default().borders(Borders::NONE));
    f.render_widget(tabs, area);
}

fn draw_status(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let in_form = Tab::ALL.get(app.tab) == Some(&Tab::TopUp)
        && app.topup.focus != tabs::topup::Focus::Outside;
    let left: Vec<Span<'static>> = match &app.status {
        Some(s) => vec![Span::styled(
            format!(" {}", s.text),
            if s.error { theme::error() } else { theme::ok() },
        )],
        // Inside the form letters and digits are typed, so the global hints would lie.
        None if in_form => vec![Span::styled(
            format!(" {}", t(lang, "topup.status_keys")),
            theme::muted(),
        )],
        None => {
            let mut spans = Vec::new();
            let mut hints = vec![(Action::Search, "hint.search")];
            if app.customer.as_ref().is_some_and(|c| !c.visit.verified) {
                hints.push((Action::Verify, "hint.verify"));
            }
            if app.customer.is_some() {
                hints.push((Action::EndVisit, "hint.end_visit"));
            }
            hints.push((Action::Help, "hint.help"));
            hints.push((Action::Quit, "hint.quit"));
            for (a, key) in hints {
                spans.push(Span::styled(
                    format!(" {}", app.keymap.label(a)),
                    theme::key(),
                ));
                spans.push(Span::raw(format!(" {}", t(lang, key))));
            }
            spans
        }
    };
    let left_w: usize = left.iter().map(|s| s.content.width()).sum();
    let mut spans = left;
    if let Some(n) = &app.latest_notice {
        let room = (area.width as usize).saturating_sub(left_w + 3);
        if room > 12 {
            let text = fit(&format!("✉ [{}] {}", n.title(lang), n.text_in(lang)), room);
            let pad = room.saturating_sub(text.width());
            spans.push(Span::raw(" ".repeat(pad + 2)));
            spans.push(Span::styled(text, theme::muted()));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
