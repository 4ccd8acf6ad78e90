//! The Plans tab (业务办理): the current plan and allowances, the pending change, packs and
//! services with their dates; the catalogue with the current plan and a candidate side by side;
//! recommendations and the bill advice; the business history. Everything needs a verified customer.

use crate::assets::PlanAsset;
use crate::domain::{Fen, Lang, clock};
use crate::service::bills::AdviceView;
use crate::service::plans::BusinessView;
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{fit, pad, verify_first, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

/// The sub-views, in the order of the view bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// 当前: plan, allowances, pending change, packs, services, recommendations, advice.
    #[default]
    Overview,
    /// 目录: the catalogue with the comparison.
    Catalog,
    /// 记录: every change, with who made it.
    History,
}

impl View {
    const ALL: [(View, Action, &'static str); 3] = [
        (View::Overview, Action::ViewOverview, "plans.view.overview"),
        (View::Catalog, Action::ViewCatalog, "plans.view.catalog"),
        (View::History, Action::History, "plans.view.history"),
    ];
}

/// What the tab holds.
#[derive(Debug, Clone, Default)]
pub struct PlansTab {
    /// Sub-view shown.
    pub view: View,
    /// The customer's business, once verified.
    pub data: Option<BusinessView>,
    /// The bill advice, when there is usage to price.
    pub advice: Option<AdviceView>,
    /// Selected catalogue line.
    pub selected: usize,
    /// Selected running service in the overview.
    pub service: usize,
    /// First history line shown.
    pub hist_top: usize,
}

/// What the tab asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlansMsg {
    /// Nothing.
    Nothing,
    /// Change to this plan, buy this pack or subscribe this service (asks first).
    Take(String),
    /// Cancel the pending plan change (asks first).
    CancelChange,
    /// Cancel this service (asks first).
    CancelService(String),
}

impl PlansTab {
    /// Services that can still be cancelled (running, not cancelled yet).
    pub fn cancellable(&self) -> Vec<&crate::service::plans::SubscriptionView> {
        self.data
            .as_ref()
            .map(|d| {
                d.subscriptions
                    .iter()
                    .filter(|s| s.running && s.sub.ends_on.is_none())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The catalogue line selected.
    pub fn selected_item(&self) -> Option<&PlanAsset> {
        self.data
            .as_ref()
            .and_then(|d| d.catalog.get(self.selected))
    }

    /// Handles a key the global keymap did not take.
    pub fn key(&mut self, ev: KeyEvent, keymap: &Keymap) -> PlansMsg {
        let plans = keymap.action("plans", &ev);
        if let Some(a) = plans
            && let Some((v, _, _)) = View::ALL.iter().find(|(_, act, _)| *act == a)
        {
            self.view = *v;
            return PlansMsg::Nothing;
        }
        match plans {
            Some(Action::CancelChange) => {
                if self.data.as_ref().is_some_and(|d| d.pending.is_some()) {
                    return PlansMsg::CancelChange;
                }
                return PlansMsg::Nothing;
            }
            Some(Action::CancelService) if self.view == View::Overview => {
                if let Some(s) = self.cancellable().get(self.service) {
                    return PlansMsg::CancelService(s.sub.code.clone());
                }
                return PlansMsg::Nothing;
            }
            _ => {}
        }
        let list = keymap.action("list", &ev);
        match self.view {
            View::Catalog => {
                let len = self.data.as_ref().map(|d| d.catalog.len()).unwrap_or(0);
                match list {
                    Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
                    Some(Action::Down) => {
                        self.selected = (self.selected + 1).min(len.saturating_sub(1))
                    }
                    Some(Action::PageUp) => self.selected = self.selected.saturating_sub(8),
                    Some(Action::PageDown) => {
                        self.selected = (self.selected + 8).min(len.saturating_sub(1))
                    }
                    Some(Action::Select) => {
                        if let Some(p) = self.selected_item() {
                            return PlansMsg::Take(p.code.clone());
                        }
                    }
                    _ => {}
                }
            }
            View::Overview => {
                let len = self.cancellable().len();
                match list {
                    Some(Action::Up) => self.service = self.service.saturating_sub(1),
                    Some(Action::Down) => {
                        self.service = (self.service + 1).min(len.saturating_sub(1))
                    }
                    _ => {}
                }
            }
            View::History => {
                let len = self.data.as_ref().map(|d| d.history.len()).unwrap_or(0);
                match list {
                    Some(Action::Up) => self.hist_top = self.hist_top.saturating_sub(1),
                    Some(Action::Down) => {
                        self.hist_top = (self.hist_top + 1).min(len.saturating_sub(1))
                    }
                    Some(Action::PageUp) => self.hist_top = self.hist_top.saturating_sub(10),
                    Some(Action::PageDown) => {
                        self.hist_top = (self.hist_top + 10).min(len.saturating_sub(1))
                    }
                    _ => {}
                }
            }
        }
        PlansMsg::Nothing
    }

    /// Esc: back to the overview.
    pub fn back(&mut self) {
        self.view = View::Overview;
    }
}

/// A plan, pack or service's name in the language.
pub fn name(p: &PlanAsset, lang: Lang) -> &str {
    lang.pick(&p.name_zh, &p.name_en)
}

/// The catalogue name for `code`, or the code itself when the catalogue does not have it.
pub fn name_or_code(catalog: &[PlanAsset], code: &str, lang: Lang) -> String {
    catalog
        .iter()
        .find(|c| c.code == code)
        .map(|c| name(c, lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Data in MB as `10GB` or `500MB`.
pub fn data_text(mb: i64) -> String {
    if mb >= 1024 && mb % 1024 == 0 {
        format!("{}GB", mb / 1024)
    } else {
        format!("{mb}MB")
    }
}

/// What a plan or pack includes: `200 min · 10GB · 50 SMS`.
pub fn contents(p: &PlanAsset, lang: Lang) -> String {
    let mut parts = Vec::new();
    if p.minutes > 0 {
        parts.push(format!("{} {}", p.minutes, t(lang, "plans.unit.min")));
    }
    if p.data_mb > 0 {
        parts.push(data_text(p.data_mb));
    }
    if p.sms > 0 {
        parts.push(format!("{} {}", p.sms, t(lang, "plans.unit.sms")));
    }
    parts.join(" · ")
}

fn short_time(stored: &str) -> String {
    clock::local_stamp(stored, "%m-%d %H:%M")
}

fn kind_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "plan" => t(lang, "plans.kind.plan"),
        "pack" => t(lang, "plans.kind.pack"),
        _ => t(lang, "plans.kind.vas"),
    }
}

/// The comparison of the current plan and a candidate: (label, current, candidate) rows.
pub fn comparison(cur: &PlanAsset, cand: &PlanAsset, lang: Lang) -> Vec<(String, String, String)> {
    let money = |f: i64| Fen(f).to_string();
    vec![
        (
            t(lang, "plans.cmp.fee").to_string(),
            money(cur.fee_fen),
            money(cand.fee_fen),
        ),
        (
            t(lang, "plans.cmp.minutes").to_string(),
            cur.minutes.to_string(),
            cand.minutes.to_string(),
        ),
        (
            t(lang, "plans.cmp.data").to_string(),
            data_text(cur.data_mb),
            data_text(cand.data_mb),
        ),
        (
            t(lang, "plans.cmp.sms").to_string(),
            cur.sms.to_string(),
            cand.sms.to_string(),
        ),
        (
            t(lang, "plans.cmp.voice_over").to_string(),
            money(cur.overage_voice_fen),
            money(cand.overage_voice_fen),
        ),
        (
            t(lang, "plans.cmp.data_over").to_string(),
            money(cur.overage_data_fen_per_mb),
            money(cand.overage_data_fen_per_mb),
        ),
    ]
}

/// Draws the tab.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.plans;
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
    let Some(d) = tab.data.as_ref().filter(|_| verified) else {
        verify_first(f, body, lang, app.customer.is_some(), "plans.verify_first");
        return;
    };
    match tab.view {
        View::Overview => draw_overview(app, d, f, body, lang),
        View::Catalog => draw_catalog(app, d, f, body, lang),
        View::History => draw_history(app, d, f, body, lang),
    }
}

fn block(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .title(Span::styled(format!(" {title} "), theme::title()))
}

fn label_line<'a>(label: &str, value: String, lw: usize, width: usize) -> Line<'a> {
    Line::from(vec![
        Span::styled(pad(label, lw), theme::label()),
        Span::raw(fit(&value, width.saturating_sub(lw))),
    ])
}

fn draw_overview(app: &App, d: &BusinessView, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let tab = &app.plans;
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
        .split(area);
    let left = block(t(lang, "plans.current"));
    let inner = left.inner(cols[0]);
    f.render_widget(left, cols[0]);
    let w = inner.width as usize;
    let lw = 7;
    let mut lines: Vec<Line<'_>> = Vec::new();
    lines.push(Line::from(Span::styled(
        fit(
            &format!(
                "{} {}  {}{}",
                d.plan.code,
                name(&d.plan, lang),
                Fen(d.plan.fee_fen),
                t(lang, "plans.per_month")
            ),
            w,
        ),
        theme::key(),
    )));
    let extra = |base: i64, more: i64, text: &dyn Fn(i64) -> String| {
        if more > 0 {
            format!("{} (+{})", text(base + more), text(more))
        } else {
            text(base)
        }
    };
    let minutes = |n: i64| format!("{n} {}", t(lang, "plans.unit.min"));
    let sms = |n: i64| format!("{n} {}", t(lang, "plans.unit.sms"));
    lines.push(label_line(
        t(lang, "plans.allowance"),
        format!(
            "{} · {} · {}",
            extra(d.plan.minutes, d.extra.minutes, &minutes),
            extra(d.plan.data_mb, d.extra.data_mb, &data_text),
            extra(d.plan.sms, d.extra.sms, &sms)
        ),
        lw,
        w,
    ));
    let pending = match &d.pending {
        Some(p) => format!(
            "→ {} {} {}",
            p.to_plan,
            p.effective_from,
            t(lang, "plans.takes_effect")
        ),
        None => t(lang, "plans.none").to_string(),
    };
    lines.push(label_line(t(lang, "plans.pending"), pending, lw, w));
    let month_packs: Vec<String> = d
        .packs
        .iter()
        .filter(|p| p.valid_until >= d.today)
        .map(|p| {
            let n = name_or_code(&d.catalog, &p.code, lang);
            format!("{n} ≤{}", &p.valid_until[5..])
        })
        .collect();
    lines.push(label_line(
        t(lang, "plans.packs"),
        if month_packs.is_empty() {
            t(lang, "plans.none").to_string()
        } else {
            month_packs.join("; ")
        },
        lw,
        w,
    ));
    lines.push(Line::from(Span::styled(
        fit(t(lang, "plans.services"), w),
        theme::label(),
    )));
    let running: Vec<&crate::service::plans::SubscriptionView> =
        d.subscriptions.iter().filter(|s| s.running).collect();
    if running.is_empty() {
        lines.push(Line::from(format!(" {}", t(lang, "plans.none"))));
    }
    let cancellable = tab.cancellable();
    for s in running {
        let n = name_or_code(&d.catalog, &s.sub.code, lang);
        let when = match (&s.sub.ends_on, s.remaining_days) {
            (Some(e), Some(left)) => format!(
                "{} {} · {left}{}",
                t(lang, "plans.until"),
                e.get(5..).unwrap_or(e),
                t(lang, "plans.days_left")
            ),
            _ => format!("{} {}", t(lang, "plans.since"), s.sub.started_on),
        };
        let text = format!(
            " {} {} {}",
            pad(&fit(&n, 14), 14),
            pad(&Fen(s.fee_fen).to_string(), 7),
            when
        );
        let is_sel = cancellable
            .get(tab.service)
            .is_some_and(|c| c.sub.id == s.sub.id);
        let style = if is_sel {
            theme::selected()
        } else if s.sub.ends_on.is_some() {
            theme::muted()
        } else {
            ratatui::style::Style::default()
        };
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        fit(t(lang, "plans.overview_keys"), w),
        theme::muted(),
    )));
    f.render_widget(Paragraph::new(lines), inner);

    let right = block(t(lang, "plans.for_you"));
    let inner = right.inner(cols[1]);
    f.render_widget(right, cols[1]);
    let w = inner.width as usize;
    let mut lines: Vec<Line<'_>> = Vec::new();
    for r in d.recommendations.iter().take(3) {
        let fee = d
            .catalog
            .iter()
            .find(|c| c.code == r.code)
            .map(|c| Fen(c.fee_fen).to_string())
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled("• ", theme::key()),
            Span::raw(fit(
                &format!("{} {fee}", lang.pick(&r.title_zh, &r.title_en)),
                w.saturating_sub(2),
            )),
        ]));
        for l in wrap(lang.pick(&r.why_zh, &r.why_en), w.saturating_sub(2))
            .into_iter()
            .take(1)
        {
            lines.push(Line::from(Span::styled(format!("  {l}"), theme::muted())));
        }
    }
    lines.push(Line::from(Span::styled(
        fit(t(lang, "plans.advice"), w),
        theme::label(),
    )));
    match &tab.advice {
        Some(a) => {
            for l in crate::tui::tabs::bills::advice_text(a, lang) {
                for part in wrap(&l, w) {
                    lines.push(Line::from(part));
                }
            }
        }
        None => lines.push(Line::from(Span::styled(
            fit(t(lang, "plans.no_advice"), w),
            theme::muted(),
        ))),
    }
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_catalog(app: &App, d: &BusinessView, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let tab = &app.plans;
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Percentage(50), Constraint::Percentage(50)])
        .split(area);
    let left = block(t(lang, "plans.catalog"));
    let inner = left.inner(cols[0]);
    f.render_widget(left, cols[0]);
    let w = inner.width as usize;
    let h = inner.height as usize;
    let top = tab.selected.saturating_sub(h.saturating_sub(1));
    let lines: Vec<Line<'_>> = d
        .catalog
        .iter()
        .enumerate()
        .skip(top)
        .take(h)
        .map(|(i, p)| {
            let current = p.code == d.plan.code;
            let mark = if current { "●" } else { " " };
            let text = format!(
                "{mark}{} {} {}",
                pad(kind_label(&p.kind, lang), 4),
                pad(
                    &fit(name(p, lang), w.saturating_sub(15)),
                    w.saturating_sub(15)
                ),
                pad(&Fen(p.fee_fen).to_string(), 8)
            );
            let style = if i == tab.selected {
                theme::selected()
            } else {
                ratatui::style::Style::default()
            };
            Line::from(Span::styled(fit(&text, w), style))
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);

    let Some(cand) = tab.selected_item() else {
        return;
    };
    let right = block(if cand.kind == "plan" {
        t(lang, "plans.compare")
    } else {
        t(lang, "plans.detail")
    });
    let inner = right.inner(cols[1]);
    f.render_widget(right, cols[1]);
    let w = inner.width as usize;
    let mut lines: Vec<Line<'_>> = Vec::new();
    if cand.kind == "plan" {
        let lw = 9;
        let cw = (w.saturating_sub(lw)) / 2;
        lines.push(Line::from(vec![
            Span::raw(pad("", lw)),
            Span::styled(pad(&fit(&d.plan.code, cw), cw), theme::label()),
            Span::styled(pad(&fit(&cand.code, cw), cw), theme::key()),
        ]));
        for (label, a, b) in comparison(&d.plan, cand, lang) {
            let style = if a == b {
                ratatui::style::Style::default()
            } else {
                theme::key()
            };
            lines.push(Line::from(vec![
                Span::styled(pad(&fit(&label, lw), lw), theme::label()),
                Span::raw(pad(&fit(&a, cw), cw)),
                Span::styled(pad(&fit(&b, cw), cw), style),
            ]));
        }
        lines.push(Line::from(""));
        let when = if cand.code == d.plan.code {
            t(lang, "plans.is_current").to_string()
        } else {
            format!(
                "{} {}",
                t(lang, "plans.effective_on"),
                crate::service::plans::next_first(app.svc.now())
            )
        };
        for l in wrap(&when, w) {
            lines.push(Line::from(Span::styled(l, theme::warn())));
        }
    } else {
        lines.push(Line::from(Span::styled(
            fit(name(cand, lang), w),
            theme::key(),
        )));
        let fee = if cand.kind == "pack" {
            format!("{} {}", Fen(cand.fee_fen), t(lang, "plans.charged_now"))
        } else {
            format!("{}{}", Fen(cand.fee_fen), t(lang, "plans.per_month"))
        };
        lines.push(Line::from(fit(&fee, w)));
        if cand.kind == "pack" {
            lines.push(Line::from(fit(&contents(cand, lang), w)));
            lines.push(Line::from(fit(t(lang, "plans.pack_validity"), w)));
        } else {
            lines.push(Line::from(fit(t(lang, "plans.vas_starts"), w)));
        }
        lines.push(Line::from(""));
        for l in wrap(lang.pick(&cand.description_zh, &cand.description_en), w) {
            lines.push(Line::from(Span::styled(l, theme::muted())));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        fit(t(lang, "plans.catalog_keys"), w),
        theme::muted(),
    )));
    f.render_widget(Paragraph::new(lines), inner);
}

fn draw_history(app: &App, d: &BusinessView, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let b = block(t(lang, "plans.view.history"));
    let inner = b.inner(area);
    f.render_widget(b, area);
    let w = inner.width as usize;
    let mut lines: Vec<Line<'_>> = vec![Line::from(Span::styled(
        fit(
            &format!(
                "{} {} {} {} {} {}",
                pad(t(lang, "plans.col.at"), 11),
                pad(t(lang, "plans.col.what"), 10),
                pad(t(lang, "plans.col.code"), 16),
                pad(t(lang, "plans.col.date"), 10),
                pad(t(lang, "plans.col.fee"), 8),
                t(lang, "plans.col.staff")
            ),
            w,
        ),
        theme::label(),
    ))];
    if d.history.is_empty() {
        lines.push(Line::from(Span::styled(
            t(lang, "plans.no_history"),
            theme::muted(),
        )));
    }
    // Only the rows that fit under the header line are formatted.
    let visible_rows = (inner.height as usize).saturating_sub(1);
    for h in d.history.iter().skip(app.plans.hist_top).take(visible_rows) {
        let what = t(lang, &format!("plans.what.{}", h.kind));
        lines.push(Line::from(fit(
            &format!(
                "{} {} {} {} {} {}",
                pad(&short_time(&h.at), 11),
                pad(&fit(what, 10), 10),
                pad(&fit(&h.code, 16), 16),
                pad(h.date.as_deref().unwrap_or(""), 10),
                pad(&Fen(h.fee_fen).to_string(), 8),
                h.staff_id.as_deref().unwrap_or("")
            ),
            w,
        )));
    }
    f.render_widget(Paragraph::new(lines), inner);
}
