//! Data tools: `report daily`, `customer import|export`, `backup`, `restore`, and the hidden
//! `gen-customers-csv` that writes the import benchmark's input.

use super::bill::{bar, progress};
use super::{Env, StaffArg, login, output};
use crate::domain::{Fen, Lang};
use crate::error::Result;
use crate::service::Service;
use crate::service::customer_csv::ImportOptions;
use crate::service::reports::{DailyReport, parse_date};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Report commands.
#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// The daily counter report (日结) for a counter-local date (default today).
    Daily {
        /// The date, YYYY-MM-DD.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// The cash counted in the drawer, to show the difference from what was recorded.
        #[arg(long, value_name = "AMOUNT")]
        counted: Option<String>,
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `customer import FILE.csv`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CSV file (UTF-8 with or without BOM, or GBK/GB18030).
    pub file: PathBuf,
    /// Update customers whose phone is already stored (profile fields only).
    #[arg(long)]
    pub update: bool,
    /// Import the good rows and list the bad ones (default: any bad row imports nothing).
    #[arg(long)]
    pub skip_bad: bool,
    #[command(flatten)]
    pub staff: StaffArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `customer export FILE.csv`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The CSV file to write.
    pub file: PathBuf,
    /// Start with a UTF-8 BOM so Excel shows Chinese correctly.
    #[arg(long)]
    pub excel: bool,
    #[command(flatten)]
    pub staff: StaffArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `backup FILE`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to create (must not exist).
    pub file: PathBuf,
    #[command(flatten)]
    pub staff: StaffArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `restore FILE`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file to restore from.
    pub file: PathBuf,
    #[command(flatten)]
    pub staff: StaffArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `gen-customers-csv FILE --rows N`.
#[derive(Debug, Args)]
pub struct GenCsvArgs {
    /// The CSV file to write.
    pub file: PathBuf,
    /// How many customers.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
}

/// Runs a report command.
pub fn run_report(env: &Env, cmd: ReportCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    match cmd {
        ReportCmd::Daily {
            date,
            counted,
            staff,
            json,
        } => {
            let date = date.as_deref().map(parse_date).transpose()?;
            let counted = counted.as_deref().map(Fen::parse).transpose()?;
            let s = login(&mut svc, &staff)?;
            let r = svc.report_daily(&s, date, counted)?;
            if json {
                return output::json(&r);
            }
            print!("{}", render_daily(&r, env.lang));
            Ok(())
        }
    }
}

fn fen(v: i64) -> String {
    Fen(v).to_string()
}

/// The report as text tables.
pub fn render_daily(r: &DailyReport, lang: Lang) -> String {
    use crate::domain::topup::Channel;
    let p = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut out = String::new();
    let sep = p("，", ", ");
    out.push_str(&format!(
        "{} {}\n\n",
        p("营业日结", "Daily counter report"),
        r.date
    ));
    out.push_str(&format!("{}\n", p("充值（按渠道）", "Top-ups by channel")));
    let mut rows: Vec<Vec<String>> = r
        .topups
        .by_channel
        .iter()
        .map(|c| {
            vec![
                Channel::parse(&c.channel)
                    .map(|ch| ch.label(lang).to_string())
                    .unwrap_or_else(|_| c.channel.clone()),
                c.count.to_string(),
                fen(c.paid_fen),
                fen(c.credited_fen),
            ]
        })
        .collect();
    rows.push(vec![
        p("合计", "total").into(),
        r.topups.count.to_string(),
        fen(r.topups.paid_fen),
        fen(r.topups.credited_fen),
    ]);
    let head = [
        p("渠道", "channel"),
        p("笔数", "count"),
        p("实收", "paid"),
        p("到账", "credited"),
    ];
    out.push_str(&output::table(&head, rows));
    out.push('\n');
    out.push_str(&format!("\n{}\n", p("充值（按员工）", "Top-ups by staff")));
    let rows = r
        .topups
        .by_staff
        .iter()
        .map(|s| {
            vec![
                format!("{} {}", s.staff_id, s.staff_name),
                s.count.to_string(),
                fen(s.paid_fen),
                fen(s.cash_fen),
            ]
        })
        .collect();
    let head = [
        p("员工", "staff"),
        p("笔数", "count"),
        p("实收", "paid"),
        p("其中现金", "of which cash"),
    ];
    out.push_str(&output::table(&head, rows));
    out.push('\n');
    for u in &r.topups.unsettled {
        out.push_str(&format!(
            "{} {}: {} ({})\n",
            p("未完成支付", "unsettled payments"),
            u.status,
            u.count,
            fen(u.paid_fen)
        ));
    }
    out.push_str(&format!(
        "\n{}: {} {}{sep}{} {}{sep}{} {}\n",
        p("退款", "Refunds"),
        r.refunds.count,
        p("笔", "refund(s)"),
        p("扣回余额", "taken off balances"),
        fen(r.refunds.amount_fen),
        p("退还付款人", "returned to payers"),
        fen(r.refunds.returned_fen)
    ));
    let c = &r.cash;
    out.push_str(&format!("\n{}\n", p("现金核对", "Cash drawer")));
    let mut pairs = vec![
        (p("现金收款", "cash received"), fen(c.received_fen)),
        (p("现金退款", "cash refunded"), fen(c.refunded_fen)),
        (p("系统应有", "recorded (expected)"), fen(c.expected_fen)),
    ];
    match (c.counted_fen, c.difference_fen) {
        (Some(n), Some(d)) => {
            pairs.push((p("实点", "counted"), fen(n)));
            pairs.push((p("差额", "difference"), fen(d)));
        }
        _ => pairs.push((
            p("实点", "counted"),
            p("未录入（--counted）", "not given (--counted)").into(),
        )),
    }
    out.push_str(&output::fields(&pairs));
    out.push_str(&format!(
        "\n{}\n",
        p("积分兑换（按类别）", "Redemptions by category")
    ));
    let mut rows: Vec<Vec<String>> = r
        .redemptions
        .by_category
        .iter()
        .map(|c| {
            vec![
                lang.pick(&c.name_zh, &c.name_en).to_string(),
                c.count.to_string(),
                c.points.to_string(),
                fen(c.credit_fen),
            ]
        })
        .collect();
    rows.push(vec![
        p("合计", "total").into(),
        r.redemptions.count.to_string(),
        r.redemptions.points.to_string(),
        fen(r.redemptions.credit_fen),
    ]);
    let head = [
        p("类别", "category"),
        p("笔数", "count"),
        p("积分", "points"),
        p("话费", "credit"),
    ];
    out.push_str(&output::table(&head, rows));
    out.push('\n');
    if r.redemptions.reversed_count > 0 {
        out.push_str(&format!(
            "{}: {} ({} {})\n",
            p("冲正", "reversed"),
            r.redemptions.reversed_count,
            r.redemptions.reversed_points,
            p("积分", "points")
        ));
    }
    out.push_str(&format!(
        "\n{}: {}\n",
        p("套餐变更", "Plan changes"),
        r.plan_changes.count
    ));
    let k = &r.complaints;
    out.push_str(&format!(
        "{}: {} {}{sep}{} {}{sep}{} {}{sep}{} {}\n",
        p("投诉", "Complaints"),
        p("新开", "opened"),
        k.opened,
        p("已解决", "resolved"),
        k.resolved,
        p("已关闭", "closed"),
        k.closed,
        p("超时", "overdue"),
        k.overdue
    ));
    out.push_str(&format!(
        "{}: {}\n",
        p("与余额流水核对", "Reconciled with the ledger"),
        if r.ledger.reconciled {
            p("一致", "yes")
        } else {
            p("不一致！", "NO — check the ledger")
        }
    ));
    out
}

/// `customer import`.
pub fn customer_import(env: &Env, svc: &mut Service, a: ImportArgs) -> Result<()> {
    let s = login(svc, &a.staff)?;
    let pb = bar(0);
    let r = svc.customer_import(
        &s,
        &a.file,
        ImportOptions {
            update: a.update,
            skip_bad: a.skip_bad,
        },
        &mut progress(&pb),
    )?;
    pb.finish_and_clear();
    if a.json {
        return output::json(&r);
    }
    for b in &r.bad {
        eprintln!(
            "{}",
            env.lang.pick(
                &format!("第 {} 行（已跳过）：{}", b.line, b.reason_zh),
                &format!("line {} (skipped): {}", b.line, b.reason_en)
            )
        );
    }
    println!(
        "{}",
        env.lang.pick(
            &format!(
                "已导入 {}：新建 {} 位、更新 {} 位客户，跳过 {} 行（编码 {}）",
                a.file.display(),
                r.created,
                r.updated,
                r.skipped,
                r.encoding
            ),
            &format!(
                "imported {}: {} created, {} updated, {} skipped ({})",
                a.file.display(),
                r.created,
                r.updated,
                r.skipped,
                r.encoding
            )
        )
    );
    Ok(())
}

/// `customer export`.
pub fn customer_export(env: &Env, svc: &mut Service, a: ExportArgs) -> Result<()> {
    let s = login(svc, &a.staff)?;
    let r = svc.customer_export(&s, &a.file, a.excel)?;
    output::report(
        a.json,
        &r,
        env.lang.pick(
            &format!("已导出 {} 位客户到 {}", r.customers, a.file.display()),
            &format!("exported {} customers to {}", r.customers, a.file.display()),
        ),
    )
}

/// `backup FILE`.
pub fn backup(env: &Env, a: BackupArgs) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let s = login(&mut svc, &a.staff)?;
    let r = svc.backup(&s, &a.file)?;
    output::report(
        a.json,
        &r,
        env.lang.pick(
            &format!("已备份到 {}（{} 字节，完整性检查通过）", r.file, r.bytes),
            &format!(
                "backed up to {} ({} bytes, integrity_check ok)",
                r.file, r.bytes
            ),
        ),
    )
}

/// `restore FILE`.
pub fn restore(env: &Env, a: RestoreArgs) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let s = login(&mut svc, &a.staff)?;
    let r = svc.restore(&s, &a.file)?;
    output::report(
        a.json,
        &r,
        env.lang.pick(
            &format!("已从 {} 恢复；原数据库保存为 {}", r.from, r.replaced_copy),
            &format!(
                "restored from {}; the replaced database is kept as {}",
                r.from, r.replaced_copy
            ),
        ),
    )
}

/// Writes `rows` valid, distinct customers (deterministic) for the import benchmark.
pub fn gen_customers_csv(_env: &Env, a: GenCsvArgs) -> Result<()> {
    crate::synthetic::write_customers_csv(&a.file, a.rows)
}
