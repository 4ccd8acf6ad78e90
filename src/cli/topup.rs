//! `touchpoint topup …` and `touchpoint payment …`.

use super::{Env, StaffArg, login, output};
use crate::domain::topup::{Channel, PaymentStatus, refund_rule};
use crate::domain::{Fen, Lang, Problem};
use crate::error::Result;
use crate::service::Service;
use crate::service::topup::{TopUpRecord, TopUpRequest, new_request_id, receipt_text};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `topup PHONE AMOUNT --channel …`.
#[derive(Debug, Args)]
pub struct TopUpArgs {
    /// Phone number (spaces, dashes and +86 are fine).
    pub phone: String,
    /// Amount in yuan: a preset (10 20 30 50 100 200 300 500) or any amount from 1 to 5000.
    #[arg(allow_hyphen_values = true)]
    pub amount: String,
    /// How the payer pays: cash, card, alipay or wechat.
    #[arg(long)]
    pub channel: String,
    /// Idempotency key: repeating a request id credits once and reports the first result.
    #[arg(long, value_name = "ID")]
    pub request_id: Option<String>,
    #[command(flatten)]
    pub staff: StaffArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Testing aid (the crash test): make N top-ups with request ids ID-0 … ID-(N-1).
    #[arg(long, hide = true, default_value_t = 1)]
    pub repeat: u32,
}

/// Payments of top-ups: list, show, complete or void a pending one, refund, receipt.
#[derive(Debug, Subcommand)]
pub enum PaymentCmd {
    /// List top-up payments, newest first.
    List {
        /// Only this status: pending, approved, declined or voided.
        #[arg(long)]
        status: Option<String>,
        /// Only this customer.
        #[arg(long)]
        phone: Option<String>,
        /// At most this many (default 50).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one payment by id or receipt serial, with what may still be refunded.
    Show {
        /// Payment id or serial (TU…).
        payment: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Complete a pending payment: the gateway is asked again, and only a confirmed payment credits.
    Complete {
        /// Payment id or serial.
        payment: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Void a pending payment: nothing is credited.
    Void {
        /// Payment id or serial.
        payment: String,
        /// Why.
        #[arg(long, default_value = "")]
        reason: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Refund an approved top-up (supervisor). Without --amount, the most the rule allows.
    Refund {
        /// Payment id or serial.
        payment: String,
        /// Amount to take back from the balance, in yuan.
        #[arg(long)]
        amount: Option<String>,
        /// Why (required).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a receipt, or write it to a text file with --out.
    Receipt {
        /// Payment id or serial.
        payment: String,
        /// Write to this file instead of printing.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        staff: StaffArg,
    },
}

fn outcome(r: &TopUpRecord) -> Result<()> {
    match r.status {
        PaymentStatus::Approved => Ok(()),
        PaymentStatus::Declined => Err(Problem::refused(
            format!("支付被拒绝（{}）：未充值，余额未变", r.status_note),
            format!(
                "the payment was declined ({}): nothing was credited",
                r.status_note
            ),
        )
        .into()),
        PaymentStatus::Pending => Err(Problem::refused(
            format!(
                "支付未确认，已记为待确认（编号 {}，流水号 {}）：未充值；用 payment complete 或 payment void 处理",
                r.id, r.serial
            ),
            format!(
                "the payment is not confirmed and stays pending (id {}, serial {}): nothing was credited; use payment complete or payment void",
                r.id, r.serial
            ),
        )
        .into()),
        PaymentStatus::Voided => Err(Problem::refused(
            format!("这笔支付已作废（{}）：未充值", r.serial),
            format!("this payment was voided ({}): nothing was credited", r.serial),
        )
        .into()),
    }
}

fn print_record(r: &TopUpRecord, lang: Lang, json: bool) -> Result<()> {
    if json {
        output::json(r)?;
    } else {
        if r.replayed {
            println!(
                "{}",
                lang.pick(
                    "（同一请求号已处理过：以下是第一次的结果，未重复充值）",
                    "(this request id was already handled: here is its first result; nothing was credited again)"
                )
            );
        }
        print!("{}", receipt_text(r, lang));
    }
    outcome(r)
}

/// Runs `topup`.
pub fn run_topup(env: &Env, a: TopUpArgs) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let s = login(&mut svc, &a.staff)?;
    let channel = Channel::parse(&a.channel)?;
    let amount = svc.topup_rules().parse_amount(&a.amount)?;
    if a.repeat > 1 {
        let base = a.request_id.unwrap_or_else(new_request_id);
        for i in 0..a.repeat {
            svc.top_up(
                &s,
                &TopUpRequest {
                    phone: a.phone.clone(),
                    amount,
                    channel,
                    request_id: format!("{base}-{i}"),
                },
            )?;
        }
        return Ok(());
    }
    let r = svc.top_up(
        &s,
        &TopUpRequest {
            phone: a.phone,
            amount,
            channel,
            request_id: a.request_id.unwrap_or_else(new_request_id),
        },
    )?;
    print_record(&r, env.lang, a.json)
}

/// Runs a payment command.
pub fn run_payment(env: &Env, cmd: PaymentCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        PaymentCmd::List {
            status,
            phone,
            limit,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let status = status.as_deref().map(PaymentStatus::parse).transpose()?;
            let list = svc.payments(&s, status, phone.as_deref(), Some(limit))?;
            if json {
                return output::json(&list);
            }
            let header = match lang {
                Lang::Zh => [
                    "编号",
                    "流水号",
                    "号码",
                    "渠道",
                    "实付",
                    "到账",
                    "状态",
                    "时间",
                ],
                Lang::En => [
                    "id", "serial", "phone", "channel", "paid", "credited", "status", "time",
                ],
            };
            let rows = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.serial.clone(),
                        r.phone_masked.clone(),
                        r.channel.label(lang).to_string(),
                        Fen(r.paid_fen).to_string(),
                        Fen(r.credited_fen).to_string(),
                        r.status.label(lang).to_string(),
                        crate::domain::clock::local_stamp(&r.created_at, "%Y-%m-%d %H:%M"),
                    ]
                })
                .collect();
            println!("{}", output::table(&header, rows));
            println!("{} {}", list.len(), lang.pick("笔", "payments"));
            Ok(())
        }
        PaymentCmd::Show {
            payment,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let r = svc.payment(&s, &payment)?;
            let limit = svc.refund_limit(&s, &payment)?;
            if json {
                let mut v =
                    serde_json::to_value(&r).map_err(|e| std::io::Error::other(e.to_string()))?;
                v["refundable_fen"] = limit.refundable_fen.into();
                return output::json(&v);
            }
            print!("{}", receipt_text(&r, lang));
            println!(
                "{} {}",
                lang.pick("可退金额", "refundable now"),
                Fen(limit.refundable_fen)
            );
            println!("{}", refund_rule(lang));
            Ok(())
        }
        PaymentCmd::Complete {
            payment,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let r = svc.payment_complete(&s, &payment)?;
            print_record(&r, lang, json)
        }
        PaymentCmd::Void {
            payment,
            reason,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let r = svc.payment_void(&s, &payment, &reason)?;
            if json {
                output::json(&r)
            } else {
                print!("{}", receipt_text(&r, lang));
                Ok(())
            }
        }
        PaymentCmd::Refund {
            payment,
            amount,
            reason,
            staff,
            json,
        } => {
            let s = login(&mut svc, &staff)?;
            let amount = amount.as_deref().map(Fen::parse).transpose()?;
            let r = svc.payment_refund(&s, &payment, amount, &reason)?;
            if json {
                return output::json(&r);
            }
            print!(
                "{}",
                output::fields(&[
                    (lang.pick("流水号", "serial"), r.serial.clone()),
                    (lang.pick("号码", "number"), r.phone_masked.clone()),
                    (
                        lang.pick("退款（扣回余额）", "refunded from balance"),
                        Fen(r.amount_fen).to_string()
                    ),
                    (
                        lang.pick("退还付款人", "returned to payer"),
                        Fen(r.returned_fen).to_string()
                    ),
                    (
                        lang.pick("退款后余额", "balance after"),
                        Fen(r.balance_after_fen).to_string()
                    ),
                    (lang.pick("原因", "reason"), r.reason.clone()),
                ])
            );
            Ok(())
        }
        PaymentCmd::Receipt {
            payment,
            out,
            staff,
        } => {
            let s = login(&mut svc, &staff)?;
            let r = svc.payment(&s, &payment)?;
            let text = receipt_text(&r, lang);
            match out {
                Some(path) => {
                    std::fs::write(&path, text)?;
                    println!(
                        "{} {}",
                        lang.pick("收据已写入", "receipt written to"),
                        path.display()
                    );
                }
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}
