//! The application state and what each key does. Drawing lives in `draw.rs`.

use crate::domain::staff::Permission;
use crate::domain::{Fen, Lang, SharedClock};
use crate::error::Result;
use crate::service::customers::{Activity, CustomerView};
use crate::service::visits::VisitStatus;
use crate::service::{Service, Session};
use crate::store::notices::Notice;
use crate::tui::i18n::t;
use crate::tui::keymap::{Action, Keymap};
use crate::tui::popups::confirm::{ConfirmAction, ConfirmMsg, ConfirmPopup};
use crate::tui::popups::help::HelpPopup;
use crate::tui::popups::login::{LoginForm, LoginMsg};
use crate::tui::popups::message::MessagePopup;
use crate::tui::popups::receipt::ReceiptPopup;
use crate::tui::popups::record::{RecordMsg, RecordPopup};
use crate::tui::popups::refund::{RefundMsg, RefundPopup};
use crate::tui::popups::search::{SearchMsg, SearchPopup};
use crate::tui::popups::ticket_form::{TicketForm, TicketFormMsg};
use crate::tui::popups::verify::{VerifyMsg, VerifyPopup};
use crate::tui::tabs::Tab;
use crate::tui::tabs::bills::{BillsMsg, BillsTab};
use crate::tui::tabs::complaints::{ComplaintsTab, VIEWS, View};
use crate::tui::tabs::plans::PlansTab;
use crate::tui::tabs::points::{PointsMsg, PointsTab};
use crate::tui::tabs::reports::{ReportsMsg, ReportsTab};
use crate::tui::tabs::topup::{Focus, TopUpForm, TopUpMsg};
use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod complaints;
mod plans;

/// How many search results to show.
const SEARCH_LIMIT: usize = 50;
/// How many recent entries the Customer tab shows.
const RECENT: usize = 8;
/// How many payments the Top-up tab lists.
const PAYMENTS_SHOWN: usize = 30;
/// Activity refreshes a verified visit at most this often (a write each time).
const TOUCH_EVERY_SECONDS: i64 = 30;

/// Which screen is up.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Nobody is logged in.
    Login(Box<LoginForm>),
    /// The counter screen.
    Main,
}

/// A popup on top of the screen.
#[derive(Debug, Clone)]
pub enum Popup {
    /// `/`
    Search(SearchPopup),
    /// `v`
    Verify(VerifyPopup),
    /// `?`
    Help(HelpPopup),
    /// A yes/no question.
    Confirm(ConfirmPopup),
    /// A message.
    Message(MessagePopup),
    /// A top-up receipt.
    Receipt(ReceiptPopup),
    /// A supervisor's refund.
    Refund(RefundPopup),
    /// `n` on the Complaints tab: a new ticket.
    TicketForm(Box<TicketForm>),
    /// `l`: log the counter interaction.
    Record(RecordPopup),
}

/// The customer being served.
#[derive(Debug, Clone)]
pub struct CustomerCtx {
    /// What is shown of them.
    pub view: CustomerView,
    /// This visit.
    pub visit_id: i64,
    /// Where the visit stands.
    pub visit: VisitStatus,
    /// Recent entries and notices (only once verified).
    pub activity: Option<Activity>,
}

/// A line in the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Text.
    pub text: String,
    /// Shown as an error.
    pub error: bool,
}

/// The whole state of the counter screen.
pub struct App {
    pub(crate) svc: Service,
    /// Display language.
    pub lang: Lang,
    pub(crate) keymap: Keymap,
    pub(crate) screen: Screen,
    pub(crate) session: Option<Session>,
    pub(crate) tab: usize,
    pub(crate) customer: Option<CustomerCtx>,
    pub(crate) popups: Vec<Popup>,
    pub(crate) status: Option<Status>,
    pub(crate) latest_notice: Option<Notice>,
    pub(crate) counter: String,
    logged_in_at: DateTime<Utc>,
    pub(crate) points: PointsTab,
    pub(crate) bills: BillsTab,
    pub(crate) plans: PlansTab,
    pub(crate) topup: TopUpForm,
    pub(crate) complaints: ComplaintsTab,
    pub(crate) reports: ReportsTab,
    data_version: i64,
    last_touch: DateTime<Utc>,
    /// Set when the user has asked to leave.
    pub quit: bool,
}

impl App {
    /// A counter screen over a service, showing the login form.
    pub fn new(svc: Service, lang: Lang) -> App {
        let data_version = svc.data_version().unwrap_or(0);
        let now = svc.now();
        App {
            svc,
            lang,
            keymap: Keymap::default_map(),
            screen: Screen::Login(Box::new(LoginForm::new())),
            session: None,
            tab: 0,
            customer: None,
            popups: Vec::new(),
            status: None,
            latest_notice: None,
            counter: std::env::var("TOUCHPOINT_COUNTER").unwrap_or_else(|_| "01".to_string()),
            logged_in_at: now,
            points: PointsTab::default(),
            bills: BillsTab::default(),
            plans: PlansTab::default(),
            topup: TopUpForm::default(),
            complaints: ComplaintsTab::default(),
            reports: ReportsTab::default(),
            data_version,
            last_touch: now,
            quit: false,
        }
    }

    /// The clock the screen shows.
    pub fn clock(&self) -> &SharedClock {
        self.svc.clock()
    }

    /// The service, for tests that look behind the screen.
    pub fn service(&self) -> &Service {
        &self.svc
    }

    /// The logged-in staff member.
    pub fn session(&self) -> Option<&Session> {
        self.session.as_ref()
    }

    /// The customer being served.
    pub fn customer(&self) -> Option<&CustomerCtx> {
        self.customer.as_ref()
    }

    /// Logs in; on success the counter screen opens.
    pub fn login(&mut self, staff: &str, password: &str) -> Result<()> {
        let s = self.svc.login(staff, password)?;
        self.session = Some(s);
        if self.tab >= self.tab_count() {
            self.tab = 0;
        }
        self.reports = ReportsTab::default();
        self.logged_in_at = self.svc.now();
        self.screen = Screen::Main;
        self.latest_notice = self.toast_notice();
        self.status = None;
        self.reload_points();
        self.reload_complaints();
        Ok(())
    }

    /// The newest notice this staff member sent since logging in.
    fn toast_notice(&self) -> Option<Notice> {
        let s = self.session.as_ref()?;
        self.svc
            .latest_notice_by(&s.staff_id, self.logged_in_at)
            .unwrap_or(None)
    }

    /// The tab shown.
    pub fn current_tab(&self) -> Tab {
        Tab::ALL.get(self.tab).copied().unwrap_or(Tab::Customer)
    }

    /// Switches to a tab by kind (tests and the walkthrough), if the staff member may see it.
    pub fn show_tab(&mut self, tab: Tab) {
        if let Some(i) = Tab::ALL[..self.tab_count()].iter().position(|t| *t == tab) {
            self.tab = i;
            if tab == Tab::Reports {
                self.reload_reports();
            }
        }
    }

    /// How many tabs the logged-in role sees: the leading part of [`Tab::ALL`].
    pub fn tab_count(&self) -> usize {
        match &self.session {
            Some(s) => Tab::ALL.iter().take_while(|t| t.visible_to(s.role)).count(),
            None => Tab::ALL.iter().take_while(|t| **t != Tab::Reports).count(),
        }
    }

    /// Loads the daily report for the Reports tab's date and counted cash.
    pub fn reload_reports(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        match self
            .svc
            .report_daily(&s, self.reports.date, self.reports.counted)
        {
            Ok(r) => self.reports.report = Some(r),
            Err(e) => self.report(&e),
        }
    }

    fn set_status(&mut self, text: impl Into<String>, error: bool) {
        self.status = Some(Status {
            text: text.into(),
            error,
        });
    }

    fn report(&mut self, e: &crate::error::Error) {
        let m = e.message(self.lang);
        self.set_status(m, true);
    }

    /// Feeds one terminal event.
    pub fn handle_event(&mut self, ev: Event) {
        if let Event::Key(k) = ev
            && k.kind != KeyEventKind::Release
        {
            self.handle_key(k);
        }
    }

    /// True when something typed would be lost by quitting.
    fn has_unsaved_input(&self) -> bool {
        if let Screen::Login(form) = &self.screen
            && form.is_dirty()
        {
            return true;
        }
        if self.topup.is_dirty() {
            return true;
        }
        self.popups.iter().any(|p| match p {
            Popup::Verify(v) => v.is_dirty(),
            Popup::Refund(r) => r.is_dirty(),
            Popup::Search(s) => !s.field.value().is_empty(),
            Popup::Confirm(c) => c.is_dirty(),
            Popup::TicketForm(f) => f.is_dirty(),
            Popup::Record(r) => r.is_dirty(),
            _ => false,
        })
    }

    fn ask_quit(&mut self) {
        if self.has_unsaved_input() {
            self.popups.push(Popup::Confirm(ConfirmPopup::new(
                t(self.lang, "quit.title"),
                vec![t(self.lang, "quit.body").to_string()],
                ConfirmAction::Quit,
            )));
        } else {
            self.quit = true;
        }
    }

    /// Handles one key press.
    pub fn handle_key(&mut self, k: KeyEvent) {
        if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
            if matches!(self.popups.last(), Some(Popup::Confirm(_))) {
                self.quit = true;
            } else {
                self.ask_quit();
            }
            return;
        }
        if self.keymap.action("global", &k) == Some(Action::ToggleLang) {
            self.lang = match self.lang {
                Lang::Zh => Lang::En,
                Lang::En => Lang::Zh,
            };
            return;
        }
        if !self.popups.is_empty() {
            self.popup_key(k);
            return;
        }
        if let Screen::Login(form) = &mut self.screen {
            if let LoginMsg::Submit(id, pw) = form.key(k)
                && let Err(e) = self.login(&id, &pw)
            {
                let msg = e.message(self.lang);
                if let Screen::Login(form) = &mut self.screen {
                    form.error = Some(msg);
                    form.password.clear();
                }
            }
            return;
        }
        self.status = None;
        self.keep_visit_fresh();
        if self.current_tab() == Tab::Points && self.points.is_typing() {
            let msg = self.points.key(k, &self.keymap);
            self.points_msg(msg);
            return;
        }
        let on_topup = Tab::ALL.get(self.tab) == Some(&Tab::TopUp);
        let tab_key = matches!(
            self.keymap.action("global", &k),
            Some(Action::NextTab | Action::PrevTab)
        );
        if on_topup
            && !tab_key
            && (self.topup.focus != Focus::Outside
                || matches!(k.code, KeyCode::Enter | KeyCode::Down))
        {
            self.topup_key(k);
            return;
        }
        let before = self.tab;
        if self.current_tab() == Tab::Reports && self.reports.is_typing() {
            self.reports_key(k);
            return;
        }
        if self.current_tab() == Tab::Complaints && self.complaints.is_typing() {
            let msg = self.complaints.key(k, &self.keymap);
            self.complaints_msg(msg);
            return;
        }
        match self.keymap.action("global", &k) {
            Some(Action::Quit) => self.ask_quit(),
            Some(Action::Help) => self.popups.push(Popup::Help(HelpPopup::default())),
            Some(Action::Search) => self.popups.push(Popup::Search(SearchPopup::default())),
            Some(Action::NextTab) => self.tab = (self.tab + 1) % self.tab_count(),
            Some(Action::PrevTab) => {
                self.tab = (self.tab + self.tab_count() - 1) % self.tab_count()
            }
            Some(Action::Tab(n)) => {
                let i = usize::from(n).saturating_sub(1);
                if i < self.tab_count() {
                    self.tab = i;
                }
            }
            Some(Action::Verify) => self.open_verify(),
            Some(Action::EndVisit) => self.end_visit(),
            Some(Action::LogRecord) => self.open_record(),
            Some(Action::Back) => self.tab_back(),
            _ => self.tab_key(k),
        }
        if self.tab != before && Tab::ALL.get(self.tab) == Some(&Tab::TopUp) {
            self.topup_enter();
        }
        if self.tab != before && self.current_tab() == Tab::Reports {
            self.reload_reports();
        }
        if self.tab != before
            && self.current_tab() == Tab::Bills
            && let Err(e) = self.reload_bills_view()
        {
            self.report(&e);
        }
        if self.tab != before && self.current_tab() == Tab::Plans {
            self.reload_plans();
        }
    }

    fn tab_back(&mut self) {
        if self.current_tab() == Tab::Bills {
            self.bills.back();
        }
        if self.current_tab() == Tab::Complaints && self.complaints.back() {
            self.reload_complaints();
        }
        if self.current_tab() == Tab::Plans {
            self.plans.back();
        }
        if self.current_tab() == Tab::Points {
            if self.points.showing_history {
                self.points.showing_history = false;
            } else {
                self.points.filter.clear();
            }
        }
    }

    fn tab_key(&mut self, k: KeyEvent) {
        match self.current_tab() {
            Tab::Points => {
                let msg = self.points.key(k, &self.keymap);
                self.points_msg(msg);
            }
            Tab::Bills => {
                let msg = self.bills.key(k, &self.keymap);
                self.bills_msg(msg);
            }
            Tab::Complaints => {
                let msg = self.complaints.key(k, &self.keymap);
                self.complaints_msg(msg);
            }
            Tab::Plans => {
                let msg = self.plans.key(k, &self.keymap);
                self.plans_msg(msg);
            }
            Tab::Reports => self.reports_key(k),
            Tab::Customer | Tab::TopUp => {}
        }
    }

    fn bills_msg(&mut self, msg: BillsMsg) {
        let Some(s) = self.session.clone() else {
            return;
        };
        let Some((id, visit, verified)) = self
            .customer
            .as_ref()
            .map(|c| (c.view.id, c.visit_id, c.visit.verified))
        else {
            return;
        };
        if !verified {
            return;
        }
        let result: crate::error::Result<()> = (|| {
            match msg {
                BillsMsg::Nothing => {}
                BillsMsg::Load => self.reload_bills_view()?,
                BillsMsg::OpenMonth(m) => {
                    self.bills.opened =
                        Some(self.svc.bill_of(&s, Some(visit), id, &m, self.lang)?)
                }
                BillsMsg::Page => self.load_detail_page()?,
                BillsMsg::SaveReminders(r) => {
                    self.bills.reminders = Some(self.svc.set_reminders(&s, Some(visit), id, r)?);
                    self.set_status(t(self.lang, "status.reminders_saved"), false);
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.report(&e);
        }
    }

    /// Loads the detail page holding the selected row.
    fn load_detail_page(&mut self) -> crate::error::Result<()> {
        let Some(s) = self.session.clone() else {
            return Ok(());
        };
        let Some((id, visit)) = self.customer.as_ref().map(|c| (c.view.id, c.visit_id)) else {
            return Ok(());
        };
        let d = &mut self.bills.details;
        let page = crate::tui::tabs::bills::PAGE;
        let offset = (d.selected - page / 2).max(0);
        let (count, rows) = self
            .svc
            .usage_page(&s, Some(visit), id, &d.filter, offset, page)?;
        d.count = count;
        d.offset = offset;
        d.rows = rows;
        d.selected = d.selected.min((count - 1).max(0));
        Ok(())
    }

    /// Loads what the Bills tab's current view shows (only that: views load when opened).
    pub fn reload_bills_view(&mut self) -> crate::error::Result<()> {
        use crate::tui::tabs::bills::View;
        let Some(s) = self.session.clone() else {
            return Ok(());
        };
        let Some((id, visit, verified)) = self
            .customer
            .as_ref()
            .map(|c| (c.view.id, c.visit_id, c.visit.verified))
        else {
            self.bills = BillsTab::default();
            return Ok(());
        };
        if !verified {
            return Ok(());
        }
        let month_now = crate::service::bills::Month::of(self.svc.now());
        match self.bills.view {
            View::Monthly => {
                let mut bills = self.svc.bills_of(&s, Some(visit), id, 12)?;
                bills.reverse();
                let keep = self
                    .bills
                    .bills
                    .get(self.bills.selected)
                    .map(|b| b.month.clone());
                self.bills.selected = keep
                    .and_then(|m| bills.iter().position(|b| b.month == m))
                    .unwrap_or(bills.len().saturating_sub(1));
                self.bills.bills = bills;
            }
            View::Current => {
                self.bills.so_far = Some(self.svc.month_so_far(&s, Some(visit), id)?)
            }
            View::Ledger => {
                self.bills.ledger = self.svc.customer_activity(&s, Some(visit), id, 200)?.ledger
            }
            View::Details => {
                if self.bills.details.filter.month == 0 {
                    self.bills.details.filter.month = month_now.prev().int();
                }
                self.load_detail_page()?;
            }
            View::Data => {
                let m = *self.bills.data_month.get_or_insert(month_now.prev());
                self.bills.daily = self.svc.daily_data(&s, Some(visit), id, m)?;
            }
            View::Reminders => {
                self.bills.reminders = Some(self.svc.reminders(&s, Some(visit), id)?)
            }
            View::Advice => self.bills.advice = Some(self.svc.advice(&s, Some(visit), id)?),
        }
        Ok(())
    }

    fn points_msg(&mut self, msg: PointsMsg) {
        let lang = self.lang;
        match msg {
            PointsMsg::Nothing => {}
            PointsMsg::Redeem(code) => {
                let Some(c) = &self.customer else {
                    self.set_status(t(lang, "status.no_customer"), true);
                    return;
                };
                if !c.visit.verified {
                    self.set_status(t(lang, "status.verify_first"), true);
                    self.popups.push(Popup::Verify(VerifyPopup::default()));
                    return;
                }
                let Some(item) = self.points.catalog.iter().find(|i| i.code == code) else {
                    return;
                };
                let before = self.points.available();
                let mut body = vec![
                    format!("{}  {}", item.name(lang), item.code),
                    format!("{}  {}", t(lang, "points.cost"), item.cost_points),
                    format!(
                        "{}  {before} → {}",
                        c.view.points_currency(lang),
                        before - item.cost_points
                    ),
                    format!("{}  {}", t(lang, "points.gets"), item.gets(lang)),
                ];
                if item.credit_fen > 0 {
                    body.push(format!(
                        "{}  {} → {}",
                        t(lang, "field.balance"),
                        Fen(c.view.balance_fen),
                        Fen(c.view.balance_fen + item.credit_fen)
                    ));
                }
                body.push(format!(
                    "{}  {} {}",
                    t(lang, "field.phone"),
                    c.view.phone_display(),
                    c.view.name
                ));
                let action = ConfirmAction::Redeem {
                    customer_id: c.view.id,
                    code,
                };
                self.popups.push(Popup::Confirm(ConfirmPopup::new(
                    t(lang, "confirm.redeem_title"),
                    body,
                    action,
                )));
            }
            PointsMsg::Reverse(id) => {
                let may = self
                    .session
                    .as_ref()
                    .is_some_and(|s| s.role.allows(Permission::Supervise));
                if !may {
                    self.set_status(t(lang, "status.supervisor_only"), true);
                    return;
                }
                let Some(r) = self
                    .points
                    .history
                    .as_ref()
                    .and_then(|h| h.iter().find(|r| r.id == id))
                else {
                    return;
                };
                let body = vec![
                    format!("#{}  {}", r.id, lang.pick(&r.name_zh, &r.name_en)),
                    format!("{}  {}", t(lang, "points.cost"), r.cost_points),
                    format!("{}  {}", t(lang, "points.gets"), r.got(lang)),
                ];
                let action = ConfirmAction::ReverseRedemption { id };
                self.popups.push(Popup::Confirm(
                    ConfirmPopup::new(t(lang, "confirm.reverse_title"), body, action).with_reason(),
                ));
            }
        }
    }

    fn confirmed(&mut self, action: ConfirmAction, reason: String, second: String) {
        let lang = self.lang;
        let Some(s) = self.session.clone() else {
            return;
        };
        match action {
            ConfirmAction::Quit => self.quit = true,
            other @ (ConfirmAction::TopUp(_)
            | ConfirmAction::CompletePayment(_)
            | ConfirmAction::VoidPayment(_)
            | ConfirmAction::Refund { .. }) => self.run_money_action(other),
            ConfirmAction::Redeem { customer_id, code } => {
                let visit = self.customer.as_ref().map(|c| c.visit_id);
                match self.svc.redeem(&s, visit, customer_id, &code) {
                    Ok(r) => {
                        let name = lang.pick(&r.item_name_zh, &r.item_name_en).to_string();
                        let mut text = format!(
                            "{name}\n{} {} → {}",
                            t(lang, "points.col.cost"),
                            r.points_before,
                            r.points_after
                        );
                        if r.credit_fen > 0 {
                            text.push_str(&format!(
                                "\n{} {} → {} (+{})",
                                t(lang, "field.balance"),
                                Fen(r.balance_before_fen),
                                Fen(r.balance_after_fen),
                                Fen(r.credit_fen)
                            ));
                        }
                        if let Some(c) = &r.coupon_code {
                            text.push_str(&format!("\n{c}"));
                        }
                        self.reload_customer();
                        self.popups.push(Popup::Message(MessagePopup {
                            title: t(lang, "redeem.ok_title").to_string(),
                            text,
                            error: false,
                        }));
                    }
                    Err(e) => {
                        self.reload_customer();
                        self.popups.push(Popup::Message(MessagePopup {
                            title: t(lang, "redeem.fail_title").to_string(),
                            text: e.message(lang),
                            error: true,
                        }));
                    }
                }
            }
            ConfirmAction::TicketState { .. }
            | ConfirmAction::TicketReply { .. }
            | ConfirmAction::TicketNote { .. }
            | ConfirmAction::TicketAssign { .. }
            | ConfirmAction::TicketResolve { .. }
            | ConfirmAction::TicketClose { .. }
            | ConfirmAction::ApproveCompensation { .. } => {
                self.ticket_confirmed(&s, action, &reason, &second)
            }
            ConfirmAction::Business { customer_id, op } => {
                self.business_confirmed(&s, customer_id, op)
            }
            ConfirmAction::ReverseRedemption { id } => {
                match self.svc.reverse_redemption(&s, id, &reason) {
                    Ok(r) => {
                        self.reload_customer();
                        self.popups.push(Popup::Message(MessagePopup {
                            title: t(lang, "reverse.ok_title").to_string(),
                            text: format!(
                                "#{} +{} ({} ✘) {}",
                                r.id,
                                r.points_returned,
                                r.points_expired,
                                Fen(-r.credit_reversed_fen)
                            ),
                            error: false,
                        }));
                    }
                    Err(e) => self.popups.push(Popup::Message(MessagePopup {
                        title: t(lang, "confirm.reverse_title").to_string(),
                        text: e.message(lang),
                        error: true,
                    })),
                }
            }
        }
    }

    fn popup_key(&mut self, k: KeyEvent) {
        let Some(top) = self.popups.last_mut() else {
            return;
        };
        match top {
            Popup::Search(p) => match p.key(k, &self.keymap) {
                SearchMsg::Changed => {
                    let q = p.field.value().to_string();
                    let found = match &self.session {
                        Some(s) => self.svc.customer_search(s, &q, SEARCH_LIMIT),
                        None => Ok(Vec::new()),
                    };
                    match found {
                        Ok(r) => {
                            if let Some(Popup::Search(p)) = self.popups.last_mut() {
                                p.results = r;
                            }
                        }
                        Err(e) => self.report(&e),
                    }
                }
                SearchMsg::Choose(id) => {
                    self.popups.pop();
                    self.take_up(id);
                }
                SearchMsg::Close => {
                    self.popups.pop();
                }
                SearchMsg::Nothing => {}
            },
            Popup::Verify(p) => match p.key(k) {
                VerifyMsg::Close => {
                    self.popups.pop();
                }
                VerifyMsg::SendOtp => self.send_otp(),
                VerifyMsg::Submit(proof) => self.verify(proof),
                VerifyMsg::Nothing => {}
            },
            Popup::Help(h) => match self.keymap.action("list", &k) {
                Some(Action::Down) => h.scroll = h.scroll.saturating_add(1),
                Some(Action::Up) => h.scroll = h.scroll.saturating_sub(1),
                Some(Action::PageDown) => h.scroll = h.scroll.saturating_add(10),
                Some(Action::PageUp) => h.scroll = h.scroll.saturating_sub(10),
                _ => {
                    self.popups.pop();
                }
            },
            Popup::Confirm(c) => match c.key(k, self.lang) {
                ConfirmMsg::Yes => {
                    let action = c.action.clone();
                    let reason = c.reason_text();
                    let second = c.second_text();
                    self.popups.pop();
                    self.confirmed(action, reason, second);
                }
                ConfirmMsg::No => {
                    self.popups.pop();
                }
                ConfirmMsg::Nothing => {}
            },
            Popup::Message(_) => {
                self.popups.pop();
            }
            Popup::Receipt(r) => {
                if k.code == KeyCode::Char('e') && r.exported.is_none() {
                    let record = r.record.clone();
                    let dir = self
                        .svc
                        .path()
                        .parent()
                        .map(|d| d.join("receipts"))
                        .unwrap_or_else(|| std::path::PathBuf::from("receipts"));
                    let lang = self.lang;
                    match self.svc.export_receipt(&record, &dir, lang) {
                        Ok(path) => {
                            if let Some(Popup::Receipt(r)) = self.popups.last_mut() {
                                r.exported = Some(path.display().to_string());
                            }
                        }
                        Err(e) => self.report(&e),
                    }
                } else {
                    self.popups.pop();
                }
            }
            Popup::Refund(r) => match r.key(k, self.lang) {
                RefundMsg::Close => {
                    self.popups.pop();
                }
                RefundMsg::Submit(amount, reason) => {
                    let payment = r.record.id;
                    let body = vec![
                        format!("{}  {}", r.record.serial, r.record.phone_masked),
                        format!("{} {amount}", t(self.lang, "topup.refund_amount")),
                        format!(
                            "{} {}",
                            t(self.lang, "topup.refund_returned"),
                            crate::domain::topup::returned_to_payer(
                                amount,
                                Fen(r.record.paid_fen),
                                Fen(r.record.credited_fen)
                            )
                        ),
                        format!("{} {reason}", t(self.lang, "topup.refund_reason")),
                    ];
                    self.popups.push(Popup::Confirm(ConfirmPopup {
                        title: t(self.lang, "topup.refund_title").to_string(),
                        body,
                        action: ConfirmAction::Refund {
                            payment,
                            amount,
                            reason,
                        },
                        reason: None,
                        error: None,
                        field_label: None,
                        optional: false,
                        second: None,
                        on_second: false,
                    }));
                }
                RefundMsg::Nothing => {}
            },
            Popup::TicketForm(form) => match form.key(k) {
                TicketFormMsg::Close => {
                    self.popups.pop();
                }
                TicketFormMsg::Submit(input) => self.open_ticket(input),
                TicketFormMsg::Nothing => {}
            },
            Popup::Record(r) => match r.key(k) {
                RecordMsg::Close => {
                    self.popups.pop();
                }
                RecordMsg::Submit(kind, category, notes) => self.log_record(kind, category, notes),
                RecordMsg::Nothing => {}
            },
        }
    }

    /// Switching to the Top-up tab: the form takes the keys, the number of the customer being
    /// served is filled in, and the payments list is loaded.
    fn topup_enter(&mut self) {
        self.topup.focus = Focus::Phone;
        if self.topup.phone.value().is_empty()
            && let Some(c) = &self.customer
        {
            self.topup.phone.input = tui_input::Input::new(c.view.phone.clone());
        }
        self.topup_refresh();
    }

    /// Looks the number up, quotes the amount and loads the payments again.
    fn topup_refresh(&mut self) {
        self.topup_lookup();
        self.topup_quote();
        self.topup_load_payments();
    }

    fn topup_lookup(&mut self) {
        let typed = self.topup.phone.value().trim().to_string();
        self.topup.target = if typed.is_empty() {
            None
        } else {
            Some(
                self.svc
                    .topup_target(&typed)
                    .map_err(|e| e.message(self.lang)),
            )
        };
    }

    fn topup_amount(&self) -> Option<Result<Fen, String>> {
        let rules = self.svc.topup_rules();
        match self.topup.preset {
            Some(i) => rules.presets().get(i).copied().map(Ok),
            None if self.topup.custom.value().trim().is_empty() => None,
            None => Some(
                rules
                    .parse_amount(self.topup.custom.value())
                    .map_err(|e| e.message(self.lang).to_string()),
            ),
        }
    }

    fn topup_quote(&mut self) {
        let channel = self.topup.channel();
        self.topup.quote = self.topup_amount().map(|a| {
            a.and_then(|fen| {
                self.svc
                    .topup_quote(fen, channel)
                    .map_err(|e| e.message(self.lang))
            })
        });
    }

    fn topup_load_payments(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        let loaded = (|| -> Result<Vec<crate::service::topup::TopUpRecord>> {
            use crate::domain::topup::PaymentStatus;
            let mut list =
                self.svc
                    .payments(&s, Some(PaymentStatus::Pending), None, Some(PAYMENTS_SHOWN))?;
            let recent = self.svc.payments(&s, None, None, Some(PAYMENTS_SHOWN))?;
            list.extend(
                recent
                    .into_iter()
                    .filter(|p| p.status != PaymentStatus::Pending),
            );
            list.truncate(PAYMENTS_SHOWN);
            Ok(list)
        })();
        match loaded {
            Ok(list) => {
                self.topup.selected = self.topup.selected.min(list.len().saturating_sub(1));
                self.topup.payments = list;
            }
            Err(e) => self.report(&e),
        }
    }

    /// A key for the Reports tab, which may ask for the report again.
    fn reports_key(&mut self, k: KeyEvent) {
        let today = crate::domain::clock::local_date(self.svc.now());
        if self.reports.key(k, &self.keymap, today) == ReportsMsg::Load {
            self.reload_reports();
        }
    }

    fn topup_key(&mut self, k: KeyEvent) {
        let presets = self.svc.topup_rules().presets_yuan.len();
        match self.topup.key(k, presets) {
            TopUpMsg::Nothing => {}
            TopUpMsg::PhoneChanged => self.topup_lookup(),
            TopUpMsg::AmountChanged => self.topup_quote(),
            TopUpMsg::Submit => self.topup_confirm(),
            TopUpMsg::Receipt(id) => self.show_receipt(id, None),
            TopUpMsg::Complete(id) => self.ask_settle(id, true),
            TopUpMsg::Void(id) => self.ask_settle(id, false),
            TopUpMsg::Refund(id) => self.open_refund(id),
        }
    }

    fn topup_confirm(&mut self) {
        let lang = self.lang;
        let (Some(Ok(target)), Some(Ok(quote))) = (&self.topup.target, &self.topup.quote) else {
            self.set_status(t(lang, "topup.fix_first"), true);
            return;
        };
        let channel = self.topup.channel();
        let promo = quote
            .promotion
            .as_ref()
            .map(|p| p.name(lang).to_string())
            .unwrap_or_else(|| t(lang, "topup.no_promotion").to_string());
        let keys = [
            "topup.phone",
            "topup.name",
            "topup.amount",
            "topup.promotion",
            "topup.paid",
            "topup.credited",
            "topup.channel",
        ];
        let w = keys
            .iter()
            .map(|k| unicode_width::UnicodeWidthStr::width(t(lang, k)))
            .max()
            .unwrap_or(0)
            + 2;
        let row =
            |key: &str, v: String| format!("{}{v}", crate::tui::widgets::pad(t(lang, key), w));
        let mut body = vec![
            row("topup.phone", target.phone_masked.clone()),
            row("topup.name", target.name_masked.clone()),
            row("topup.amount", quote.amount.to_string()),
            row("topup.promotion", promo),
            row("topup.paid", quote.paid.to_string()),
            row("topup.credited", quote.credited.to_string()),
            row("topup.channel", channel.label(lang).to_string()),
        ];
        if target.status == crate::domain::customer::CustomerStatus::Suspended {
            body.push(t(lang, "topup.suspended_note").to_string());
        }
        let request = crate::service::topup::TopUpRequest {
            phone: target.phone.clone(),
            amount: quote.amount,
            channel,
            // One request id per confirmation: a second Enter or a retry is the same request.
            request_id: crate::service::topup::new_request_id(),
        };
        self.popups.push(Popup::Confirm(ConfirmPopup {
            title: t(lang, "topup.confirm_title").to_string(),
            body,
            action: ConfirmAction::TopUp(request),
            reason: None,
            error: None,
            field_label: None,
            optional: false,
            second: None,
            on_second: false,
        }));
    }

    fn ask_settle(&mut self, id: i64, complete: bool) {
        let lang = self.lang;
        let Some(p) = self.topup.payments.iter().find(|p| p.id == id) else {
            return;
        };
        if p.status != crate::domain::topup::PaymentStatus::Pending {
            self.set_status(t(lang, "topup.not_pending"), true);
            return;
        }
        let (title, note, action) = if complete {
            (
                "topup.complete_title",
                "topup.complete_body",
                ConfirmAction::CompletePayment(id),
            )
        } else {
            (
                "topup.void_title",
                "topup.void_body",
                ConfirmAction::VoidPayment(id),
            )
        };
        let body = vec![
            format!(
                "{}  {}  {}",
                p.serial,
                p.phone_masked,
                p.channel.label(lang)
            ),
            format!(
                "{} {}  {} {}",
                t(lang, "topup.paid"),
                Fen(p.paid_fen),
                t(lang, "topup.credited"),
                Fen(p.credited_fen)
            ),
            t(lang, note).to_string(),
        ];
        self.popups.push(Popup::Confirm(ConfirmPopup {
            title: t(lang, title).to_string(),
            body,
            action,
            reason: None,
            error: None,
            field_label: None,
            optional: false,
            second: None,
            on_second: false,
        }));
    }

    fn open_refund(&mut self, id: i64) {
        let Some(s) = self.session.clone() else {
            return;
        };
        if !crate::service::may(s.role, crate::domain::staff::Permission::Supervise) {
            self.set_status(t(self.lang, "topup.refund_supervisor"), true);
            return;
        }
        let found = self
            .svc
            .payment(&s, &id.to_string())
            .and_then(|r| Ok((r, self.svc.refund_limit(&s, &id.to_string())?)));
        match found {
            Ok((r, _)) if r.status != crate::domain::topup::PaymentStatus::Approved => {
                self.set_status(t(self.lang, "topup.refund_only_approved"), true)
            }
            Ok((r, limit)) => self.popups.push(Popup::Refund(RefundPopup::new(r, limit))),
            Err(e) => self.report(&e),
        }
    }

    fn show_receipt(&mut self, id: i64, headline: Option<(String, bool)>) {
        let Some(s) = self.session.clone() else {
            return;
        };
        match self.svc.payment(&s, &id.to_string()) {
            Ok(record) => self.popups.push(Popup::Receipt(ReceiptPopup {
                record,
                headline,
                exported: None,
            })),
            Err(e) => self.report(&e),
        }
    }

    /// Runs a confirmed money change and shows what came of it.
    fn run_money_action(&mut self, action: ConfirmAction) {
        use crate::domain::topup::PaymentStatus;
        let Some(s) = self.session.clone() else {
            return;
        };
        let lang = self.lang;
        let result = match action {
            ConfirmAction::Quit
            | ConfirmAction::Redeem { .. }
            | ConfirmAction::ReverseRedemption { .. }
            | ConfirmAction::TicketState { .. }
            | ConfirmAction::TicketReply { .. }
            | ConfirmAction::TicketNote { .. }
            | ConfirmAction::TicketAssign { .. }
            | ConfirmAction::TicketResolve { .. }
            | ConfirmAction::TicketClose { .. }
            | ConfirmAction::ApproveCompensation { .. }
            | ConfirmAction::Business { .. } => return,
            ConfirmAction::TopUp(req) => self.svc.top_up(&s, &req).map(Some),
            ConfirmAction::CompletePayment(id) => {
                self.svc.payment_complete(&s, &id.to_string()).map(Some)
            }
            ConfirmAction::VoidPayment(id) => self
                .svc
                .payment_void(&s, &id.to_string(), "voided at the counter")
                .map(|_| {
                    self.status = Some(Status {
                        text: t(lang, "topup.voided").to_string(),
                        error: false,
                    });
                    None
                }),
            ConfirmAction::Refund {
                payment,
                amount,
                reason,
            } => self
                .svc
                .payment_refund(&s, &payment.to_string(), Some(amount), &reason)
                .map(|r| {
                    self.status = Some(Status {
                        text: format!(
                            "{} {} · {} {}",
                            t(lang, "topup.refunded"),
                            Fen(r.amount_fen),
                            t(lang, "topup.refund_returned"),
                            Fen(r.returned_fen)
                        ),
                        error: false,
                    });
                    None
                }),
        };
        if matches!(self.popups.last(), Some(Popup::Refund(_))) {
            self.popups.pop();
        }
        match result {
            Ok(Some(r)) => match r.status {
                PaymentStatus::Approved => {
                    let mut head = t(lang, "topup.done").to_string();
                    if r.reactivated {
                        head = format!("{head} · {}", t(lang, "topup.reactivated"));
                    }
                    self.topup.clear();
                    self.show_receipt(r.id, Some((head, true)));
                }
                PaymentStatus::Declined => self.popups.push(Popup::Message(MessagePopup {
                    title: t(lang, "topup.declined_title").to_string(),
                    text: format!(
                        "{}
{}",
                        t(lang, "topup.declined"),
                        r.status_note
                    ),
                    error: true,
                })),
                PaymentStatus::Pending => self.popups.push(Popup::Message(MessagePopup {
                    title: t(lang, "topup.pending_title").to_string(),
                    text: format!(
                        "{} {}
{}",
                        r.serial,
                        Fen(r.credited_fen),
                        t(lang, "topup.pending")
                    ),
                    error: true,
                })),
                PaymentStatus::Voided => {}
            },
            Ok(None) => {}
            Err(e) => self.popups.push(Popup::Message(MessagePopup {
                title: t(lang, "topup.failed_title").to_string(),
                text: e.message(lang),
                error: true,
            })),
        }
        self.topup_refresh();
        self.reload_customer();
        self.latest_notice = self.toast_notice();
    }

    /// Takes up a customer: ends the previous visit and opens a new one.
    pub fn take_up(&mut self, customer_id: i64) {
        let Some(s) = self.session.clone() else {
            return;
        };
        if let Some(old) = self.customer.take()
            && let Err(e) = self.svc.close_visit(&s, old.visit_id)
        {
            self.report(&e);
        }
        let opened = self.svc.open_visit(&s, customer_id).and_then(|visit_id| {
            let visit = self.svc.visit_status(visit_id)?;
            let view = self.svc.customer_by_id(&s, customer_id, Some(visit_id))?;
            Ok(CustomerCtx {
                view,
                visit_id,
                visit,
                activity: None,
            })
        });
        match opened {
            Ok(ctx) => {
                self.customer = Some(ctx);
                self.last_touch = self.svc.now();
                self.bills = BillsTab::default();
                self.plans = PlansTab::default();
                self.reload_points();
                // The Complaints tab follows the customer: their own tickets and records.
                if let Some(i) = VIEWS.iter().position(|v| *v == View::Customer) {
                    self.complaints.view = i;
                    self.complaints.selected = 0;
                    self.complaints.detail = None;
                }
                self.reload_complaints();
            }
            Err(e) => self.report(&e),
        }
    }

    fn open_verify(&mut self) {
        match &self.customer {
            None => self.set_status(t(self.lang, "status.no_customer"), true),
            Some(c) if c.visit.verified => {
                self.set_status(t(self.lang, "status.already_verified"), false)
            }
            Some(_) => self.popups.push(Popup::Verify(VerifyPopup::default())),
        }
    }

    fn send_otp(&mut self) {
        let (Some(s), Some(c)) = (self.session.clone(), self.customer.as_ref()) else {
            return;
        };
        let visit = c.visit_id;
        let result = self.svc.send_otp(&s, visit);
        self.latest_notice = self.toast_notice();
        let lang = self.lang;
        if let Some(Popup::Verify(p)) = self.popups.last_mut() {
            match result {
                Ok(()) => {
                    p.otp_sent = true;
                    p.message = Some((t(lang, "verify.otp_sent").to_string(), false));
                }
                Err(e) => p.message = Some((e.message(lang), true)),
            }
        }
    }

    fn verify(&mut self, proof: crate::domain::visit::Proof) {
        let (Some(s), Some(c)) = (self.session.clone(), self.customer.as_ref()) else {
            return;
        };
        let visit = c.visit_id;
        match self.svc.verify(&s, visit, &proof) {
            Ok(method) => {
                self.popups.pop();
                let text = format!(
                    "{} · {}",
                    t(self.lang, "verify.done"),
                    method.label(self.lang)
                );
                self.reload_customer();
                self.set_status(text, false);
            }
            Err(e) => {
                let lang = self.lang;
                if let Some(Popup::Verify(p)) = self.popups.last_mut() {
                    p.message = Some((e.message(lang), true));
                    p.field.clear();
                }
            }
        }
    }

    fn end_visit(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        match self.customer.take() {
            Some(c) => {
                if let Err(e) = self.svc.close_visit(&s, c.visit_id) {
                    self.report(&e);
                } else {
                    self.set_status(t(self.lang, "status.visit_ended"), false);
                }
            }
            None => self.set_status(t(self.lang, "status.no_customer"), true),
        }
        self.reload_points();
        if self.complaints.current() == View::Customer {
            self.complaints.view = 0;
            self.complaints.selected = 0;
        }
        self.reload_complaints();
    }

    /// Reloads the catalogue and, for the customer taken up, their points and (once verified) history.
    pub fn reload_points(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        match self.svc.points_catalog() {
            Ok(c) => self.points.catalog = c,
            Err(e) => self.report(&e),
        }
        let Some(c) = &self.customer else {
            self.points.balance = None;
            self.points.history = None;
            return;
        };
        let (id, visit, verified) = (c.view.id, c.visit_id, c.visit.verified);
        match self.svc.points_balance(&s, id) {
            Ok(b) => self.points.balance = Some(b),
            Err(e) => self.report(&e),
        }
        self.points.history = if verified {
            self.svc.redemption_history(&s, Some(visit), id, 100).ok()
        } else {
            None
        };
    }

    /// Reloads the customer shown, the visit and, once verified, the recent activity.
    pub fn reload_customer(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        let Some(c) = self.customer.as_ref() else {
            return;
        };
        let (id, visit_id) = (c.view.id, c.visit_id);
        let loaded = (|| -> Result<CustomerCtx> {
            let visit = self.svc.visit_status(visit_id)?;
            let view = self.svc.customer_by_id(&s, id, Some(visit_id))?;
            let activity = if visit.verified {
                Some(self.svc.customer_activity(&s, Some(visit_id), id, RECENT)?)
            } else {
                None
            };
            Ok(CustomerCtx {
                view,
                visit_id,
                visit,
                activity,
            })
        })();
        match loaded {
            Ok(ctx) => self.customer = Some(ctx),
            Err(e) => self.report(&e),
        }
        self.latest_notice = self.toast_notice();
        self.reload_points();
        if self.current_tab() == Tab::Bills
            && let Err(e) = self.reload_bills_view()
        {
            self.report(&e);
        }
        if self.current_tab() == Tab::Plans {
            self.reload_plans();
        }
        self.reload_complaints();
    }

    /// A key press while a verified customer is open keeps the visit fresh (at most every 30 s).
    fn keep_visit_fresh(&mut self) {
        let now = self.svc.now();
        let Some(c) = &self.customer else { return };
        if !c.visit.verified || now - self.last_touch < Duration::seconds(TOUCH_EVERY_SECONDS) {
            return;
        }
        let visit = c.visit_id;
        match self.svc.touch_visit(visit) {
            Ok(st) => {
                if let Some(c) = self.customer.as_mut() {
                    c.visit = st;
                }
                self.last_touch = now;
            }
            Err(e) => self.report(&e),
        }
    }

    /// Periodic work: notice another terminal's changes and lapse an idle visit.
    pub fn tick(&mut self) {
        if self.session.is_none() {
            return;
        }
        if let Some(c) = &self.customer
            && c.visit.verified
            && let Ok(st) = self.svc.visit_status(c.visit_id)
            && !st.verified
        {
            self.reload_customer();
            self.set_status(t(self.lang, "status.visit_lapsed"), true);
        }
        match self.svc.data_version() {
            Ok(v) if v != self.data_version => {
                self.data_version = v;
                self.reload_customer();
                if Tab::ALL.get(self.tab) == Some(&Tab::TopUp) {
                    self.topup_refresh();
                }
                if self.customer.is_none() {
                    self.reload_complaints();
                }
                // Another terminal's work changes today's report, not a past day's.
                if self.current_tab() == Tab::Reports && self.reports.date.is_none() {
                    self.reload_reports();
                }
                self.latest_notice = self.toast_notice();
            }
            _ => {}
        }
    }
}
