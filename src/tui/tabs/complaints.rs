//! The Complaints tab (投诉与客服): queue views (mine, unassigned, overdue, all, by status, the
//! customer's own), filter, ticket detail with its timeline, and the actions on a ticket.
//! Tickets near their due time or past it stand out in every view.

use crate::domain::ticket::{SlaClock, SlaState, TicketStatus, short_duration};
use crate::domain::{Fen, Lang, clock};
use crate::service::complaints::{CategoryRating, QueueView, RecordView, TicketDetail, TicketView};
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::theme;
use crate::tui::widgets::{fit, input::Field, pad, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

/// A queue view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Open tickets assigned to me.
    Mine,
    /// Open tickets nobody has taken.
    Unassigned,
    /// Open tickets past a target.
    Overdue,
    /// Every ticket.
    All,
    /// Tickets in one status.
    Status(TicketStatus),
    /// The customer taken up: their tickets and service records.
    Customer,
}

/// The views, in the order ←→ walks them.
pub const VIEWS: [View; 10] = [
    View::Mine,
    View::Unassigned,
    View::Overdue,
    View::All,
    View::Status(TicketStatus::New),
    View::Status(TicketStatus::InProgress),
    View::Status(TicketStatus::WaitingCustomer),
    View::Status(TicketStatus::Resolved),
    View::Status(TicketStatus::Closed),
    View::Customer,
];

impl View {
    /// The view's name on the strip.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            View::Mine => t(lang, "complaints.view.mine"),
            View::Unassigned => t(lang, "complaints.view.unassigned"),
            View::Overdue => t(lang, "complaints.view.overdue"),
            View::All => t(lang, "complaints.view.all"),
            View::Status(TicketStatus::New) => t(lang, "complaints.view.new"),
            View::Status(TicketStatus::InProgress) => t(lang, "complaints.view.in_progress"),
            View::Status(TicketStatus::WaitingCustomer) => t(lang, "complaints.view.waiting"),
            View::Status(TicketStatus::Resolved) => t(lang, "complaints.view.resolved"),
            View::Status(TicketStatus::Closed) => t(lang, "complaints.view.closed"),
            View::Customer => t(lang, "complaints.view.customer"),
        }
    }

    /// The service's queue view and status filter for this view.
    pub fn query(self) -> (QueueView, Option<TicketStatus>) {
        match self {
            View::Mine => (QueueView::Mine, None),
            View::Unassigned => (QueueView::Unassigned, None),
            View::Overdue => (QueueView::Overdue, None),
            View::All | View::Customer => (QueueView::All, None),
            View::Status(s) => (QueueView::All, Some(s)),
        }
    }
}

/// What the tab holds.
#[derive(Debug, Clone, Default)]
pub struct ComplaintsTab {
    /// Index into [`VIEWS`].
    pub view: usize,
    /// The tickets of the view, most urgent first.
    pub tickets: Vec<TicketView>,
    /// Average satisfaction per category.
    pub satisfaction: Vec<CategoryRating>,
    /// The customer's service records (customer view).
    pub records: Vec<RecordView>,
    /// Filter text.
    pub filter: Field,
    /// Typing goes to the filter.
    pub filtering: bool,
    /// Selected line.
    pub selected: usize,
    /// The ticket shown in detail.
    pub detail: Option<TicketDetail>,
    /// Lines the detail's timeline is scrolled.
    pub scroll: u16,
}

/// What the tab asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintsMsg {
    /// Nothing.
    Nothing,
    /// The view or filter changed: load the list again.
    Reload,
    /// Show this ticket.
    Open(i64),
    /// Open the new-ticket form.
    NewTicket,
    /// An action on a ticket.
    Act(i64, Action),
}

impl ComplaintsTab {
    /// The current view.
    pub fn current(&self) -> View {
        VIEWS[self.view % VIEWS.len()]
    }

    /// True while typing in the filter.
    pub fn is_typing(&self) -> bool {
        self.filtering
    }

    /// The ticket actions apply to: the one in detail, else the selected line.
    pub fn target(&self) -> Option<i64> {
        match &self.detail {
            Some(d) => Some(d.ticket.id),
            None => self
                .tickets
                .get(self.selected.min(self.tickets.len().saturating_sub(1)))
                .map(|t| t.id),
        }
    }

    /// Backs out: detail → list, then clears the filter. True when something changed.
    pub fn back(&mut self) -> bool {
        if self.detail.take().is_some() {
            self.scroll = 0;
            return false;
        }
        if !self.filter.value().is_empty() {
            self.filter.clear();
            return true;
        }
        false
    }

    /// Handles a key the global keymap did not take.
    pub fn key(&mut self, ev: KeyEvent, keymap: &Keymap) -> ComplaintsMsg {
        if self.filtering {
            match ev.code {
                KeyCode::Enter | KeyCode::Esc => self.filtering = false,
                _ => {
                    if self.filter.key(ev) {
                        self.selected = 0;
                        return ComplaintsMsg::Reload;
                    }
                }
            }
            return ComplaintsMsg::Nothing;
        }
        let len = self.tickets.len();
        match keymap.action("list", &ev) {
            Some(Action::Up) if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_sub(1)
            }
            Some(Action::Down) if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_add(1)
            }
            Some(Action::PageUp) if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_sub(10)
            }
            Some(Action::PageDown) if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_add(10)
            }
            Some(Action::Up) => self.selected = self.selected.saturating_sub(1),
            Some(Action::Down) => self.selected = (self.selected + 1).min(len.saturating_sub(1)),
            Some(Action::PageUp) => self.selected = self.selected.saturating_sub(10),
            Some(Action::PageDown) => {
                self.selected = (self.selected + 10).min(len.saturating_sub(1))
            }
            Some(Action::Select) if self.detail.is_none() => {
                if let Some(id) = self.target() {
                    return ComplaintsMsg::Open(id);
                }
            }
            _ => match keymap.action("complaints", &ev) {
                Some(Action::NextView) if self.detail.is_none() => {
                    self.view = (self.view + 1) % VIEWS.len();
                    self.selected = 0;
                    return ComplaintsMsg::Reload;
                }
                Some(Action::PrevView) if self.detail.is_none() => {
                    self.view = (self.view + VIEWS.len() - 1) % VIEWS.len();
                    self.selected = 0;
                    return ComplaintsMsg::Reload;
                }
                Some(Action::TicketFilter) if self.detail.is_none() => self.filtering = true,
                Some(Action::NewTicket) => return ComplaintsMsg::NewTicket,
                Some(
                    a @ (Action::Reply
                    | Action::Note
                    | Action::Assign
                    | Action::Start
                    | Action::Wait
                    | Action::Resolve
                    | Action::CloseTicket
                    | Action::Approve),
                ) => {
                    if let Some(id) = self.target() {
                        return ComplaintsMsg::Act(id, a);
                    }
                }
                _ => {}
            },
        }
        ComplaintsMsg::Nothing
    }
}

/// A status name short enough for the queue's column.
pub fn status_short(s: TicketStatus, lang: Lang) -> &'static str {
    View::Status(s).label(lang)
}

fn sla_style(state: SlaState) -> Style {
    match state {
        SlaState::Overdue => theme::error(),
        SlaState::NearDue => theme::warn(),
        SlaState::Paused => theme::muted(),
        _ => Style::new(),
    }
}

/// The SLA cell of a ticket: what is due next and how it stands.
pub fn sla_cell(tk: &TicketView, lang: Lang) -> (String, Style) {
    if !tk.status.is_open() {
        let st = tk.sla.resolution.state;
        return (st.label(lang).to_string(), theme::muted());
    }
    let c = tk.sla.next();
    let left = short_duration(c.remaining_secs, lang);
    let text = match c.state {
        SlaState::Overdue => format!("{} {left}", t(lang, "complaints.overdue_by")),
        SlaState::Paused => format!("{} {left}", t(lang, "complaints.paused")),
        _ => format!("{} {left}", t(lang, "complaints.left")),
    };
    (text, sla_style(tk.attention()))
}

/// Draws the tab body.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let tab = &app.complaints;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(3),
            Constraint::Min(5),
            Constraint::Length(1),
        ])
        .split(area);
    let keys = match &tab.detail {
        Some(d) => {
            draw_detail(d, f, rows[0].union(rows[1]), lang, tab.scroll);
            t(lang, "complaints.detail_keys")
        }
        None => {
            draw_header(app, f, rows[0], lang);
            if tab.current() == View::Customer {
                draw_customer(app, f, rows[1], lang);
            } else {
                draw_list(tab, f, rows[1], lang, None);
            }
            t(lang, "complaints.keys")
        }
    };
    f.render_widget(
        Paragraph::new(Span::styled(fit(keys, area.width as usize), theme::muted())),
        rows[2],
    );
}

fn draw_header(app: &App, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let tab = &app.complaints;
    let width = area.width as usize;
    let mut views = Vec::new();
    let mut used = 0;
    for (i, v) in VIEWS.iter().enumerate() {
        let text = format!(" {}", v.label(lang));
        used += text.width();
        if used > width {
            break;
        }
        let style = if i == tab.view % VIEWS.len() {
            theme::selected()
        } else {
            theme::label()
        };
        views.push(Span::styled(text, style));
    }
    let sat = if tab.satisfaction.is_empty() {
        t(lang, "complaints.no_ratings").to_string()
    } else {
        tab.satisfaction
            .iter()
            .map(|r| format!("{} {:.1}", r.category.short(lang), r.average))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let sat_label = format!("{} ", t(lang, "complaints.satisfaction"));
    let sat_line = Line::from(vec![
        Span::styled(sat_label.clone(), theme::label()),
        Span::raw(fit(&sat, width.saturating_sub(sat_label.width()))),
    ]);
    let overdue = tab
        .tickets
        .iter()
        .filter(|x| x.attention() == SlaState::Overdue)
        .count();
    let near = tab
        .tickets
        .iter()
        .filter(|x| x.attention() == SlaState::NearDue)
        .count();
    let filter_label = format!("{}: ", t(lang, "complaints.filter"));
    let counts = format!(
        "{} {} · {} {overdue} · {} {near}",
        tab.tickets.len(),
        t(lang, "complaints.count"),
        t(lang, "complaints.count_overdue"),
        t(lang, "complaints.count_near")
    );
    let room = width.saturating_sub(filter_label.width() + counts.width() + 1);
    let typed = fit(tab.filter.value(), room);
    let gap = room.saturating_sub(typed.width());
    let filter_line = Line::from(vec![
        Span::styled(filter_label.clone(), theme::label()),
        Span::raw(typed),
        Span::raw(" ".repeat(gap + 1)),
        Span::styled(
            counts,
            if overdue > 0 {
                theme::error()
            } else if near > 0 {
                theme::warn()
            } else {
                theme::muted()
            },
        ),
    ]);
    f.render_widget(
        Paragraph::new(vec![Line::from(views), sat_line, filter_line]),
        area,
    );
    if tab.filtering {
        let x = area.x + filter_label.width() as u16;
        let field = Rect::new(x, area.y + 2, (room as u16).max(1), 1);
        tab.filter.draw(f, field, theme::key(), true);
    }
}

fn draw_list(tab: &ComplaintsTab, f: &mut Frame<'_>, area: Rect, lang: Lang, title: Option<&str>) {
    let mut block = Block::default().borders(Borders::ALL);
    if let Some(title) = title {
        block = block.title(format!(" {title} "));
    }
    if tab.tickets.is_empty() {
        f.render_widget(
            Paragraph::new(t(lang, "complaints.none"))
                .style(theme::muted())
                .block(block),
            area,
        );
        return;
    }
    let cat_w = area
        .width
        .saturating_sub(2 + 5 + 9 + 5 + 12 + 7 + 14 + 2 + 8) as usize;
    let rows = tab.tickets.iter().map(|tk| {
        let (sla, sla_st) = sla_cell(tk, lang);
        let flag = if tk.stale_dispute { "⚠" } else { "" };
        let row_style = match tk.attention() {
            SlaState::Overdue => theme::error(),
            SlaState::NearDue => theme::warn(),
            _ if !tk.status.is_open() => theme::muted(),
            _ => Style::new(),
        };
        Row::new(vec![
            Cell::from(tk.id.to_string()),
            Cell::from(fit(status_short(tk.status, lang), 8)),
            Cell::from(tk.priority.label(lang)),
            Cell::from(fit(tk.category.short(lang), cat_w.max(4))),
            Cell::from(tk.phone_masked.clone()),
            Cell::from(fit(tk.assignee.as_deref().unwrap_or("-"), 6)),
            Cell::from(Span::styled(fit(&sla, 14), sla_st)),
            Cell::from(Span::styled(flag, theme::warn())),
        ])
        .style(row_style)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(4),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Fill(1),
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(14),
            Constraint::Length(1),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "complaints.col.id"),
            t(lang, "complaints.col.status"),
            t(lang, "complaints.col.priority"),
            t(lang, "complaints.col.category"),
            t(lang, "complaints.col.phone"),
            t(lang, "complaints.col.assignee"),
            t(lang, "complaints.col.sla"),
            "",
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let mut state =
        TableState::default().with_selected(Some(tab.selected.min(tab.tickets.len() - 1)));
    f.render_stateful_widget(table, area, &mut state);
}

fn short_time(stored: &str) -> String {
    clock::local_stamp(stored, "%m-%d %H:%M")
}

fn draw_customer(app: &App, f: &mut Frame<'_>, area: Rect, lang: Lang) {
    let tab = &app.complaints;
    let Some(c) = &app.customer else {
        f.render_widget(
            Paragraph::new(t(lang, "complaints.take_up"))
                .style(theme::muted())
                .block(Block::default().borders(Borders::ALL)),
            area,
        );
        return;
    };
    let halves = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Percentage(55), Constraint::Percentage(45)])
        .split(area);
    let title = format!(
        "{} · {} {}",
        t(lang, "complaints.customer_tickets"),
        c.view.phone_display(),
        c.view.name
    );
    draw_list(tab, f, halves[0], lang, Some(&title));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "complaints.records")));
    let inner_w = halves[1].width.saturating_sub(2) as usize;
    let lines: Vec<Line<'static>> = if tab.records.is_empty() {
        vec![Line::from(Span::styled(
            t(lang, "complaints.no_records"),
            theme::muted(),
        ))]
    } else {
        tab.records
            .iter()
            .map(|r| {
                let head = format!(
                    "{} {} {} ",
                    short_time(&r.created_at),
                    pad(r.kind.label(lang), 11),
                    pad(r.category.short(lang), 10)
                );
                let ticket = r.ticket_id.map(|x| format!("#{x} ")).unwrap_or_default();
                let rest = inner_w.saturating_sub(head.width() + ticket.width());
                Line::from(vec![
                    Span::styled(head, theme::label()),
                    Span::styled(ticket, theme::key()),
                    Span::raw(fit(&r.notes, rest)),
                ])
            })
            .collect()
    };
    f.render_widget(Paragraph::new(lines).block(block), halves[1]);
}

fn clock_line(c: &SlaClock, lang: Lang) -> (String, Style) {
    let left = short_duration(c.remaining_secs, lang);
    let text = match (c.state, c.done_at, c.due) {
        (SlaState::Met | SlaState::Breached, Some(done), _) => {
            format!(
                "{} {}",
                c.state.label(lang),
                clock::local(done).format("%m-%d %H:%M")
            )
        }
        (SlaState::Paused, _, _) => format!(
            "{} · {} {left}",
            c.state.label(lang),
            t(lang, "complaints.left")
        ),
        (SlaState::Overdue, _, _) => format!("{} {left}", t(lang, "complaints.overdue_by")),
        (_, _, Some(due)) => format!(
            "{} ({}{left})",
            clock::local(due).format("%m-%d %H:%M"),
            lang.pick("剩", "")
        ),
        _ => c.state.label(lang).to_string(),
    };
    (text, sla_style(c.state))
}

fn draw_detail(d: &TicketDetail, f: &mut Frame<'_>, area: Rect, lang: Lang, scroll: u16) {
    let tk = &d.ticket;
    let cols = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Length(38), Constraint::Min(20)])
        .split(area);
    let keys = [
        "complaints.f.status",
        "complaints.f.priority",
        "complaints.f.category",
        "complaints.f.channel",
        "complaints.f.customer",
        "complaints.f.assignee",
        "complaints.f.opened",
        "complaints.f.first_response",
        "complaints.f.resolution",
        "complaints.f.month",
        "complaints.f.compensation",
        "complaints.f.rating",
    ];
    let label_w = keys.iter().map(|k| t(lang, k).width()).max().unwrap_or(0) + 1;
    let inner_w = cols[0].width.saturating_sub(2) as usize;
    let value_w = inner_w.saturating_sub(label_w);
    let kv = |k: &str, v: String, style: Style| -> Vec<Line<'static>> {
        wrap(&v, value_w)
            .into_iter()
            .enumerate()
            .map(|(i, part)| {
                let key = if i == 0 {
                    pad(t(lang, k), label_w)
                } else {
                    " ".repeat(label_w)
                };
                Line::from(vec![
                    Span::styled(key, theme::label()),
                    Span::styled(part, style),
                ])
            })
            .collect()
    };
    let status_style = match tk.attention() {
        SlaState::Overdue => theme::error(),
        SlaState::NearDue => theme::warn(),
        _ => theme::ok(),
    };
    let mut lines = Vec::new();
    lines.extend(kv(
        "complaints.f.status",
        tk.status.label(lang).to_string(),
        status_style,
    ));
    lines.extend(kv(
        "complaints.f.priority",
        tk.priority.label(lang).to_string(),
        Style::new(),
    ));
    lines.extend(kv(
        "complaints.f.category",
        tk.category.label(lang).to_string(),
        Style::new(),
    ));
    lines.extend(kv(
        "complaints.f.channel",
        tk.channel.label(lang).to_string(),
        Style::new(),
    ));
    lines.extend(kv(
        "complaints.f.customer",
        format!("{} {}", tk.phone_masked, tk.customer_name),
        Style::new(),
    ));
    lines.extend(kv(
        "complaints.f.assignee",
        tk.assignee
            .clone()
            .unwrap_or_else(|| t(lang, "complaints.unassigned").into()),
        Style::new(),
    ));
    lines.extend(kv(
        "complaints.f.opened",
        short_time(&tk.opened_at),
        Style::new(),
    ));
    if tk.status.is_open() || tk.sla.first_response.done_at.is_some() {
        let (text, style) = clock_line(&tk.sla.first_response, lang);
        lines.extend(kv("complaints.f.first_response", text, style));
    }
    let (text, style) = clock_line(&tk.sla.resolution, lang);
    lines.extend(kv("complaints.f.resolution", text, style));
    if let Some(m) = &tk.disputed_month {
        let (text, style) = if tk.stale_dispute {
            (
                format!("{m} ⚠ {}", t(lang, "complaints.stale")),
                theme::warn(),
            )
        } else {
            (m.clone(), Style::new())
        };
        lines.extend(kv("complaints.f.month", text, style));
    }
    if let Some(fen) = tk.compensation_fen {
        let st = tk.compensation_status.as_deref().unwrap_or("");
        let (word, style) = match st {
            "approved" => (t(lang, "complaints.comp.approved"), theme::ok()),
            "declined" => (t(lang, "complaints.comp.declined"), theme::muted()),
            _ => (t(lang, "complaints.comp.proposed"), theme::warn()),
        };
        lines.extend(kv(
            "complaints.f.compensation",
            format!("{} {word}", Fen(fen)),
            style,
        ));
    }
    if let Some(r) = tk.rating {
        lines.extend(kv(
            "complaints.f.rating",
            format!(
                "{} {}/5 {}",
                "★".repeat(r as usize),
                r,
                tk.rating_comment.clone().unwrap_or_default()
            ),
            Style::new(),
        ));
    }
    let title = format!(" {} #{} ", t(lang, "complaints.ticket"), tk.id);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        cols[0],
    );
    // Right: what the customer said, the resolution, then the timeline.
    let w = cols[1].width.saturating_sub(2) as usize;
    let mut right: Vec<Line<'static>> = Vec::new();
    for part in wrap(&tk.description, w) {
        right.push(Line::from(part));
    }
    if let Some(res) = &tk.resolution {
        right.push(Line::from(Span::styled(
            t(lang, "complaints.resolution"),
            theme::label(),
        )));
        for part in wrap(res, w) {
            right.push(Line::from(Span::styled(part, theme::ok())));
        }
    }
    right.push(Line::from(Span::styled(
        format!("── {} ──", t(lang, "complaints.timeline")),
        theme::label(),
    )));
    for e in &d.timeline {
        let what = match e.kind.as_str() {
            "state" => format!(
                "{} → {}",
                e.from_status
                    .as_deref()
                    .and_then(|s| TicketStatus::parse(s).ok())
                    .map(|s| s.label(lang))
                    .unwrap_or(""),
                e.to_status
                    .as_deref()
                    .and_then(|s| TicketStatus::parse(s).ok())
                    .map(|s| s.label(lang))
                    .unwrap_or("")
            ),
            "assign" => format!("{} → {}", t(lang, "complaints.event.assign"), e.text),
            "compensation" => format!(
                "{} · {}",
                t(lang, "complaints.event.compensation"),
                match e.to_status.as_deref() {
                    Some("approved") => t(lang, "complaints.comp.approved"),
                    Some("declined") => t(lang, "complaints.comp.declined"),
                    _ => t(lang, "complaints.comp.proposed"),
                }
            ),
            k => t(lang, &format!("complaints.event.{k}")).to_string(),
        };
        let style = match e.kind.as_str() {
            "reply" => theme::ok(),
            "note" => theme::warn(),
            "compensation" => theme::key(),
            _ => theme::label(),
        };
        let head = format!("{} {} {what}", short_time(&e.created_at), e.staff_id);
        right.push(Line::from(Span::styled(fit(&head, w), style)));
        let text = match e.kind.as_str() {
            "assign" => String::new(),
            _ => e.text.clone(),
        };
        if !text.trim().is_empty() {
            for part in wrap(&text, w.saturating_sub(2)) {
                right.push(Line::from(format!("  {part}")));
            }
        }
    }
    let title = format!(" {} ", t(lang, "complaints.description"));
    f.render_widget(
        Paragraph::new(right)
            .scroll((scroll, 0))
            .block(Block::default().borders(Borders::ALL).title(title)),
        cols[1],
    );
}
