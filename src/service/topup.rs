//! Quick top-up (快捷充值): take a payment, credit the balance, reactivate, notify, audit;
//! pending payments completed or voided later; supervisor refunds.
//!
//! A top-up runs in two short transactions around the gateway call, so no terminal holds the
//! database while a payment gateway thinks: the first records the payment as pending under its
//! request id (the idempotency key), the second settles it — and only an approved payment is
//! credited, in the same transaction that marks it approved. A crash between the two leaves a
//! pending payment that the clerk completes or voids; nothing is credited twice or without pay.

use super::gateway::{ChargeRequest, GatewayOutcome};
use super::{Service, Session};
use crate::assets;
use crate::domain::customer::{CustomerStatus, mask_name};
use crate::domain::staff::Permission;
use crate::domain::topup::{
    self, Channel, PaymentStatus, Quote, TopUpRules, check_refund, refundable, returned_to_payer,
};
use crate::domain::{Fen, Lang, Msisdn, Problem, ProblemKind, clock};
use crate::error::Result;
use crate::store::customers::CustomerRow;
use crate::store::ledger::{EntryKind, Posting};
use crate::store::topups::{NewPayment, PaymentFilter, PaymentRow};
use crate::store::{self, audit::Outcome};
use rand::Rng;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A top-up to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopUpRequest {
    /// Phone as typed (spaces, dashes and +86 are fine).
    pub phone: String,
    /// The face value: a preset or a custom amount.
    pub amount: Fen,
    /// How the payer pays.
    pub channel: Channel,
    /// Idempotency key: the same request never credits twice.
    pub request_id: String,
}

/// The number a top-up is for, as the screen shows it before anything is paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopUpTarget {
    /// Customer id.
    pub customer_id: i64,
    /// The 11 digits.
    pub phone: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// `张*华`: enough to confirm the right number, no more (the payer may be anyone).
    pub name_masked: String,
    /// Brand name in Chinese.
    pub brand_name_zh: String,
    /// Brand name in English.
    pub brand_name_en: String,
    /// Line status.
    pub status: CustomerStatus,
    /// Balance in fen (needs no verification, SPEC).
    pub balance_fen: i64,
}

impl TopUpTarget {
    /// The brand name in a language.
    pub fn brand_name(&self, lang: Lang) -> &str {
        lang.pick(&self.brand_name_zh, &self.brand_name_en)
    }
}

/// A top-up payment as made or found: what the CLI prints and the receipt shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopUpRecord {
    /// Payment id.
    pub id: i64,
    /// Idempotency key.
    pub request_id: String,
    /// Receipt serial.
    pub serial: String,
    /// Customer id.
    pub customer_id: i64,
    /// The 11 digits.
    pub phone: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// Masked name.
    pub name: String,
    /// Channel.
    pub channel: Channel,
    /// Face value chosen.
    pub amount_fen: i64,
    /// What the payer paid.
    pub paid_fen: i64,
    /// What the balance got.
    pub credited_fen: i64,
    /// Promotion code.
    pub promotion: Option<String>,
    /// Promotion name in Chinese.
    pub promotion_name_zh: Option<String>,
    /// Promotion name in English.
    pub promotion_name_en: Option<String>,
    /// `pending`, `approved`, `declined`, `voided`.
    pub status: PaymentStatus,
    /// Why declined or voided.
    pub status_note: String,
    /// The balance right after this top-up (approved only).
    pub balance_after_fen: Option<i64>,
    /// This top-up reactivated a suspended line (复机).
    pub reactivated: bool,
    /// Refunded so far.
    pub refunded_fen: i64,
    /// Who took the payment.
    pub staff_id: String,
    /// Their name.
    pub staff_name: String,
    /// Created (RFC 3339 UTC).
    pub created_at: String,
    /// Approved, declined or voided (RFC 3339 UTC).
    pub settled_at: Option<String>,
    /// The top-up ledger entry.
    pub ledger_entry_id: Option<i64>,
    /// True when this call found an earlier request with the same id and credited nothing new.
    pub replayed: bool,
}

impl TopUpRecord {
    /// The promotion's name in a language.
    pub fn promotion_name(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Zh => self.promotion_name_zh.as_deref(),
            Lang::En => self.promotion_name_en.as_deref(),
        }
    }
}

/// A refund as made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundRecord {
    /// Refund id.
    pub id: i64,
    /// The top-up refunded.
    pub payment_id: i64,
    /// Its serial.
    pub serial: String,
    /// `138****8000`.
    pub phone_masked: String,
    /// Taken off the balance.
    pub amount_fen: i64,
    /// Handed back to the payer.
    pub returned_fen: i64,
    /// Why.
    pub reason: String,
    /// Supervisor.
    pub staff_id: String,
    /// When (RFC 3339 UTC).
    pub created_at: String,
    /// The balance after.
    pub balance_after_fen: i64,
    /// The reversal ledger entry.
    pub ledger_entry_id: i64,
}

/// How much of a top-up can still be refunded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundLimit {
    /// What the top-up credited.
    pub credited_fen: i64,
    /// What it paid.
    pub paid_fen: i64,
    /// The customer's balance now.
    pub balance_fen: i64,
    /// Refunded before (a top-up is refunded once).
    pub already_refunded: bool,
    /// The most that may be refunded now.
    pub refundable_fen: i64,
}

/// A fresh idempotency key (the TUI makes one per confirmation, the CLI when none is given).
pub fn new_request_id() -> String {
    let n: u128 = rand::thread_rng().r#gen();
    format!("{n:032x}")
}

fn masked_phone(phone: &str) -> String {
    crate::domain::phone::mask_stored(phone).unwrap_or_else(|| phone.to_string())
}

fn not_found_payment(key: &str) -> Problem {
    Problem::not_found(
        format!("没有编号或流水号为 {key} 的充值"),
        format!("no top-up with id or serial {key}"),
    )
}

impl Service {
    /// The top-up rules (presets, limits, promotions) from `assets/topup.toml`.
    pub fn topup_rules(&self) -> &'static TopUpRules {
        assets::topup_rules()
    }

    /// Who a number is, for the top-up screen: bad input (exit 2) for a malformed number or
    /// another operator's, not found (exit 3) for an unknown one, refused (exit 4) when closed.
    pub fn topup_target(&self, phone: &str) -> Result<TopUpTarget> {
        let row = self.topup_customer(phone)?;
        row.status.ensure_writable()?;
        let brand = store::catalog::brand(&self.conn, &row.brand)?;
        Ok(TopUpTarget {
            customer_id: row.id,
            phone_masked: masked_phone(&row.phone),
            phone: row.phone,
            name_masked: mask_name(&row.name),
            brand_name_zh: brand
                .as_ref()
                .map(|b| b.name_zh.clone())
                .unwrap_or_default(),
            brand_name_en: brand
                .as_ref()
                .map(|b| b.name_en.clone())
                .unwrap_or_default(),
            status: row.status,
            balance_fen: row.balance_fen,
        })
    }

    fn topup_customer(&self, phone: &str) -> Result<CustomerRow> {
        let m = Msisdn::parse(phone)?;
        if !m.is_this_operator() {
            return Err(Problem::bad_input(
                format!("{} 不是中国移动号码：这里只能给本网号码充值", m.masked()),
                format!(
                    "{} is not a China Mobile number: only this operator's numbers can be topped up here",
                    m.masked()
                ),
            )
            .into());
        }
        self.find_customer(m.as_str())
    }

    /// What an amount on a channel comes to today: paid, credited and the promotion applied.
    pub fn topup_quote(&self, amount: Fen, channel: Channel) -> Result<Quote> {
        let rules = self.topup_rules();
        rules.check_amount(amount)?;
        Ok(rules.quote(amount, channel, clock::local_date(self.now())))
    }

    fn record(&self, p: PaymentRow, replayed: bool) -> Result<TopUpRecord> {
        let promo = p.promotion.as_deref().and_then(|code| {
            self.topup_rules()
                .promotions
                .iter()
                .find(|x| x.code == code)
                .cloned()
        });
        let staff_name = store::staff::get(&self.conn, &p.staff_id)?
            .map(|s| s.name)
            .unwrap_or_default();
        Ok(TopUpRecord {
            id: p.id,
            request_id: p.request_id,
            serial: p.serial,
            customer_id: p.customer_id,
            phone_masked: masked_phone(&p.phone),
            phone: p.phone,
            name: mask_name(&p.name),
            channel: p.channel,
            amount_fen: p.amount.0,
            paid_fen: p.paid.0,
            credited_fen: p.credited.0,
            promotion_name_zh: promo.as_ref().map(|x| x.name_zh.clone()),
            promotion_name_en: promo.as_ref().map(|x| x.name_en.clone()),
            promotion: p.promotion,
            status: p.status,
            status_note: p.status_note,
            balance_after_fen: p.balance_after.map(|f| f.0),
            reactivated: p.reactivated,
            refunded_fen: p.refunded.0,
            staff_id: p.staff_id,
            staff_name,
            created_at: p.created_at,
            settled_at: p.settled_at,
            ledger_entry_id: p.ledger_entry_id,
            replayed,
        })
    }

    fn payment_row(&self, key: &str) -> Result<PaymentRow> {
        let key = key.trim();
        let found = match key.parse::<i64>() {
            Ok(id) => store::topups::get(&self.conn, id)?,
            Err(_) => store::topups::by_serial(&self.conn, &key.to_ascii_uppercase())?,
        };
        found.ok_or_else(|| not_found_payment(key).into())
    }

    /// Tops up a number: no verification needed. The same request id never credits twice: a
    /// repeat returns the first result with `replayed` set.
    pub fn top_up(&mut self, s: &Session, req: &TopUpRequest) -> Result<TopUpRecord> {
        self.authorize(s, Permission::Serve, "topup")?;
        let request_id = topup::validate_request_id(&req.request_id)?;
        let row = self.topup_customer(&req.phone)?;
        let quote = self.topup_quote(req.amount, req.channel)?;
        if let Some(p) = store::topups::by_request(&self.conn, &request_id)? {
            return self.replay(p, row.id, req);
        }
        if let Err(p) = row.status.ensure_writable() {
            return Err(self.refuse(&s.staff_id, "topup", Some(row.id), p));
        }
        let staff = s.staff_id.clone();
        let day = clock::local_date(self.now());
        let detail = format!(
            "{} {} paid {} credit {} via {}{}",
            masked_phone(&row.phone),
            request_id,
            quote.paid.to_plain(),
            quote.credited.to_plain(),
            req.channel.code(),
            quote
                .promotion
                .as_ref()
                .map(|p| format!(" promo {}", p.code))
                .unwrap_or_default()
        );
        // First transaction: claim the request id. Another terminal may have claimed it
        // between our look-up and this lock; then we report theirs.
        let claimed = self.write(|tx, now| {
            if let Some(p) = store::topups::by_request(tx, &request_id)? {
                return Ok(Err(p));
            }
            let id = store::topups::insert_pending(
                tx,
                &NewPayment {
                    request_id: &request_id,
                    customer_id: row.id,
                    channel: req.channel,
                    amount: quote.amount,
                    paid: quote.paid,
                    credited: quote.credited,
                    promotion: quote.promotion.as_ref().map(|p| p.code.as_str()),
                    staff_id: &staff,
                },
                |id| topup::serial(day, id),
                now,
            )?;
            store::audit::append(
                tx,
                now,
                &staff,
                "topup.start",
                Outcome::Ok,
                Some(row.id),
                &format!("payment {id} {detail}"),
            )?;
            Ok(Ok(id))
        })?;
        let id = match claimed {
            Ok(id) => id,
            Err(existing) => return self.replay(existing, row.id, req),
        };
        let outcome = self.gateway.charge(&ChargeRequest {
            request_id: request_id.clone(),
            channel: req.channel,
            paid: quote.paid,
        });
        self.settle(&s.staff_id, id, outcome)
    }

    fn replay(&self, p: PaymentRow, customer_id: i64, req: &TopUpRequest) -> Result<TopUpRecord> {
        if p.customer_id != customer_id || p.amount != req.amount || p.channel != req.channel {
            return Err(Problem::bad_input(
                format!(
                    "请求号 {} 已用于另一笔充值（{} {} {}）：新的充值请用新的请求号",
                    p.request_id,
                    masked_phone(&p.phone),
                    p.amount,
                    p.channel.label(Lang::Zh)
                ),
                format!(
                    "request id {} was already used for another top-up ({} {} {}): use a new request id for a new top-up",
                    p.request_id,
                    masked_phone(&p.phone),
                    p.amount,
                    p.channel.label(Lang::En)
                ),
            )
            .into());
        }
        self.record(p, true)
    }

    /// Second transaction: settles a pending payment with the gateway's answer. Approval writes
    /// the ledger entry, the reactivation, the notices and the audit row with the approval itself.
    fn settle(&mut self, staff: &str, id: i64, outcome: GatewayOutcome) -> Result<TopUpRecord> {
        let now_local = clock::local(self.now())
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let staff = staff.to_string();
        self.write(|tx, now| {
            let p =
                store::topups::get(tx, id)?.ok_or_else(|| not_found_payment(&id.to_string()))?;
            if p.status != PaymentStatus::Pending {
                // Settled meanwhile (another terminal completed or voided it).
                return Ok(());
            }
            let masked = masked_phone(&p.phone);
            match &outcome {
                GatewayOutcome::Approved(reference) => {
                    let customer = store::customers::require(tx, p.customer_id)?;
                    let note = format!("{} {}", p.channel.label(Lang::Zh), p.serial);
                    let entry = store::ledger::post(
                        tx,
                        &Posting {
                            customer_id: p.customer_id,
                            kind: EntryKind::TopUp,
                            amount: p.credited,
                            ref_type: "topup",
                            ref_id: &id.to_string(),
                            staff_id: Some(&staff),
                            reverses_id: None,
                            note: &note,
                        },
                        now,
                    )?;
                    let brand = store::catalog::brand(tx, &customer.brand)?;
                    let reactivate = customer.status == CustomerStatus::Suspended
                        && brand.is_some_and(|b| !b.is_below_line(entry.balance_after));
                    store::topups::approve(tx, id, reference, entry.id, reactivate, &staff, now)?;
                    let mut params = BTreeMap::new();
                    params.insert("phone".to_string(), masked.clone());
                    params.insert("time".to_string(), now_local.clone());
                    params.insert("amount".to_string(), p.credited.to_plain());
                    params.insert("balance".to_string(), entry.balance_after.to_plain());
                    params.insert("channel".to_string(), p.channel.label(Lang::Zh).to_string());
                    params.insert(
                        "channel_en".to_string(),
                        p.channel.label(Lang::En).to_string(),
                    );
                    params.insert("serial".to_string(), p.serial.clone());
                    store::notices::queue(tx, p.customer_id, "topup", &params, Some(&staff), now)?;
                    store::audit::append(
                        tx,
                        now,
                        &staff,
                        "topup",
                        Outcome::Ok,
                        Some(p.customer_id),
                        &format!(
                            "payment {id} {} {masked} credited {} paid {} via {} balance {}",
                            p.serial,
                            p.credited.to_plain(),
                            p.paid.to_plain(),
                            p.channel.code(),
                            entry.balance_after.to_plain()
                        ),
                    )?;
                    if reactivate {
                        let to = customer.status.transition(CustomerStatus::Active)?;
                        store::customers::set_status(tx, p.customer_id, to, now)?;
                        store::notices::queue(
                            tx,
                            p.customer_id,
                            "reactivated",
                            &params,
                            Some(&staff),
                            now,
                        )?;
                        store::audit::append(
                            tx,
                            now,
                            &staff,
                            "customer.reactivate",
                            Outcome::Ok,
                            Some(p.customer_id),
                            &format!(
                                "复机 by top-up {}: balance {}",
                                p.serial,
                                entry.balance_after.to_plain()
                            ),
                        )?;
                    }
                }
                GatewayOutcome::Declined(reason) => {
                    store::topups::close_unpaid(
                        tx,
                        id,
                        PaymentStatus::Declined,
                        reason,
                        &staff,
                        now,
                    )?;
                    store::audit::append(
                        tx,
                        now,
                        &staff,
                        "topup.declined",
                        Outcome::Failed,
                        Some(p.customer_id),
                        &format!("payment {id} {} {masked}: {reason}", p.serial),
                    )?;
                }
                GatewayOutcome::TimedOut => {
                    store::audit::append(
                        tx,
                        now,
                        &staff,
                        "topup.timeout",
                        Outcome::Failed,
                        Some(p.customer_id),
                        &format!(
                            "payment {id} {} {masked}: no answer, left pending",
                            p.serial
                        ),
                    )?;
                }
            }
            Ok(())
        })?;
        let p = store::topups::get(&self.conn, id)?
            .ok_or_else(|| not_found_payment(&id.to_string()))?;
        self.record(p, false)
    }

    /// Payments, newest first (pending ones are the clerk's to complete or void).
    pub fn payments(
        &self,
        _s: &Session,
        status: Option<PaymentStatus>,
        phone: Option<&str>,
        limit: Option<usize>,
    ) -> Result<Vec<TopUpRecord>> {
        let customer_id = match phone {
            Some(p) => Some(self.find_customer(p)?.id),
            None => None,
        };
        store::topups::list(
            &self.conn,
            &PaymentFilter {
                status,
                customer_id,
                limit,
            },
        )?
        .into_iter()
        .map(|p| self.record(p, false))
        .collect()
    }

    /// One payment by id or receipt serial.
    pub fn payment(&self, _s: &Session, key: &str) -> Result<TopUpRecord> {
        let p = self.payment_row(key)?;
        self.record(p, false)
    }

    fn pending_or_refuse(&mut self, s: &Session, key: &str, action: &str) -> Result<PaymentRow> {
        let p = self.payment_row(key)?;
        if p.status != PaymentStatus::Pending {
            let problem = Problem::refused(
                format!(
                    "充值 {} 状态为{}，只有待确认的支付可以完成或作废",
                    p.serial,
                    p.status.label(Lang::Zh)
                ),
                format!(
                    "top-up {} is {}: only a pending payment can be completed or voided",
                    p.serial,
                    p.status.label(Lang::En)
                ),
            );
            return Err(self.refuse(&s.staff_id, action, Some(p.customer_id), problem));
        }
        Ok(p)
    }

    /// Completes a pending payment: asks the gateway again; credits only if it now says paid.
    pub fn payment_complete(&mut self, s: &Session, key: &str) -> Result<TopUpRecord> {
        self.authorize(s, Permission::Serve, "payment.complete")?;
        let p = self.pending_or_refuse(s, key, "payment.complete")?;
        let outcome = self.gateway.query(&ChargeRequest {
            request_id: p.request_id.clone(),
            channel: p.channel,
            paid: p.paid,
        });
        if outcome == GatewayOutcome::TimedOut {
            let problem = Problem::refused(
                format!(
                    "支付渠道仍未确认充值 {}：稍后再试，或确认未付款后作废",
                    p.serial
                ),
                format!(
                    "the gateway still has not confirmed top-up {}: try again later, or void it if it was not paid",
                    p.serial
                ),
            );
            return Err(self.refuse(
                &s.staff_id,
                "payment.complete",
                Some(p.customer_id),
                problem,
            ));
        }
        self.settle(&s.staff_id, p.id, outcome)
    }

    /// Voids a pending payment: nothing is credited, ever.
    pub fn payment_void(&mut self, s: &Session, key: &str, reason: &str) -> Result<TopUpRecord> {
        self.authorize(s, Permission::Serve, "payment.void")?;
        let p = self.pending_or_refuse(s, key, "payment.void")?;
        let reason = match reason.trim() {
            "" => "voided by the clerk".to_string(),
            r => r.chars().take(200).collect(),
        };
        let staff = s.staff_id.clone();
        let id = p.id;
        self.write(|tx, now| {
            store::topups::close_unpaid(tx, id, PaymentStatus::Voided, &reason, &staff, now)?;
            store::audit::append(
                tx,
                now,
                &staff,
                "payment.void",
                Outcome::Ok,
                Some(p.customer_id),
                &format!("payment {id} {}: {reason}", p.serial),
            )?;
            Ok(())
        })?;
        self.payment(s, &id.to_string())
    }

    /// How much of a top-up can be refunded now (see [`topup::refund_rule`]).
    pub fn refund_limit(&self, _s: &Session, key: &str) -> Result<RefundLimit> {
        let p = self.payment_row(key)?;
        let balance = store::customers::get(&self.conn, p.customer_id)?
            .map(|c| Fen(c.balance_fen))
            .unwrap_or_default();
        let already = p.refunded > Fen::ZERO;
        let max = if p.status == PaymentStatus::Approved {
            refundable(p.credited, already, balance)
        } else {
            Fen::ZERO
        };
        Ok(RefundLimit {
            credited_fen: p.credited.0,
            paid_fen: p.paid.0,
            balance_fen: balance.0,
            already_refunded: already,
            refundable_fen: max.0,
        })
    }

    /// Refunds an approved top-up (supervisor, with a reason): a reversal of its ledger entry by
    /// at most what it credited and what is left on the balance; `None` refunds the most allowed.
    pub fn payment_refund(
        &mut self,
        s: &Session,
        key: &str,
        amount: Option<Fen>,
        reason: &str,
    ) -> Result<RefundRecord> {
        self.authorize(s, Permission::Supervise, "topup.refund")?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Problem::bad_input("退款须填写原因", "a refund needs a reason").into());
        }
        let p = self.payment_row(key)?;
        let staff = s.staff_id.clone();
        let checked = (|| -> Result<Fen> {
            if p.status != PaymentStatus::Approved {
                return Err(Problem::refused(
                    format!(
                        "充值 {} 状态为{}，只有已到账的充值可以退款",
                        p.serial,
                        p.status.label(Lang::Zh)
                    ),
                    format!(
                        "top-up {} is {}: only an approved top-up can be refunded",
                        p.serial,
                        p.status.label(Lang::En)
                    ),
                )
                .into());
            }
            let c = store::customers::require(&self.conn, p.customer_id)?;
            c.status.ensure_writable()?;
            Ok(check_refund(
                amount,
                p.credited,
                p.refunded > Fen::ZERO,
                Fen(c.balance_fen),
            )?)
        })();
        let amount = match checked {
            Ok(a) => a,
            Err(crate::Error::Problem(problem)) if problem.kind == ProblemKind::Refused => {
                return Err(self.refuse(&staff, "topup.refund", Some(p.customer_id), problem));
            }
            Err(e) => return Err(e),
        };
        let returned = returned_to_payer(amount, p.paid, p.credited);
        let masked = masked_phone(&p.phone);
        let (refund_id, entry) = self.write(|tx, now| {
            // Re-check under the lock: the balance or the refund may have changed meanwhile.
            let c = store::customers::require(tx, p.customer_id)?;
            let again = store::topups::refund_of(tx, p.id)?.is_some();
            check_refund(Some(amount), p.credited, again, Fen(c.balance_fen))?;
            let topup_entry = p.ledger_entry_id.ok_or_else(|| {
                Problem::refused("这笔充值没有入账记录", "this top-up was never credited")
            })?;
            let entry = store::ledger::post(
                tx,
                &Posting {
                    customer_id: p.customer_id,
                    kind: EntryKind::Reversal,
                    amount: Fen(-amount.0),
                    ref_type: "topup_refund",
                    ref_id: &p.id.to_string(),
                    staff_id: Some(&staff),
                    reverses_id: Some(topup_entry),
                    note: &format!("退款 refund {}: {reason}", p.serial),
                },
                now,
            )?;
            let refund_id = store::topups::insert_refund(
                tx, p.id, amount, returned, &reason, &staff, entry.id, now,
            )?;
            let mut params = BTreeMap::new();
            params.insert("phone".to_string(), masked.clone());
            params.insert("serial".to_string(), p.serial.clone());
            params.insert("amount".to_string(), amount.to_plain());
            params.insert("balance".to_string(), entry.balance_after.to_plain());
            store::notices::queue(
                tx,
                p.customer_id,
                "topup_refund",
                &params,
                Some(&staff),
                now,
            )?;
            store::audit::append(
                tx,
                now,
                &staff,
                "topup.refund",
                Outcome::Ok,
                Some(p.customer_id),
                &format!(
                    "payment {} {} {masked}: refunded {} (payer gets {}) because {reason}",
                    p.id,
                    p.serial,
                    amount.to_plain(),
                    returned.to_plain()
                ),
            )?;
            Ok((refund_id, entry))
        })?;
        Ok(RefundRecord {
            id: refund_id,
            payment_id: p.id,
            serial: p.serial,
            phone_masked: masked,
            amount_fen: amount.0,
            returned_fen: returned.0,
            reason,
            staff_id: staff,
            created_at: entry.created_at,
            balance_after_fen: entry.balance_after.0,
            ledger_entry_id: entry.id,
        })
    }

    /// Writes a receipt as a text file `<dir>/<serial>.txt`; returns the path.
    pub fn export_receipt(&self, r: &TopUpRecord, dir: &Path, lang: Lang) -> Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!("{}.txt", r.serial));
        std::fs::write(&path, receipt_text(r, lang))?;
        Ok(path)
    }
}

/// The receipt as label–value pairs (the TUI and the text file show the same).
pub fn receipt_lines(r: &TopUpRecord, lang: Lang) -> Vec<(&'static str, String)> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut out = vec![
        (l("流水号", "Serial"), r.serial.clone()),
        (l("号码", "Number"), r.phone_masked.clone()),
        (l("户名", "Name"), r.name.clone()),
        (l("充值金额", "Amount"), Fen(r.amount_fen).to_string()),
    ];
    if let Some(p) = r.promotion_name(lang) {
        out.push((l("优惠", "Promotion"), p.to_string()));
    }
    out.push((l("实付", "Paid"), Fen(r.paid_fen).to_string()));
    out.push((l("到账", "Credited"), Fen(r.credited_fen).to_string()));
    out.push((l("渠道", "Channel"), r.channel.label(lang).to_string()));
    out.push((l("状态", "Status"), r.status.label(lang).to_string()));
    if let Some(b) = r.balance_after_fen {
        out.push((l("充值后余额", "Balance after"), Fen(b).to_string()));
    }
    if r.reactivated {
        out.push((
            l("复机", "Reactivated"),
            l(
                "余额已回到停机线以上，已恢复通话",
                "balance back over the line: the line is open again",
            )
            .to_string(),
        ));
    }
    if r.refunded_fen > 0 {
        out.push((l("已退款", "Refunded"), Fen(r.refunded_fen).to_string()));
    }
    out.push((
        l("时间", "Time"),
        clock::local_stamp(
            r.settled_at.as_deref().unwrap_or(&r.created_at),
            "%Y-%m-%d %H:%M:%S",
        ),
    ));
    out.push((
        l("营业员", "Staff"),
        format!("{} {}", r.staff_id, r.staff_name),
    ));
    out
}

/// The receipt as plain text, for printing and export.
pub fn receipt_text(r: &TopUpRecord, lang: Lang) -> String {
    use unicode_width::UnicodeWidthStr;
    let lines = receipt_lines(r, lang);
    let w = lines.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
    let mut out = String::new();
    out.push_str(lang.pick(
        "中国移动 营业厅 快捷充值收据\n",
        "China Mobile counter — top-up receipt\n",
    ));
    out.push_str(&"-".repeat(40));
    out.push('\n');
    for (k, v) in lines {
        out.push_str(&format!("{k}{}  {v}\n", " ".repeat(w - k.width())));
    }
    out.push_str(&"-".repeat(40));
    out.push('\n');
    out
}
