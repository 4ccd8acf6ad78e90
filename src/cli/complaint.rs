//! `touchpoint complaint …`: open, list, show, reply, note, assign, state, compensate, close,
//! and counter service records (record, history).

use super::{Env, StaffArg, login, output};
use crate::domain::ticket::{
    Category, Channel, Priority, RecordKind, TicketStatus, short_duration,
};
use crate::domain::{Fen, Lang, Problem, clock};
use crate::error::Result;
use crate::service::Service;
use crate::service::complaints::{NewComplaint, QueueView, TicketQuery, TicketView};
use clap::Subcommand;

/// Complaint commands.
#[derive(Debug, Subcommand)]
pub enum ComplaintCmd {
    /// Open a complaint ticket for a customer (no verification needed).
    Open {
        /// Phone number.
        phone: String,
        /// billing_dispute, unknown_vas, network_quality, service_attitude, points, top_up, other.
        #[arg(long)]
        category: String,
        /// What the customer says.
        #[arg(long)]
        text: String,
        /// low, normal (default), high, urgent.
        #[arg(long, default_value = "normal")]
        priority: String,
        /// counter (default), hotline (10086), online.
        #[arg(long, default_value = "counter")]
        channel: String,
        /// For a billing dispute: the disputed billing month, YYYY-MM.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Assign it at once to this staff id.
        #[arg(long, value_name = "ID")]
        assign: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The queue, most urgent first: all tickets, or by status, overdue, mine, unassigned, customer.
    List {
        /// new, in_progress, waiting_customer, resolved, closed.
        #[arg(long)]
        status: Option<String>,
        /// Only open tickets past a target.
        #[arg(long)]
        overdue: bool,
        /// Only open tickets assigned to me.
        #[arg(long)]
        mine: bool,
        /// Only open tickets nobody has taken.
        #[arg(long)]
        unassigned: bool,
        /// Only this customer's tickets.
        #[arg(long)]
        phone: Option<String>,
        /// Text to find (number, phone, category, description, assignee).
        #[arg(long)]
        search: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// One ticket with its SLA and timeline.
    Show {
        /// Ticket number.
        id: i64,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Send the customer a reply (an SMS notice); the first one meets the first-response target.
    Reply {
        /// Ticket number.
        id: i64,
        /// The reply.
        #[arg(long)]
        text: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Add an internal note (never sent to the customer).
    Note {
        /// Ticket number.
        id: i64,
        /// The note.
        #[arg(long)]
        text: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Assign a ticket to a staff member.
    Assign {
        /// Ticket number.
        id: i64,
        /// Staff id.
        #[arg(long, value_name = "ID")]
        to: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change state: in_progress (start, resume, reopen), waiting_customer (pauses the SLA),
    /// resolved (needs --text; --compensation proposes a credit for a supervisor to approve).
    State {
        /// Ticket number.
        id: i64,
        /// in_progress, waiting_customer or resolved (closing is `complaint close`).
        status: String,
        /// A note; for resolved, the resolution sent to the customer.
        #[arg(long, default_value = "")]
        text: String,
        /// With resolved: propose this balance credit, e.g. 20 or 20.50.
        #[arg(long, value_name = "AMOUNT")]
        compensation: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Approve a proposed compensation (supervisor): credits the balance once, linked to the ticket.
    Compensate {
        /// Ticket number.
        id: i64,
        /// Decline it instead, with this reason.
        #[arg(long, value_name = "REASON")]
        decline: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Close a resolved ticket with the customer's satisfaction rating.
    Close {
        /// Ticket number.
        id: i64,
        /// 1 (very unhappy) to 5 (very happy).
        #[arg(long)]
        rating: i64,
        /// The customer's comment.
        #[arg(long, default_value = "")]
        comment: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Log a counter interaction: enquiry, transaction or complaint (a complaint opens a ticket).
    Record {
        /// Phone number.
        phone: String,
        /// enquiry (咨询), transaction (办理) or complaint (投诉).
        #[arg(long)]
        kind: String,
        /// A category, as for `open` (default other).
        #[arg(long, default_value = "other")]
        category: String,
        /// Notes.
        #[arg(long, default_value = "")]
        text: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A customer's service records, newest first.
    History {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// The SLA cell: what is due next and how it stands.
pub fn sla_text(t: &TicketView, lang: Lang) -> String {
    if !t.status.is_open() {
        return t.sla.resolution.state.label(lang).to_string();
    }
    let c = t.sla.next();
    let left = short_duration(c.remaining_secs, lang);
    match c.state {
        crate::domain::ticket::SlaState::Overdue => {
            format!("{} {left}", c.state.label(lang))
        }
        crate::domain::ticket::SlaState::Paused => {
            format!("{} ({left})", c.state.label(lang))
        }
        _ => format!("{} {left}", lang.pick("剩", "left")),
    }
}

fn print_ticket(t: &TicketView, lang: Lang) {
    let mut pairs = vec![
        (lang.pick("工单", "ticket"), format!("#{}", t.id)),
        (
            lang.pick("状态", "status"),
            t.status.label(lang).to_string(),
        ),
        (
            lang.pick("客户", "customer"),
            format!("{} {}", t.phone_masked, t.customer_name),
        ),
        (
            lang.pick("类别", "category"),
            t.category.label(lang).to_string(),
        ),
        (
            lang.pick("优先级", "priority"),
            t.priority.label(lang).to_string(),
        ),
        (
            lang.pick("渠道", "channel"),
            t.channel.label(lang).to_string(),
        ),
        (
            lang.pick("处理人", "assignee"),
            t.assignee.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            lang.pick("受理时间", "opened"),
            clock::local_stamp(&t.opened_at, "%Y-%m-%d %H:%M"),
        ),
        (lang.pick("时限", "SLA"), sla_text(t, lang)),
    ];
    if let Some(m) = &t.disputed_month {
        let flag = if t.stale_dispute {
            lang.pick(" ⚠ 超过5个月", " ⚠ older than 5 months")
        } else {
            ""
        };
        pairs.push((
            lang.pick("争议账期", "disputed month"),
            format!("{m}{flag}"),
        ));
    }
    if let Some(f) = t.compensation_fen {
        pairs.push((
            lang.pick("补偿", "compensation"),
            format!(
                "{} ({})",
                Fen(f),
                t.compensation_status.clone().unwrap_or_default()
            ),
        ));
    }
    if let Some(r) = t.rating {
        pairs.push((lang.pick("满意度", "rating"), format!("{r}/5")));
    }
    print!("{}", output::fields(&pairs));
}

fn done(t: &TicketView, json: bool, lang: Lang, what_zh: &str, what_en: &str) -> Result<()> {
    if json {
        return output::json(t);
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("工单 #{}：{what_zh}（{}）", t.id, t.status.label(lang)),
            Lang::En => format!("ticket #{}: {what_en} ({})", t.id, t.status.label(lang)),
        }
    );
    Ok(())
}

/// Runs a complaint command.
pub fn run(env: &Env, cmd: ComplaintCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        ComplaintCmd::Open {
            phone,
            category,
            text,
            priority,
            channel,
            month,
            assign,
            staff,
            json,
        } => {
            // Bad input is reported before login and before the customer lookup.
            let category = Category::parse(&category)?;
            let priority = Priority::parse(&priority)?;
            let channel = Channel::parse(&channel)?;
            let s = login(&mut svc, &staff)?;
            let customer = svc.find_customer(&phone)?;
            let c = NewComplaint {
                customer_id: customer.id,
                category,
                priority,
                channel,
                description: text,
                disputed_month: month,
                assignee: assign,
            };
            let t = svc.open_ticket(&s, &c)?;
            if json {
                return output::json(&t);
            }
            print_ticket(&t, lang);
            Ok(())
        }
        ComplaintCmd::List {
            status,
            overdue,
            mine,
            unassigned,
            phone,
            search,
            staff,
            json,
        } => {
            let status = status.as_deref().map(TicketStatus::parse).transpose()?;
            let view = match (overdue, mine, unassigned) {
                (false, false, false) => QueueView::All,
                (true, false, false) => QueueView::Overdue,
                (false, true, false) => QueueView::Mine,
                (false, false, true) => QueueView::Unassigned,
                _ => {
                    return Err(Problem::bad_input(
                        "--overdue、--mine、--unassigned 只能选一个",
                        "give at most one of --overdue, --mine and --unassigned",
                    )
                    .into());
                }
            };
            let s = login(&mut svc, &staff)?;
            let customer_id = match phone {
                Some(p) => Some(svc.find_customer(&p)?.id),
                None => None,
            };
            let list = svc.tickets(
                &s,
                &TicketQuery {
                    view,
                    status,
                    customer_id,
                    text: search.unwrap_or_default(),
                },
            )?;
            if json {
                return output::json(&list);
            }
            let avg = svc.satisfaction()?;
            if !avg.is_empty() {
                let parts: Vec<String> = avg
                    .iter()
                    .map(|a| format!("{} {:.1}", a.category.label(lang), a.average))
                    .collect();
                println!(
                    "{}: {}",
                    lang.pick("满意度", "satisfaction"),
                    parts.join(" · ")
                );
            }
            let rows = list
                .iter()
                .map(|t| {
                    vec![
                        t.id.to_string(),
                        t.status.label(lang).to_string(),
                        t.priority.label(lang).to_string(),
                        t.category.label(lang).to_string(),
                        t.phone_masked.clone(),
                        t.assignee.clone().unwrap_or_else(|| "-".into()),
                        sla_text(t, lang),
                        if t.stale_dispute {
                            "⚠".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => [
                    "工单",
                    "状态",
                    "优先级",
                    "类别",
                    "号码",
                    "处理人",
                    "时限",
                    "标记",
                ],
                Lang::En => [
                    "ticket", "status", "priority", "category", "phone", "assignee", "SLA", "flag",
                ],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        ComplaintCmd::Show { id, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let d = svc.ticket_detail(&s, id)?;
            if json {
                return output::json(&d);
            }
            print_ticket(&d.ticket, lang);
            println!("\n{}", d.ticket.description);
            if let Some(r) = &d.ticket.resolution {
                println!("\n{}: {r}", lang.pick("处理结果", "resolution"));
            }
            println!();
            for e in &d.timeline {
                println!(
                    "{}  {:<8} {:<12} {}",
                    clock::local_stamp(&e.created_at, "%Y-%m-%d %H:%M"),
                    e.staff_id,
                    e.kind,
                    match (&e.from_status, &e.to_status) {
                        (Some(a), Some(b)) => format!("{a} → {b} {}", e.text),
                        _ => e.text.clone(),
                    }
                );
            }
            Ok(())
        }
        ComplaintCmd::Reply {
            id,
            text,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let t = svc.ticket_reply(&s, id, &text)?;
            done(
                &t,
                json,
                lang,
                "已回复客户（短信已发送）",
                "reply sent to the customer",
            )
        }
        ComplaintCmd::Note {
            id,
            text,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let t = svc.ticket_note(&s, id, &text)?;
            done(&t, json, lang, "已添加内部备注", "internal note added")
        }
        ComplaintCmd::Assign {
            id,
            to,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let t = svc.ticket_assign(&s, id, &to)?;
            done(
                &t,
                json,
                lang,
                &format!("已指派给 {to}"),
                &format!("assigned to {to}"),
            )
        }
        ComplaintCmd::State {
            id,
            status,
            text,
            compensation,
            staff,
            json,
        } => {
            let to = TicketStatus::parse(&status)?;
            let compensation = compensation.as_deref().map(Fen::parse).transpose()?;
            if compensation.is_some() && to != TicketStatus::Resolved {
                return Err(Problem::bad_input(
                    "--compensation 只能在解决工单时提议",
                    "--compensation can only be proposed when resolving",
                )
                .into());
            }
            let s = login(&mut svc, &staff)?;
            let t = if to == TicketStatus::Resolved {
                svc.ticket_resolve(&s, id, &text, compensation)?
            } else {
                svc.ticket_transition(&s, id, to, &text)?
            };
            done(&t, json, lang, "状态已更新", "state changed")
        }
        ComplaintCmd::Compensate {
            id,
            decline,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            if let Some(reason) = decline {
                let t = svc.decline_compensation(&s, id, &reason)?;
                return done(&t, json, lang, "补偿已拒绝", "compensation declined");
            }
            let r = svc.approve_compensation(&s, id)?;
            if json {
                return output::json(&r);
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "工单 #{} 补偿 {} 已入账（流水 {}），余额 {}",
                        r.ticket_id,
                        Fen(r.amount_fen),
                        r.ledger_id,
                        Fen(r.balance_after_fen)
                    ),
                    Lang::En => format!(
                        "ticket #{}: {} credited (ledger entry {}), balance {}",
                        r.ticket_id,
                        Fen(r.amount_fen),
                        r.ledger_id,
                        Fen(r.balance_after_fen)
                    ),
                }
            );
            Ok(())
        }
        ComplaintCmd::Close {
            id,
            rating,
            comment,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let t = svc.ticket_close(&s, id, rating, &comment)?;
            done(&t, json, lang, "已关闭", "closed")
        }
        ComplaintCmd::Record {
            phone,
            kind,
            category,
            text,
            staff,
            json,
        } => {
            let kind = RecordKind::parse(&kind)?;
            let category = Category::parse(&category)?;
            let s = login(&mut svc, &staff)?;
            let c = svc.find_customer(&phone)?;
            let r = svc.record_service(&s, c.id, kind, category, &text)?;
            if json {
                return output::json(&r);
            }
            let ticket = r
                .ticket_id
                .map(|t| format!(" → {} #{t}", lang.pick("工单", "ticket")))
                .unwrap_or_default();
            println!(
                "{} #{}: {} · {}{ticket}",
                lang.pick("服务记录", "service record"),
                r.id,
                r.kind.label(lang),
                r.category.label(lang)
            );
            Ok(())
        }
        ComplaintCmd::History { phone, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let c = svc.find_customer(&phone)?;
            let list = svc.service_records(&s, c.id, 500)?;
            if json {
                return output::json(&list);
            }
            let rows = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        clock::local_stamp(&r.created_at, "%Y-%m-%d %H:%M"),
                        r.kind.label(lang).to_string(),
                        r.category.label(lang).to_string(),
                        r.ticket_id.map(|t| format!("#{t}")).unwrap_or_default(),
                        r.staff_id.clone(),
                        crate::tui::widgets::fit(&r.notes, 40),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["编号", "时间", "类型", "类别", "工单", "工号", "备注"],
                Lang::En => ["id", "time", "kind", "category", "ticket", "staff", "notes"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
    }
}
