//! The application state and what each key does. Drawing lives in `draw.rs`.

use crate::domain::Fen;
use crate::domain::staff::Permission;
use crate::domain::{Lang, SharedClock};
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
use crate::tui::popups::record::{RecordMsg, RecordPopup};
use crate::tui::popups::search::{SearchMsg, SearchPopup};
use crate::tui::popups::ticket_form::{TicketForm, TicketFormMsg};
use crate::tui::popups::verify::{VerifyMsg, VerifyPopup};
use crate::tui::tabs::Tab;
use crate::tui::tabs::complaints::{ComplaintsTab, VIEWS, View};
use crate::tui::tabs::points::{PointsMsg, PointsTab};
use chrono::{DateTime, Duration, Utc};
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

mod complaints;

/// How many search results to show.
const SEARCH_LIMIT: usize = 50;
/// How many recent entries the Customer tab shows.
const RECENT: usize = 8;
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
    pub(crate) points: PointsTab,
    pub(crate) complaints: ComplaintsTab,
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
            points: PointsTab::default(),
            complaints: ComplaintsTab::default(),
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
        self.screen = Screen::Main;
        self.latest_notice = self.svc.latest_notice().unwrap_or(None);
        self.status = None;
        self.reload_points();
        self.reload_complaints();
        Ok(())
    }

    /// The tab shown.
    pub fn current_tab(&self) -> Tab {
        Tab::ALL.get(self.tab).copied().unwrap_or(Tab::Customer)
    }

    /// Switches to a tab by kind (tests and the walkthrough).
    pub fn show_tab(&mut self, tab: Tab) {
        if let Some(i) = Tab::ALL.iter().position(|t| *t == tab) {
            self.tab = i;
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
        self.popups.iter().any(|p| match p {
            Popup::Verify(v) => v.is_dirty(),
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
        if self.current_tab() == Tab::Complaints && self.complaints.is_typing() {
            let msg = self.complaints.key(k, &self.keymap);
            self.complaints_msg(msg);
            return;
        }
        match self.keymap.action("global", &k) {
            Some(Action::Quit) => self.ask_quit(),
            Some(Action::Help) => self.popups.push(Popup::Help(HelpPopup::default())),
            Some(Action::Search) => self.popups.push(Popup::Search(SearchPopup::default())),
            Some(Action::NextTab) => self.tab = (self.tab + 1) % Tab::ALL.len(),
            Some(Action::PrevTab) => self.tab = (self.tab + Tab::ALL.len() - 1) % Tab::ALL.len(),
            Some(Action::Tab(n)) => {
                let i = usize::from(n).saturating_sub(1);
                if i < Tab::ALL.len() {
                    self.tab = i;
                }
            }
            Some(Action::Verify) => self.open_verify(),
            Some(Action::EndVisit) => self.end_visit(),
            Some(Action::LogRecord) => self.open_record(),
            Some(Action::Back) => self.tab_back(),
            _ => self.tab_key(k),
        }
    }

    fn tab_back(&mut self) {
        if self.current_tab() == Tab::Complaints && self.complaints.back() {
            self.reload_complaints();
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
        if self.current_tab() == Tab::Points {
            let msg = self.points.key(k, &self.keymap);
            self.points_msg(msg);
        }
        if self.current_tab() == Tab::Complaints {
            let msg = self.complaints.key(k, &self.keymap);
            self.complaints_msg(msg);
        }
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
        self.latest_notice = self.svc.latest_notice().unwrap_or(None);
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
        self.latest_notice = self.svc.latest_notice().unwrap_or(None);
        self.reload_points();
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
                if self.customer.is_none() {
                    self.reload_complaints();
                }
                self.latest_notice = self.svc.latest_notice().unwrap_or(None);
            }
            _ => {}
        }
    }
}
