//! `touchpoint bill …` and `touchpoint usage import`.

use super::{Env, StaffArg, VerifyArg, login, output, with_customer_visit};
use crate::domain::{Fen, Lang};
use crate::error::Result;
use crate::service::Service;
use clap::Subcommand;
use std::path::PathBuf;

/// Bill commands.
#[derive(Debug, Subcommand)]
pub enum BillCmd {
    /// Issue every customer's bill for a finished month (supervisor). Idempotent.
    Run {
        /// The month, YYYY-MM.
        #[arg(long)]
        month: String,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A verified customer's bills (last 12 months), or one month with every item explained.
    Show {
        /// Phone number.
        phone: String,
        /// One month, YYYY-MM.
        #[arg(long)]
        month: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        #[command(flatten)]
        verify: VerifyArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Plan advice from the last three months of usage.
    Advice {
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

/// Usage commands.
#[derive(Debug, Subcommand)]
pub enum UsageCmd {
    /// Import usage records from CSV (supervisor): phone,time,kind,quantity,scope,other_party,service,fee_fen.
    Import {
        /// The CSV file.
        file: PathBuf,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// A progress bar on stderr when it is a terminal, hidden otherwise.
pub fn bar(len: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let pb = indicatif::ProgressBar::new(len);
    pb.set_style(
        indicatif::ProgressStyle::with_template("{msg} {bar:40} {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    pb
}

/// A `(done, total)` progress callback that drives `pb`.
pub fn progress(pb: &indicatif::ProgressBar) -> impl FnMut(usize, usize) + '_ {
    |done, total| {
        pb.set_length(total as u64);
        pb.set_position(done as u64);
    }
}

/// Runs a bill command.
pub fn run(env: &Env, cmd: BillCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        BillCmd::Run { month, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let pb = bar(0);
            let r = svc.run_bills(&s, &month, &mut progress(&pb))?;
            pb.finish_and_clear();
            if json {
                return output::json(&r);
            }
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "{} 出账完成：新出账单 {} 张，合计 {}，积分 {}，停机 {} 户；此前已出 {} 张（不重复出账）",
                        r.month,
                        r.bills_issued,
                        Fen(r.total_fen),
                        r.points_earned,
                        r.suspended,
                        r.already_billed
                    ),
                    Lang::En => format!(
                        "{}: {} bills issued, {} in total, {} points earned, {} lines suspended; {} were already billed (nothing twice)",
                        r.month,
                        r.bills_issued,
                        Fen(r.total_fen),
                        r.points_earned,
                        r.suspended,
                        r.already_billed
                    ),
                }
            );
            Ok(())
        }
        BillCmd::Show {
            phone,
            month,
            staff,
            verify,
            json,
        } => {
            let out =
                with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, visit, id| {
                    match &month {
                        Some(m) => svc.bill_of(s, visit, id, m, lang).map(|b| (None, Some(b))),
                        None => svc.bills_of(s, visit, id, 12).map(|l| (Some(l), None)),
                    }
                });
            match out? {
                (Some(list), _) => {
                    if json {
                        return output::json(&list);
                    }
                    let rows = list
                        .iter()
                        .map(|b| {
                            vec![
                                b.month.clone(),
                                Fen(b.total_fen).to_string(),
                                b.points_earned.to_string(),
                            ]
                        })
                        .collect();
                    let header = match lang {
                        Lang::Zh => ["月份", "合计", "积分"],
                        Lang::En => ["month", "total", "points"],
                    };
                    println!("{}", output::table(&header, rows));
                }
                (_, Some(b)) => {
                    if json {
                        return output::json(&b);
                    }
                    println!("{} · {} · {}", b.month, b.plan, Fen(b.total_fen));
                    let rows = b
                        .items
                        .iter()
                        .map(|i| {
                            vec![
                                i.category.label(lang).to_string(),
                                i.name.clone(),
                                Fen(i.amount_fen).to_string(),
                                i.explanation.clone(),
                            ]
                        })
                        .collect();
                    let header = match lang {
                        Lang::Zh => ["类别", "项目", "金额", "说明"],
                        Lang::En => ["category", "item", "amount", "what it is"],
                    };
                    println!("{}", output::table(&header, rows));
                }
                _ => {}
            }
            Ok(())
        }
        BillCmd::Advice {
            phone,
            staff,
            verify,
            json,
        } => {
            let a = with_customer_visit(&mut svc, &staff, &phone, &verify, |svc, s, visit, id| {
                svc.advice(s, visit, id)
            })?;
            if json {
                return output::json(&a);
            }
            println!(
                "{}",
                crate::tui::tabs::bills::advice_text(&a, lang).join("\n")
            );
            Ok(())
        }
    }
}

/// Runs a usage command.
pub fn run_usage(env: &Env, cmd: UsageCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    match cmd {
        UsageCmd::Import { file, staff, json } => {
            let s = login(&mut svc, &staff)?;
            let pb = bar(0);
            let r = svc.import_usage(&s, &file, &mut progress(&pb))?;
            pb.finish_and_clear();
            output::report(
                json,
                &r,
                env.lang.pick(
                    &format!("已导入 {} 条记录（{} 位客户）", r.records, r.customers),
                    &format!(
                        "imported {} records for {} customers",
                        r.records, r.customers
                    ),
                ),
            )
        }
    }
}
