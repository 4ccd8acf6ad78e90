//! The Customer tab (客户): profile, verification state, recent balance entries and notices.

use crate::domain::customer::StarLevel;
use crate::domain::{Fen, Lang, clock};
use crate::store::ledger::EntryKind;
use crate::tui::app::{App, CustomerCtx};
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{fit, pad};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use unicode_width::UnicodeWidthStr;

/// Draws the tab body.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let Some(ctx) = &app.customer else {
        draw_welcome(app, f, area);
        return;
    };
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(48), Constraint::Percentage(52)])
        .split(area);
    draw_profile(ctx, f, cols[0], lang);
    let right = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(5),
            Constraint::Min(5),
            Constraint::Min(4),
        ])
        .split(cols[1]);
    draw_verification(app, ctx, f, right[0]);
    draw_ledger(ctx, f, right[1], lang);
    draw_notices(ctx, f, right[2], lang);
}

fn draw_welcome(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let key = app.keymap.label(crate::tui::keymap::Action::Search);
    let lines = vec![
        Line::from(""),
        Line::from(Span::styled(t(lang, "welcome.title"), theme::ok())),
        Line::from(""),
        Line::from(vec![
            Span::raw(t(lang, "welcome.press")),
            Span::styled(format!(" {key} "), theme::key()),
            Span::raw(t(lang, "welcome.find")),
        ]),
        Line::from(Span::styled(t(lang, "welcome.verify_note"), theme::muted())),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .alignment(ratatui::layout::Alignment::Center)
            .wrap(Wrap { trim: false })
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .title(format!(" {} ", t(lang, "tab.customer"))),
            ),
        area,
    );
}

fn field_lines(pairs: Vec<(&str, Span<'static>)>) -> Vec<Line<'static>> {
    let w = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0) + 2;
    pairs
        .into_iter()
        .map(|(k, v)| Line::from(vec![Span::styled(pad(k, w), theme::label()), v]))
        .collect()
}

fn draw_profile(ctx: &CustomerCtx, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let v = &ctx.view;
    let inner_w = area.width.saturating_sub(2) as usize;
    let value_w = inner_w.saturating_sub(12);
    let yes_no = |b: bool| {
        if b {
            t(lang, "common.yes")
        } else {
            t(lang, "common.no")
        }
    };
    let status_style = match v.status {
        crate::domain::customer::CustomerStatus::Active => theme::ok(),
        crate::domain::customer::CustomerStatus::Suspended => theme::warn(),
        crate::domain::customer::CustomerStatus::Closed => theme::error(),
    };
    let pending = v.pending_plan.clone().unwrap_or_else(|| "—".to_string());
    let mut pairs: Vec<(&str, Span<'static>)> = vec![
        (t(lang, "field.name"), Span::raw(v.name.clone())),
        (
            t(lang, "field.phone"),
            Span::raw(v.phone_display().to_string()),
        ),
        (t(lang, "field.id_number"), Span::raw(v.id_number.clone())),
        (
            t(lang, "field.brand"),
            Span::raw(v.brand_name(lang).to_string()),
        ),
        (
            t(lang, "field.plan"),
            Span::raw(fit(&format!("{} {}", v.plan, v.plan_name(lang)), value_w)),
        ),
        (t(lang, "field.pending_plan"), Span::raw(pending)),
        (
            t(lang, "field.type"),
            Span::raw(v.customer_type.label(lang).to_string()),
        ),
        (
            t(lang, "field.status"),
            Span::styled(v.status.label(lang).to_string(), status_style),
        ),
        (
            t(lang, "field.balance"),
            Span::styled(
                Fen(v.balance_fen).to_string(),
                if v.balance_fen < 0 {
                    theme::error()
                } else {
                    theme::ok()
                },
            ),
        ),
        (
            t(lang, "field.points"),
            Span::raw(format!("{} {}", v.points, v.points_currency(lang))),
        ),
        (
            t(lang, "field.real_name"),
            Span::raw(yes_no(v.verified_real_name).to_string()),
        ),
        (
            t(lang, "field.stars"),
            Span::raw(StarLevel(v.star_level).label(lang)),
        ),
        (t(lang, "field.joined"), Span::raw(v.joined_on.clone())),
        (
            t(lang, "field.tags"),
            Span::raw(fit(&v.tags.join("，"), value_w)),
        ),
    ];
    if v.verified && !v.notes.is_empty() {
        pairs.push((t(lang, "field.notes"), Span::raw(fit(&v.notes, value_w))));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "customer.profile")));
    f.render_widget(Paragraph::new(field_lines(pairs)).block(block), area);
}

fn draw_verification(app: &App, ctx: &CustomerCtx, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "customer.verification")));
    let lines = if ctx.visit.verified {
        let method = ctx.visit.method.map(|m| m.label(lang)).unwrap_or("");
        let until = ctx
            .visit
            .idle_until
            .map(|u| clock::local(u).format("%H:%M:%S").to_string())
            .unwrap_or_default();
        vec![
            Line::from(Span::styled(
                format!("✔ {} · {method}", t(lang, "verify.done")),
                theme::ok(),
            )),
            Line::from(Span::styled(
                format!("{} {until}", t(lang, "verify.idle_until")),
                theme::muted(),
            )),
            Line::from(vec![
                Span::styled(
                    app.keymap.label(crate::tui::keymap::Action::EndVisit),
                    theme::key(),
                ),
                Span::raw(format!(" {}", t(lang, "hint.end_visit"))),
            ]),
        ]
    } else {
        vec![
            Line::from(Span::styled(
                format!("✘ {}", t(lang, "verify.not_yet")),
                theme::warn(),
            )),
            Line::from(vec![
                Span::styled(
                    app.keymap.label(crate::tui::keymap::Action::Verify),
                    theme::key(),
                ),
                Span::raw(format!(" {}", t(lang, "verify.how"))),
            ]),
            Line::from(Span::styled(t(lang, "verify.why"), theme::muted())),
        ]
    };
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn short_time(stored: &str, wide: bool) -> String {
    let fmt = if wide { "%m-%d %H:%M" } else { "%m-%d" };
    clock::local_stamp(stored, fmt)
}

fn draw_ledger(ctx: &CustomerCtx, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "customer.ledger")));
    let Some(activity) = &ctx.activity else {
        f.render_widget(
            Paragraph::new(t(lang, "customer.verify_to_see"))
                .style(theme::muted())
                .wrap(Wrap { trim: false })
                .block(block),
            area,
        );
        return;
    };
    if activity.ledger.is_empty() {
        f.render_widget(
            Paragraph::new(t(lang, "customer.no_ledger"))
                .style(theme::muted())
                .block(block),
            area,
        );
        return;
    }
    let wide = area.width >= 50;
    let rows = activity.ledger.iter().map(|e| {
        let style = if e.amount.is_negative() {
            theme::debit()
        } else {
            theme::credit()
        };
        let amount = if e.amount.is_negative() {
            e.amount.to_string()
        } else {
            format!("+{}", e.amount)
        };
        Row::new(vec![
            Cell::from(short_time(&e.created_at, wide)),
            Cell::from(EntryKind::label(&e.kind, lang)),
            Cell::from(Span::styled(amount, style)),
            Cell::from(e.balance_after.to_string()),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(if wide { 11 } else { 5 }),
            Constraint::Length(12),
            Constraint::Length(10),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "col.time"),
            t(lang, "col.kind"),
            t(lang, "col.amount"),
            t(lang, "col.balance_after"),
        ])
        .style(theme::label()),
    )
    .block(block);
    f.render_widget(table, area);
}

fn draw_notices(ctx: &CustomerCtx, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "customer.notices")));
    let Some(activity) = &ctx.activity else {
        f.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let width = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line<'static>> = if activity.notices.is_empty() {
        vec![Line::from(Span::styled(
            t(lang, "customer.no_notices"),
            theme::muted(),
        ))]
    } else {
        activity
            .notices
            .iter()
            .map(|n| {
                let head = format!(
                    "{} [{}] ",
                    short_time(&n.created_at, width >= 48),
                    n.title(lang)
                );
                let rest = width.saturating_sub(head.width());
                Line::from(vec![
                    Span::styled(head, theme::label()),
                    Span::raw(fit(&n.text_in(lang), rest)),
                ])
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines).block(block), area);
}
