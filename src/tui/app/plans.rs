//! What the Plans tab asks the app to do: load the customer's business, and confirm then make
//! a plan change, a pack purchase or a service change.

use super::{App, Popup};
use crate::domain::Fen;
use crate::service::Session;
use crate::service::plans::next_first;
use crate::tui::i18n::t;
use crate::tui::popups::confirm::{BusinessOp, ConfirmAction, ConfirmPopup};
use crate::tui::popups::message::MessagePopup;
use crate::tui::popups::verify::VerifyPopup;
use crate::tui::tabs::Tab;
use crate::tui::tabs::plans::{PlansMsg, contents, name, name_or_code};

impl App {
    /// Loads the verified customer's business and the bill advice for the Plans tab.
    pub fn reload_plans(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        let Some((id, visit, verified)) = self
            .customer
            .as_ref()
            .map(|c| (c.view.id, c.visit_id, c.visit.verified))
        else {
            self.plans.data = None;
            return;
        };
        if !verified {
            self.plans.data = None;
            return;
        }
        match self.svc.business_of(&s, Some(visit), id) {
            Ok(d) => {
                self.plans.selected = self.plans.selected.min(d.catalog.len().saturating_sub(1));
                self.plans.data = Some(d);
                let n = self.plans.cancellable().len();
                self.plans.service = self.plans.service.min(n.saturating_sub(1));
            }
            Err(e) => self.report(&e),
        }
        // No usage to price is not an error worth a message: the panel says so.
        self.plans.advice = self.svc.advice(&s, Some(visit), id).ok();
    }

    /// Turns a Plans tab request into a confirm dialog that says what changes, when, and the cost.
    pub(crate) fn plans_msg(&mut self, msg: PlansMsg) {
        let lang = self.lang;
        if msg == PlansMsg::Nothing {
            return;
        }
        let Some(c) = &self.customer else {
            self.set_status(t(lang, "status.no_customer"), true);
            return;
        };
        if !c.visit.verified {
            self.set_status(t(lang, "status.verify_first"), true);
            self.popups.push(Popup::Verify(VerifyPopup::default()));
            return;
        }
        let Some(d) = &self.plans.data else {
            return;
        };
        let customer_id = c.view.id;
        let who = format!(
            "{}  {} {}",
            t(lang, "field.phone"),
            c.view.phone_display(),
            c.view.name
        );
        let balance = c.view.balance_fen;
        let now = self.svc.now();
        let today = crate::domain::clock::local_date(now);
        let month_end = crate::service::bills::Month::of(now).last();
        let find = |code: &str| d.catalog.iter().find(|p| p.code == code);
        let (title, body, op) = match msg {
            PlansMsg::Nothing => return,
            PlansMsg::Take(code) => {
                let Some(p) = find(&code) else { return };
                match p.kind.as_str() {
                    "plan" => {
                        if p.code == d.plan.code {
                            self.set_status(t(lang, "plans.is_current"), true);
                            return;
                        }
                        if d.pending.is_some() {
                            self.set_status(t(lang, "plans.one_pending"), true);
                            return;
                        }
                        (
                            t(lang, "plans.confirm.change"),
                            vec![
                                who,
                                format!(
                                    "{}  {} → {}",
                                    t(lang, "plans.what"),
                                    name(&d.plan, lang),
                                    name(p, lang)
                                ),
                                format!(
                                    "{}  {} {}",
                                    t(lang, "plans.when"),
                                    next_first(now),
                                    t(lang, "plans.when_change")
                                ),
                                format!(
                                    "{}  {} → {}{}",
                                    t(lang, "plans.cost"),
                                    Fen(d.plan.fee_fen),
                                    Fen(p.fee_fen),
                                    t(lang, "plans.per_month")
                                ),
                                format!("{}  {}", t(lang, "plans.gets"), contents(p, lang)),
                            ],
                            BusinessOp::ChangePlan(code),
                        )
                    }
                    "pack" => (
                        t(lang, "plans.confirm.pack"),
                        vec![
                            who,
                            format!("{}  {}", t(lang, "plans.what"), name(p, lang)),
                            format!("{}  {}", t(lang, "plans.gets"), contents(p, lang)),
                            format!(
                                "{}  {} → {month_end}",
                                t(lang, "plans.when"),
                                t(lang, "plans.now")
                            ),
                            format!(
                                "{}  {} {}",
                                t(lang, "plans.cost"),
                                Fen(p.fee_fen),
                                t(lang, "plans.charged_now")
                            ),
                            format!(
                                "{}  {} → {}",
                                t(lang, "field.balance"),
                                Fen(balance),
                                Fen(balance - p.fee_fen)
                            ),
                        ],
                        BusinessOp::AddPack(code),
                    ),
                    _ => (
                        t(lang, "plans.confirm.subscribe"),
                        vec![
                            who,
                            format!("{}  {}", t(lang, "plans.what"), name(p, lang)),
                            format!(
                                "{}  {today} {}",
                                t(lang, "plans.when"),
                                t(lang, "plans.when_subscribe")
                            ),
                            format!(
                                "{}  {}{} {}",
                                t(lang, "plans.cost"),
                                Fen(p.fee_fen),
                                t(lang, "plans.per_month"),
                                t(lang, "plans.full_month")
                            ),
                        ],
                        BusinessOp::Subscribe(code),
                    ),
                }
            }
            PlansMsg::CancelChange => {
                let Some(pc) = &d.pending else { return };
                let to = name_or_code(&d.catalog, &pc.to_plan, lang);
                (
                    t(lang, "plans.confirm.cancel_change"),
                    vec![
                        who,
                        format!("{}  {} → {to}", t(lang, "plans.what"), name(&d.plan, lang)),
                        format!(
                            "{}  {} {}",
                            t(lang, "plans.when"),
                            pc.effective_from,
                            t(lang, "plans.when_cancel_change")
                        ),
                        format!(
                            "{}  {}{}",
                            t(lang, "plans.cost"),
                            Fen(d.plan.fee_fen),
                            t(lang, "plans.per_month")
                        ),
                    ],
                    BusinessOp::CancelChange,
                )
            }
            PlansMsg::CancelService(code) => {
                let Some(p) = find(&code) else { return };
                let left = (month_end - today).num_days() + 1;
                (
                    t(lang, "plans.confirm.cancel_service"),
                    vec![
                        who,
                        format!("{}  {}", t(lang, "plans.what"), name(p, lang)),
                        format!(
                            "{}  {month_end} ({left}{})",
                            t(lang, "plans.runs_until"),
                            t(lang, "plans.days_left")
                        ),
                        format!(
                            "{}  {} {}",
                            t(lang, "plans.cost"),
                            Fen(p.fee_fen),
                            t(lang, "plans.this_month_charged")
                        ),
                    ],
                    BusinessOp::CancelService(code),
                )
            }
        };
        self.popups.push(Popup::Confirm(ConfirmPopup::new(
            title,
            body,
            ConfirmAction::Business { customer_id, op },
        )));
    }

    /// Makes a confirmed business change and says what came of it.
    pub(crate) fn business_confirmed(&mut self, s: &Session, customer_id: i64, op: BusinessOp) {
        let lang = self.lang;
        let visit = self.customer.as_ref().map(|c| c.visit_id);
        let result: crate::error::Result<String> = match &op {
            BusinessOp::ChangePlan(code) => {
                self.svc.change_plan(s, visit, customer_id, code).map(|r| {
                    format!(
                        "{} → {}\n{} {}",
                        r.change.from_plan,
                        r.change.to_plan,
                        t(lang, "plans.effective_on"),
                        r.change.effective_from
                    )
                })
            }
            BusinessOp::CancelChange => self
                .svc
                .cancel_plan_change(s, visit, customer_id)
                .map(|r| format!("{} → {} ✘", r.from_plan, r.to_plan)),
            BusinessOp::AddPack(code) => self.svc.add_pack(s, visit, customer_id, code).map(|r| {
                format!(
                    "{}\n{} {} → {}\n{} {}",
                    r.purchase.code,
                    t(lang, "field.balance"),
                    Fen(r.balance_before_fen),
                    Fen(r.balance_after_fen),
                    t(lang, "plans.until"),
                    r.purchase.valid_until
                )
            }),
            BusinessOp::Subscribe(code) => self
                .svc
                .subscribe_vas(s, visit, customer_id, code)
                .map(|r| format!("{}\n{} {}", r.code, t(lang, "plans.since"), r.started_on)),
            BusinessOp::CancelService(code) => {
                self.svc.cancel_vas(s, visit, customer_id, code).map(|r| {
                    format!(
                        "{}\n{} {} ({}{})",
                        r.sub.code,
                        t(lang, "plans.until"),
                        r.sub.ends_on.clone().unwrap_or_default(),
                        r.remaining_days,
                        t(lang, "plans.days_left")
                    )
                })
            }
        };
        self.reload_customer();
        if self.current_tab() != Tab::Plans {
            self.reload_plans();
        }
        let (title, text, error) = match result {
            Ok(text) => (t(lang, "plans.done"), text, false),
            Err(e) => (t(lang, "plans.failed"), e.message(lang), true),
        };
        self.popups.push(Popup::Message(MessagePopup {
            title: title.to_string(),
            text,
            error,
        }));
    }
}
