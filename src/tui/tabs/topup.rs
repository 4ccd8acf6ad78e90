//! The Top-up tab (快捷充值): number, preset or custom amount, channel, the promotion and
//! what is paid and credited, then one confirmation; below, pending and recent payments.

use crate::domain::topup::{Channel, PaymentStatus, Quote};
use crate::domain::{Fen, Lang, clock};
use crate::service::topup::{TopUpRecord, TopUpTarget};
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::theme;
use crate::tui::widgets::{fit, input::Field, pad};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};
use unicode_width::UnicodeWidthStr;

/// Which part of the form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// None: the global keys work (number keys switch tabs, q quits).
    Outside,
    /// The number field.
    Phone,
    /// Presets and the custom amount.
    Amount,
    /// The channel picker.
    Channel,
    /// The payments list.
    List,
}

/// The form and the list, with what was looked up for them.
#[derive(Debug, Clone)]
pub struct TopUpForm {
    /// Where the keys go.
    pub focus: Focus,
    /// The number as typed.
    pub phone: Field,
    /// Who the number is, or why it is not accepted; `None` while empty.
    pub target: Option<Result<TopUpTarget, String>>,
    /// The preset chosen; `None` when the custom amount is used.
    pub preset: Option<usize>,
    /// The custom amount as typed.
    pub custom: Field,
    /// Index into [`Channel::ALL`].
    pub channel: usize,
    /// What the amount comes to, or why it is not accepted; `None` while no amount is given.
    pub quote: Option<Result<Quote, String>>,
    /// Pending payments first, then recent ones.
    pub payments: Vec<TopUpRecord>,
    /// Highlighted payment.
    pub selected: usize,
}

impl Default for TopUpForm {
    fn default() -> Self {
        TopUpForm {
            focus: Focus::Outside,
            phone: Field::default(),
            target: None,
            preset: None,
            custom: Field::default(),
            channel: 0,
            quote: None,
            payments: Vec::new(),
            selected: 0,
        }
    }
}

/// What a key asks the app to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopUpMsg {
    /// Nothing more.
    Nothing,
    /// Look the number up again.
    PhoneChanged,
    /// Quote again (amount or channel changed).
    AmountChanged,
    /// Open the confirm dialog.
    Submit,
    /// Complete this pending payment.
    Complete(i64),
    /// Void this pending payment.
    Void(i64),
    /// Refund this approved payment.
    Refund(i64),
    /// Show this payment's receipt.
    Receipt(i64),
}

impl TopUpForm {
    /// The channel chosen.
    pub fn channel(&self) -> Channel {
        Channel::ALL[self.channel % Channel::ALL.len()]
    }

    /// True when something has been typed or chosen.
    pub fn is_dirty(&self) -> bool {
        !self.phone.value().is_empty() || !self.custom.value().is_empty() || self.preset.is_some()
    }

    /// Empties the form for the next payer (the channel stays).
    pub fn clear(&mut self) {
        self.phone.clear();
        self.custom.clear();
        self.preset = None;
        self.target = None;
        self.quote = None;
        self.focus = Focus::Phone;
    }

    fn order(&self) -> Vec<Focus> {
        let mut v = vec![Focus::Phone, Focus::Amount, Focus::Channel];
        if !self.payments.is_empty() {
            v.push(Focus::List);
        }
        v
    }

    fn move_focus(&mut self, down: bool) {
        let order = self.order();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
        let j = if down {
            (i + 1).min(order.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        self.focus = order[j];
    }

    /// Handles a key while the form has focus; `presets` is how many preset buttons there are.
    pub fn key(&mut self, k: KeyEvent, presets: usize) -> TopUpMsg {
        if self.focus == Focus::Outside {
            if matches!(k.code, KeyCode::Enter | KeyCode::Down) {
                self.focus = Focus::Phone;
            }
            return TopUpMsg::Nothing;
        }
        match k.code {
            KeyCode::Esc => {
                self.focus = Focus::Outside;
                return TopUpMsg::Nothing;
            }
            KeyCode::Up if self.focus == Focus::List && self.selected > 0 => {
                self.selected -= 1;
                return TopUpMsg::Nothing;
            }
            KeyCode::Down if self.focus == Focus::List => {
                if self.selected + 1 < self.payments.len() {
                    self.selected += 1;
                }
                return TopUpMsg::Nothing;
            }
            KeyCode::Up | KeyCode::Down => {
                self.move_focus(k.code == KeyCode::Down);
                return TopUpMsg::Nothing;
            }
            _ => {}
        }
        match self.focus {
            Focus::Outside => TopUpMsg::Nothing,
            Focus::Phone => match k.code {
                KeyCode::Enter => TopUpMsg::Submit,
                _ if self.phone.key(k) => TopUpMsg::PhoneChanged,
                _ => TopUpMsg::Nothing,
            },
            Focus::Amount => match k.code {
                KeyCode::Enter => TopUpMsg::Submit,
                KeyCode::Left | KeyCode::Right => {
                    // Presets, then the custom field, as one row of buttons.
                    let n = presets + 1;
                    let cur = self.preset.unwrap_or(presets);
                    let next = if k.code == KeyCode::Right {
                        (cur + 1) % n
                    } else {
                        (cur + n - 1) % n
                    };
                    self.preset = (next < presets).then_some(next);
                    TopUpMsg::AmountChanged
                }
                _ => {
                    let was_preset = self.preset.take().is_some();
                    if self.custom.key(k) || was_preset {
                        TopUpMsg::AmountChanged
                    } else {
                        TopUpMsg::Nothing
                    }
                }
            },
            Focus::Channel => match k.code {
                KeyCode::Enter => TopUpMsg::Submit,
                KeyCode::Left | KeyCode::Right => {
                    let n = Channel::ALL.len();
                    self.channel = if k.code == KeyCode::Right {
                        (self.channel + 1) % n
                    } else {
                        (self.channel + n - 1) % n
                    };
                    TopUpMsg::AmountChanged
                }
                _ => TopUpMsg::Nothing,
            },
            Focus::List => {
                let Some(p) = self.payments.get(self.selected) else {
                    return TopUpMsg::Nothing;
                };
                match k.code {
                    KeyCode::Enter => TopUpMsg::Receipt(p.id),
                    KeyCode::Char('c') => TopUpMsg::Complete(p.id),
                    KeyCode::Char('d') => TopUpMsg::Void(p.id),
                    KeyCode::Char('r') => TopUpMsg::Refund(p.id),
                    _ => TopUpMsg::Nothing,
                }
            }
        }
    }
}

fn label(lang: Lang, key: &str, focused: bool) -> Span<'static> {
    let style = if focused {
        theme::key()
    } else {
        theme::label()
    };
    Span::styled(pad(t(lang, key), 8), style)
}

/// Draws the tab body.
pub fn draw(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let form = &app.topup;
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([Constraint::Length(10), Constraint::Min(4)])
        .split(area);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", t(lang, "topup.title")));
    let inner = block.inner(rows[0]);
    f.render_widget(block, rows[0]);
    let line = |i: u16| Rect::new(inner.x, inner.y + i, inner.width, 1);
    let rules = app.service().topup_rules();
    let presets = rules.presets();

    // Number, and who it is.
    f.render_widget(
        Paragraph::new(label(lang, "topup.phone", form.focus == Focus::Phone)),
        line(0),
    );
    let field = Rect::new(
        inner.x + 8,
        inner.y,
        20.min(inner.width.saturating_sub(8)),
        1,
    );
    let field_style = if form.focus == Focus::Phone {
        theme::selected()
    } else {
        Style::new()
    };
    form.phone
        .draw(f, field, field_style, form.focus == Focus::Phone);
    let who = match &form.target {
        None => Line::from(Span::styled(t(lang, "topup.phone_hint"), theme::muted())),
        Some(Err(e)) => Line::from(Span::styled(e.clone(), theme::error())),
        Some(Ok(tg)) => {
            let status_style = match tg.status {
                crate::domain::customer::CustomerStatus::Active => theme::ok(),
                _ => theme::warn(),
            };
            Line::from(vec![
                Span::raw(format!(
                    "{} {} · {} · ",
                    tg.phone_masked,
                    tg.name_masked,
                    tg.brand_name(lang)
                )),
                Span::styled(tg.status.label(lang).to_string(), status_style),
                Span::raw(format!(
                    " · {} {}",
                    t(lang, "bar.balance"),
                    Fen(tg.balance_fen)
                )),
            ])
        }
    };
    let who_area = Rect::new(inner.x + 8, inner.y + 1, inner.width.saturating_sub(8), 1);
    f.render_widget(Paragraph::new(who), who_area);

    // Amount: preset buttons and the custom field.
    let mut spans = vec![label(lang, "topup.amount", form.focus == Focus::Amount)];
    for (i, p) in presets.iter().enumerate() {
        let text = format!(" ¥{} ", p.floor_yuan());
        let style = if form.preset == Some(i) {
            theme::selected()
        } else {
            Style::new()
        };
        spans.push(Span::styled(text, style));
    }
    let custom_label = format!(" {} ", t(lang, "topup.custom"));
    let custom_style = if form.preset.is_none() && !form.custom.value().is_empty() {
        theme::selected()
    } else {
        theme::label()
    };
    spans.push(Span::styled(custom_label.clone(), custom_style));
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    f.render_widget(Paragraph::new(Line::from(spans)), line(2));
    let cx = inner.x + used as u16;
    let custom_area = Rect::new(
        cx,
        inner.y + 2,
        10.min(inner.width.saturating_sub(used as u16)),
        1,
    );
    let custom_focused = form.focus == Focus::Amount && form.preset.is_none();
    form.custom.draw(
        f,
        custom_area,
        if custom_focused {
            theme::selected()
        } else {
            theme::muted().add_modifier(ratatui::style::Modifier::UNDERLINED)
        },
        custom_focused,
    );
    let range = format!(
        "{} {}–{}",
        t(lang, "topup.custom_range"),
        Fen(rules.min_fen),
        Fen(rules.max_fen)
    );
    f.render_widget(
        Paragraph::new(Span::styled(range, theme::muted())),
        Rect::new(inner.x + 8, inner.y + 3, inner.width.saturating_sub(8), 1),
    );

    // Channel.
    let mut spans = vec![label(lang, "topup.channel", form.focus == Focus::Channel)];
    for (i, c) in Channel::ALL.iter().enumerate() {
        let mark = if i == form.channel { "●" } else { "○" };
        let style = if i == form.channel {
            if form.focus == Focus::Channel {
                theme::selected()
            } else {
                theme::ok()
            }
        } else {
            Style::new()
        };
        spans.push(Span::styled(format!(" {mark} {} ", c.label(lang)), style));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), line(4));

    // Promotion, paid and credited: shown before anything is confirmed.
    let (promo, money) = match &form.quote {
        None => (
            Line::from(vec![
                label(lang, "topup.promotion", false),
                Span::styled(t(lang, "topup.pick_amount"), theme::muted()),
            ]),
            Line::from(""),
        ),
        Some(Err(e)) => (
            Line::from(vec![
                label(lang, "topup.promotion", false),
                Span::styled(e.clone(), theme::error()),
            ]),
            Line::from(""),
        ),
        Some(Ok(q)) => {
            let name = q
                .promotion
                .as_ref()
                .map(|p| Span::styled(p.name(lang).to_string(), theme::warn()))
                .unwrap_or_else(|| Span::styled(t(lang, "topup.no_promotion"), theme::muted()));
            (
                Line::from(vec![label(lang, "topup.promotion", false), name]),
                Line::from(vec![
                    label(lang, "topup.paid", false),
                    Span::styled(pad(&q.paid.to_string(), 14), theme::ok()),
                    Span::styled(format!("{}  ", t(lang, "topup.credited")), theme::label()),
                    Span::styled(q.credited.to_string(), theme::ok()),
                ]),
            )
        }
    };
    f.render_widget(Paragraph::new(promo), line(5));
    f.render_widget(Paragraph::new(money), line(6));
    let hint = if form.focus == Focus::Outside {
        t(lang, "topup.start_hint")
    } else {
        t(lang, "topup.form_keys")
    };
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(hint, inner.width as usize),
            theme::muted(),
        )),
        line(7),
    );
    draw_payments(app, f, rows[1]);
}

fn draw_payments(app: &App, f: &mut Frame<'_>, area: Rect) {
    let lang = app.lang;
    let form = &app.topup;
    let title = format!(
        " {} · {} ",
        t(lang, "topup.payments"),
        t(lang, "topup.list_keys")
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(fit(&title, area.width.saturating_sub(2) as usize))
        .border_style(if form.focus == Focus::List {
            theme::popup_border()
        } else {
            Style::new()
        });
    if form.payments.is_empty() {
        f.render_widget(
            Paragraph::new(Span::styled(t(lang, "topup.no_payments"), theme::muted())).block(block),
            area,
        );
        return;
    }
    let rows = form.payments.iter().map(|p| {
        let style = match p.status {
            PaymentStatus::Pending => theme::warn(),
            PaymentStatus::Approved => Style::new(),
            _ => theme::muted(),
        };
        let time = clock::local_stamp(&p.created_at, "%m-%d %H:%M");
        Row::new(vec![
            Cell::from(p.serial.clone()),
            Cell::from(p.phone_masked.clone()),
            Cell::from(p.channel.label(lang)),
            Cell::from(Fen(p.credited_fen).to_string()),
            Cell::from(p.status.label(lang)),
            Cell::from(time),
        ])
        .style(style)
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(17),
            Constraint::Length(11),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(8),
            Constraint::Fill(1),
        ],
    )
    .header(
        Row::new(vec![
            t(lang, "col.serial"),
            t(lang, "col.phone"),
            t(lang, "col.channel"),
            t(lang, "col.credited"),
            t(lang, "col.pay_status"),
            t(lang, "col.time"),
        ])
        .style(theme::label()),
    )
    .row_highlight_style(theme::selected())
    .block(block);
    let selected = (form.focus == Focus::List).then_some(form.selected);
    let mut state = TableState::default().with_selected(selected);
    f.render_stateful_widget(table, area, &mut state);
}
