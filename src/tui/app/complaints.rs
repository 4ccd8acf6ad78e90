//! What the Complaints tab, the new-ticket form and the log popup ask the app to do.

use super::{App, Popup};
use crate::domain::Fen;
use crate::domain::staff::Permission;
use crate::domain::ticket::{Category, RecordKind, TicketStatus};
use crate::service::Session;
use crate::service::complaints::{NewComplaint, TicketQuery, TicketView};
use crate::tui::i18n::t;
use crate::tui::keymap::Action;
use crate::tui::popups::confirm::{ConfirmAction, ConfirmPopup};
use crate::tui::popups::message::MessagePopup;
use crate::tui::popups::record::RecordPopup;
use crate::tui::popups::ticket_form::{TicketForm, TicketInput};
use crate::tui::tabs::complaints::{ComplaintsMsg, View};
use crate::tui::widgets::fit;

impl App {
    /// Reloads the queue of the current view, the satisfaction averages, the customer's service
    /// records and the ticket in detail.
    pub fn reload_complaints(&mut self) {
        let Some(s) = self.session.clone() else {
            return;
        };
        let view = self.complaints.current();
        let (queue, status) = view.query();
        let customer_id = self.customer.as_ref().map(|c| c.view.id);
        let result = (|| -> crate::error::Result<()> {
            if view == View::Customer && customer_id.is_none() {
                self.complaints.tickets.clear();
                self.complaints.records.clear();
            } else {
                self.complaints.tickets = self.svc.tickets(
                    &s,
                    &TicketQuery {
                        view: queue,
                        status,
                        customer_id: if view == View::Customer {
                            customer_id
                        } else {
                            None
                        },
                        text: self.complaints.filter.value().to_string(),
                    },
                )?;
                self.complaints.records = match (view, customer_id) {
                    (View::Customer, Some(id)) => self.svc.service_records(&s, id, 50)?,
                    _ => Vec::new(),
                };
            }
            self.complaints.satisfaction = self.svc.satisfaction()?;
            if let Some(d) = &self.complaints.detail {
                let id = d.ticket.id;
                self.complaints.detail = Some(self.svc.ticket_detail(&s, id)?);
            }
            Ok(())
        })();
        if let Err(e) = result {
            self.report(&e);
        }
        let n = self.complaints.tickets.len();
        self.complaints.selected = self.complaints.selected.min(n.saturating_sub(1));
    }

    fn ticket_in_view(&self, id: i64) -> Option<TicketView> {
        match &self.complaints.detail {
            Some(d) if d.ticket.id == id => Some(d.ticket.clone()),
            _ => self.complaints.tickets.iter().find(|x| x.id == id).cloned(),
        }
    }

    pub(super) fn complaints_msg(&mut self, msg: ComplaintsMsg) {
        let lang = self.lang;
        let Some(s) = self.session.clone() else {
            return;
        };
        match msg {
            ComplaintsMsg::Nothing => {}
            ComplaintsMsg::Reload => self.reload_complaints(),
            ComplaintsMsg::Open(id) => match self.svc.ticket_detail(&s, id) {
                Ok(d) => {
                    self.complaints.detail = Some(d);
                    self.complaints.scroll = 0;
                }
                Err(e) => self.report(&e),
            },
            ComplaintsMsg::NewTicket => {
                let phone = self.customer.as_ref().map(|c| c.view.phone.clone());
                self.popups.push(Popup::TicketForm(Box::new(TicketForm::new(
                    phone.as_deref(),
                ))));
            }
            ComplaintsMsg::Act(id, action) => {
                let Some(tk) = self.ticket_in_view(id) else {
                    return;
                };
                let head = fit(
                    &format!(
                        "#{} {} · {} {} · {}",
                        tk.id,
                        tk.category.label(lang),
                        tk.phone_masked,
                        tk.customer_name,
                        tk.status.label(lang)
                    ),
                    58,
                );
                let move_to = |to: TicketStatus| -> Result<(), String> {
                    tk.status
                        .transition(to)
                        .map(|_| ())
                        .map_err(|p| p.message(lang).to_string())
                };
                let popup = match action {
                    Action::Reply => {
                        if tk.status == TicketStatus::Closed {
                            self.set_status(t(lang, "complaints.closed_no_reply"), true);
                            return;
                        }
                        ConfirmPopup::new(
                            t(lang, "complaints.reply_title"),
                            vec![head, t(lang, "complaints.reply_hint").to_string()],
                            ConfirmAction::TicketReply { id },
                        )
                        .with_field(t(lang, "complaints.reply_label"), false)
                    }
                    Action::Note => ConfirmPopup::new(
                        t(lang, "complaints.note_title"),
                        vec![head, t(lang, "complaints.note_hint").to_string()],
                        ConfirmAction::TicketNote { id },
                    )
                    .with_field(t(lang, "complaints.note_label"), false),
                    Action::Assign => ConfirmPopup::new(
                        t(lang, "complaints.assign_title"),
                        vec![head],
                        ConfirmAction::TicketAssign { id },
                    )
                    .with_field(t(lang, "complaints.assign_label"), false)
                    .prefilled(&s.staff_id),
                    Action::Start | Action::Wait => {
                        let to = if action == Action::Start {
                            TicketStatus::InProgress
                        } else {
                            TicketStatus::WaitingCustomer
                        };
                        if let Err(m) = move_to(to) {
                            self.set_status(m, true);
                            return;
                        }
                        ConfirmPopup::new(
                            t(lang, "complaints.state_title"),
                            vec![
                                head,
                                format!("{} → {}", tk.status.label(lang), to.label(lang)),
                            ],
                            ConfirmAction::TicketState { id, to },
                        )
                        .with_field(t(lang, "complaints.note_optional"), true)
                    }
                    Action::Resolve => {
                        if let Err(m) = move_to(TicketStatus::Resolved) {
                            self.set_status(m, true);
                            return;
                        }
                        ConfirmPopup::new(
                            t(lang, "complaints.resolve_title"),
                            vec![head, t(lang, "complaints.resolve_hint").to_string()],
                            ConfirmAction::TicketResolve { id },
                        )
                        .with_field(t(lang, "complaints.resolution_label"), false)
                        .with_second(t(lang, "complaints.compensation_label"))
                    }
                    Action::CloseTicket => {
                        if let Err(m) = move_to(TicketStatus::Closed) {
                            self.set_status(m, true);
                            return;
                        }
                        ConfirmPopup::new(
                            t(lang, "complaints.close_title"),
                            vec![head, t(lang, "complaints.close_hint").to_string()],
                            ConfirmAction::TicketClose { id },
                        )
                        .with_field(t(lang, "complaints.rating_label"), false)
                        .with_second(t(lang, "complaints.comment_label"))
                    }
                    Action::Approve => {
                        if !s.role.allows(Permission::Supervise) {
                            self.set_status(t(lang, "complaints.supervisor_only"), true);
                            return;
                        }
                        let Some(fen) = tk
                            .compensation_fen
                            .filter(|_| tk.compensation_status.as_deref() == Some("proposed"))
                        else {
                            self.set_status(t(lang, "complaints.no_proposal"), true);
                            return;
                        };
                        ConfirmPopup::new(
                            t(lang, "complaints.approve_title"),
                            vec![
                                head,
                                format!("{}  +{}", t(lang, "complaints.f.compensation"), Fen(fen)),
                                format!(
                                    "{}  {}",
                                    t(lang, "complaints.proposed_by"),
                                    tk.compensation_proposed_by.clone().unwrap_or_default()
                                ),
                                t(lang, "complaints.approve_hint").to_string(),
                            ],
                            ConfirmAction::ApproveCompensation { id },
                        )
                    }
                    _ => return,
                };
                self.popups.push(Popup::Confirm(popup));
            }
        }
    }

    pub(super) fn ticket_confirmed(
        &mut self,
        s: &Session,
        action: ConfirmAction,
        text: &str,
        second: &str,
    ) {
        let lang = self.lang;
        let result = match action {
            ConfirmAction::TicketState { id, to } => self
                .svc
                .ticket_transition(s, id, to, text)
                .map(|_| t(lang, "complaints.done.state").to_string()),
            ConfirmAction::TicketReply { id } => self
                .svc
                .ticket_reply(s, id, text)
                .map(|_| t(lang, "complaints.done.reply").to_string()),
            ConfirmAction::TicketNote { id } => self
                .svc
                .ticket_note(s, id, text)
                .map(|_| t(lang, "complaints.done.note").to_string()),
            ConfirmAction::TicketAssign { id } => self
                .svc
                .ticket_assign(s, id, text)
                .map(|_| format!("{} {text}", t(lang, "complaints.done.assign"))),
            ConfirmAction::TicketResolve { id } => {
                let compensation = if second.is_empty() {
                    Ok(None)
                } else {
                    Fen::parse(second).map(Some)
                };
                match compensation {
                    Ok(c) => self
                        .svc
                        .ticket_resolve(s, id, text, c)
                        .map(|_| t(lang, "complaints.done.resolve").to_string()),
                    Err(p) => Err(p.into()),
                }
            }
            ConfirmAction::TicketClose { id } => match text.trim().parse::<i64>() {
                Ok(r) => self
                    .svc
                    .ticket_close(s, id, r, second)
                    .map(|_| t(lang, "complaints.done.close").to_string()),
                Err(_) => Err(crate::domain::ticket::validate_rating(0)
                    .map(|_| ())
                    .unwrap_err()
                    .into()),
            },
            ConfirmAction::ApproveCompensation { id } => {
                self.svc.approve_compensation(s, id).map(|r| {
                    format!(
                        "{} +{} → {}",
                        t(lang, "complaints.done.approve"),
                        Fen(r.amount_fen),
                        Fen(r.balance_after_fen)
                    )
                })
            }
            _ => return,
        };
        match result {
            Ok(msg) => {
                self.reload_customer();
                self.reload_complaints();
                self.latest_notice = self.svc.latest_notice().unwrap_or(None);
                self.set_status(msg, false);
            }
            Err(e) => {
                self.reload_complaints();
                self.popups.push(Popup::Message(MessagePopup {
                    title: t(lang, "complaints.failed").to_string(),
                    text: e.message(lang),
                    error: true,
                }));
            }
        }
    }

    pub(super) fn open_ticket(&mut self, input: TicketInput) {
        let lang = self.lang;
        let Some(s) = self.session.clone() else {
            return;
        };
        let opened = self.svc.find_customer(&input.phone).and_then(|c| {
            self.svc.open_ticket(
                &s,
                &NewComplaint {
                    customer_id: c.id,
                    category: input.category,
                    priority: input.priority,
                    channel: input.channel,
                    description: input.text.clone(),
                    disputed_month: input.month.clone(),
                    assignee: None,
                },
            )
        });
        match opened {
            Ok(tk) => {
                self.popups.pop();
                let id = tk.id;
                self.reload_customer();
                self.reload_complaints();
                if let Ok(d) = self.svc.ticket_detail(&s, id) {
                    self.complaints.detail = Some(d);
                    self.complaints.scroll = 0;
                }
                self.latest_notice = self.svc.latest_notice().unwrap_or(None);
                let mut msg = format!("{} #{id}", t(lang, "complaints.done.open"));
                if tk.stale_dispute {
                    msg.push_str(&format!(" · ⚠ {}", t(lang, "complaints.stale")));
                }
                self.set_status(msg, false);
            }
            Err(e) => {
                if let Some(Popup::TicketForm(f)) = self.popups.last_mut() {
                    f.error = Some(e.message(lang));
                }
            }
        }
    }

    pub(super) fn open_record(&mut self) {
        if self.customer.is_none() {
            self.set_status(t(self.lang, "status.no_customer"), true);
            return;
        }
        self.popups.push(Popup::Record(RecordPopup::new()));
    }

    pub(super) fn log_record(&mut self, kind: RecordKind, category: Category, notes: String) {
        let lang = self.lang;
        let (Some(s), Some(c)) = (self.session.clone(), self.customer.as_ref()) else {
            return;
        };
        let id = c.view.id;
        match self.svc.record_service(&s, id, kind, category, &notes) {
            Ok(r) => {
                self.popups.pop();
                let mut msg = format!(
                    "{} {} · {}",
                    t(lang, "record.done"),
                    r.kind.label(lang),
                    r.category.label(lang)
                );
                if let Some(tk) = r.ticket_id {
                    msg.push_str(&format!(" → {} #{tk}", t(lang, "complaints.ticket")));
                }
                self.reload_customer();
                self.reload_complaints();
                self.latest_notice = self.svc.latest_notice().unwrap_or(None);
                self.set_status(msg, false);
            }
            Err(e) => {
                self.popups.pop();
                self.report(&e);
            }
        }
    }
}
