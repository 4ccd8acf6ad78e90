//! `touchpoint plan …`, `pack …`, `vas …`: business handling (业务办理).

use super::{Env, StaffArg, VerifyArg, output, with_customer_visit};
use crate::domain::{Fen, Lang};
use crate::error::Result;
use crate::service::Service;
use crate::service::plans::catalog_entries;
use clap::Subcommand;

/// Plan commands.
#[derive(Debug, Subcommand)]
pub enum PlanCmd {
    /// Plans, packs and value-added services with their fees.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Book a plan change for a verified customer; it takes effect on the 1st of next month.
    Change {
        /// Phone number.
        phone: String,
        /// Plan code (see `plan list`), e.g. GT128.
        code: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cancel the verified customer's pending plan change.
    Cancel {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A verified customer's plan, pending change, packs, subscriptions and history.
    Show {
        /// Phone number.
        phone: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Pack commands.
#[derive(Debug, Subcommand)]
pub enum PackCmd {
    /// Add a pack for a verified customer: effective at once, charged now.
    Add {
        /// Phone number.
        phone: String,
        /// Pack code (see `plan list`), e.g. PK_DATA5G.
        code: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Value-added service commands.
#[derive(Debug, Subcommand)]
pub enum VasCmd {
    /// Subscribe a value-added service from today.
    Subscribe {
        /// Phone number.
        phone: String,
        /// Service code (see `plan list`), e.g. VAS_MUSIC.
        code: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Cancel a value-added service: it runs and is charged to the end of this month.
    Cancel {
        /// Phone number.
        phone: String,
        /// Service code.
        code: String,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a plan command.
pub fn run(env: &Env, cmd: PlanCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        PlanCmd::List { json } => {
            let entries = catalog_entries(&svc.plan_catalog()?, lang);
            if json {
                return output::json(&entries);
            }
            let rows = entries
                .iter()
                .map(|e| {
                    vec![
                        e.code.clone(),
                        e.kind.clone(),
                        e.brand.clone().unwrap_or_else(|| "*".into()),
                        e.name.clone(),
                        Fen(e.monthly_fee_fen.or(e.price_fen).unwrap_or(0)).to_string(),
                        e.description.clone(),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["编码", "类型", "品牌", "名称", "费用", "说明"],
                Lang::En => ["code", "kind", "brand", "name", "fee", "what it is"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        PlanCmd::Change {
            phone,
            code,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.change_plan(s, v, id, &code)
            })?;
            output::report(json, &r, lang.pick(
                    &format!(
                        "已受理套餐变更（编号 {}）：{} → {}，{} 生效，月费 {}；生效前可用 plan cancel 取消",
                        r.change.id,
                        r.change.from_plan,
                        r.change.to_plan,
                        r.change.effective_from,
                        Fen(r.monthly_fee_fen)
                    ),
                    &format!(
                        "plan change booked (#{}): {} → {} from {}, {} a month; `plan cancel` undoes it before then",
                        r.change.id,
                        r.change.from_plan,
                        r.change.to_plan,
                        r.change.effective_from,
                        Fen(r.monthly_fee_fen)
                    )
                ))
        }
        PlanCmd::Cancel {
            phone,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.cancel_plan_change(s, v, id)
            })?;
            output::report(
                json,
                &r,
                lang.pick(
                    &format!("已取消套餐变更（编号 {}）：继续使用 {}", r.id, r.from_plan),
                    &format!(
                        "plan change #{} cancelled: the customer stays on {}",
                        r.id, r.from_plan
                    ),
                ),
            )
        }
        PlanCmd::Show {
            phone,
            staff,
            verify,
            json,
        } => {
            let b = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.business_of(s, v, id)
            })?;
            if json {
                return output::json(&b);
            }
            println!(
                "{}",
                output::fields(&[
                    (
                        lang.pick("套餐", "plan"),
                        format!(
                            "{} {} ({})",
                            b.plan.code,
                            lang.pick(&b.plan.name_zh, &b.plan.name_en),
                            Fen(b.plan.fee_fen)
                        )
                    ),
                    (
                        lang.pick("待生效", "pending"),
                        b.pending
                            .as_ref()
                            .map(|p| format!(
                                "{} → {} @ {}",
                                p.from_plan, p.to_plan, p.effective_from
                            ))
                            .unwrap_or_else(|| "-".into())
                    ),
                ])
            );
            let rows = b
                .history
                .iter()
                .map(|h| {
                    vec![
                        h.at.clone(),
                        h.kind.clone(),
                        h.code.clone(),
                        h.date.clone().unwrap_or_default(),
                        Fen(h.fee_fen).to_string(),
                        h.staff_id.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["时间", "业务", "编码", "日期", "费用", "工号"],
                Lang::En => ["at", "what", "code", "date", "fee", "staff"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
    }
}

/// Runs a pack command.
pub fn run_pack(env: &Env, cmd: PackCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        PackCmd::Add {
            phone,
            code,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.add_pack(s, v, id, &code)
            })?;
            output::report(
                json,
                &r,
                lang.pick(
                    &format!(
                        "已订购加油包（编号 {}）：{}，扣费 {}，余额 {} → {}，有效期至 {}",
                        r.purchase.id,
                        r.purchase.code,
                        Fen(r.purchase.fee_fen),
                        Fen(r.balance_before_fen),
                        Fen(r.balance_after_fen),
                        r.purchase.valid_until
                    ),
                    &format!(
                        "pack added (#{}): {}, {} charged, balance {} → {}, valid until {}",
                        r.purchase.id,
                        r.purchase.code,
                        Fen(r.purchase.fee_fen),
                        Fen(r.balance_before_fen),
                        Fen(r.balance_after_fen),
                        r.purchase.valid_until
                    ),
                ),
            )
        }
    }
}

/// Runs a VAS command.
pub fn run_vas(env: &Env, cmd: VasCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        VasCmd::Subscribe {
            phone,
            code,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.subscribe_vas(s, v, id, &code)
            })?;
            output::report(
                json,
                &r,
                lang.pick(
                    &format!(
                        "已订购（编号 {}）：{}，{} 起按月收费",
                        r.id, r.code, r.started_on
                    ),
                    &format!(
                        "subscribed (#{}): {} from {}, charged monthly",
                        r.id, r.code, r.started_on
                    ),
                ),
            )
        }
        VasCmd::Cancel {
            phone,
            code,
            staff,
            verify,
            json,
        } => {
            let r = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, v, id| {
                svc.cancel_vas(s, v, id, &code)
            })?;
            if json {
                return output::json(&r);
            }
            let ends = r.sub.ends_on.clone().unwrap_or_default();
            println!(
                "{}",
                lang.pick(
                    &format!(
                        "已退订 {}：本月仍可用至 {ends}（还剩 {} 天，本月照常收费），下月起不再收费",
                        r.sub.code, r.remaining_days
                    ),
                    &format!(
                        "{} cancelled: it runs until {ends} ({} days left, this month charged as usual) and is not charged from next month",
                        r.sub.code, r.remaining_days
                    )
                )
            );
            Ok(())
        }
    }
}
