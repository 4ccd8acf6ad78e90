//! The command line: clap definitions, and one file per command group. Parse, call a service, print.

pub mod bill;
pub mod complaint;
pub mod customer;
pub mod data;
pub mod output;
pub mod plan;
pub mod points;
pub mod staff;
pub mod system;
pub mod topup;

use crate::domain::clock::{self, ManualClock, SystemClock};
use crate::domain::visit::Proof;
use crate::domain::{Lang, Problem, SharedClock};
use crate::error::Result;
use crate::service::{Service, Session};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

/// touchpoint — the service counter of a mobile operator, in a terminal.
#[derive(Debug, Parser)]
#[command(name = "touchpoint", version, about, long_about = None)]
pub struct Cli {
    /// The database file (default: touchpoint.sqlite in the data directory).
    #[arg(long, global = true, env = "TOUCHPOINT_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of screens and messages: zh (default) or en.
    #[arg(long, global = true, env = "TOUCHPOINT_LANG", value_parser = parse_lang, value_name = "zh|en")]
    pub lang: Option<Lang>,
    /// What to do; without a command the counter screen opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

fn parse_lang(s: &str) -> std::result::Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("unknown language \"{s}\": use zh or en"))
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build a fresh deterministic demo database and open it.
    Demo {
        /// Replace the file even if it is not a demo database.
        #[arg(long)]
        force: bool,
        /// Build only; do not open the counter screen.
        #[arg(long)]
        no_tui: bool,
        /// Play the guided tour of the seed's three trials (Space/→ next, ← back, Esc leave).
        #[arg(long)]
        walkthrough: bool,
        /// With --walkthrough: advance by itself every SECONDS (default 4).
        #[arg(long, value_name = "SECONDS", num_args = 0..=1, default_missing_value = "4")]
        autoplay: Option<f64>,
    },
    /// Create an empty database with the catalogue and the first account, admin.
    Init,
    /// Customers: show, list, add, edit, send a verification code, close.
    #[command(subcommand)]
    Customer(customer::CustomerCmd),
    /// Points mall: catalog, balance, redeem, history, reverse, expire.
    #[command(subcommand)]
    Points(points::PointsCmd),
    /// Bills: run a month, show with explanations, plan advice.
    #[command(subcommand)]
    Bill(bill::BillCmd),
    /// Business handling: plan list, change (from the 1st of next month), cancel a pending change, show.
    #[command(subcommand)]
    Plan(plan::PlanCmd),
    /// Add-on packs: add (effective at once, charged now).
    #[command(subcommand)]
    Pack(plan::PackCmd),
    /// Value-added services: subscribe (from today), cancel (runs to month end).
    #[command(subcommand)]
    Vas(plan::VasCmd),
    /// Usage records: import from CSV.
    #[command(subcommand)]
    Usage(bill::UsageCmd),
    /// Top up a number (快捷充值): no verification needed.
    Topup(topup::TopUpArgs),
    /// Top-up payments: list, show, complete or void a pending one, refund (supervisor), receipt.
    #[command(subcommand)]
    Payment(topup::PaymentCmd),
    /// Complaints and customer service: tickets, replies, SLA, compensation, service records.
    #[command(subcommand)]
    Complaint(complaint::ComplaintCmd),
    /// Staff accounts (admin): add, list, unlock.
    #[command(subcommand)]
    Staff(staff::StaffCmd),
    /// Make a synthetic database at scale (customers, usage, top-ups) for benchmarks.
    Gen {
        /// Customers to make.
        #[arg(long, default_value_t = 1000)]
        customers: usize,
        /// Months of usage, ending with last month.
        #[arg(long, default_value_t = 1)]
        months: usize,
        /// Usage records per customer per month.
        #[arg(long, default_value_t = 100)]
        records: usize,
        /// Instead: write a usage CSV of --rows records for this database's customers.
        #[arg(long, value_name = "FILE")]
        usage_csv: Option<PathBuf>,
        /// Rows for --usage-csv.
        #[arg(long, default_value_t = 1_000_000)]
        rows: usize,
    },
    /// Reports (supervisor): the daily counter report (日结).
    #[command(subcommand)]
    Report(data::ReportCmd),
    /// Copy the database to FILE with SQLite's online backup API while others work (admin).
    Backup(data::BackupArgs),
    /// Replace the database with a backup FILE, keeping the replaced one as a dated copy (admin).
    Restore(data::RestoreArgs),
    /// Write a synthetic customers CSV (for the import benchmark).
    #[command(hide = true)]
    GenCustomersCsv(data::GenCsvArgs),
    /// Verify the file: integrity, ledger sums, points lots, the audit chain.
    Check {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Who is acting: `--staff ID`, password from `TOUCHPOINT_PASSWORD` or a prompt.
#[derive(Debug, Clone, Args)]
pub struct StaffArg {
    /// Your staff id; the password comes from TOUCHPOINT_PASSWORD or a prompt.
    #[arg(long, env = "TOUCHPOINT_STAFF", value_name = "ID")]
    pub staff: Option<String>,
}

/// Proof that the customer is present: `--verify pw:|otp:|id:` or a supervisor's `--override`.
#[derive(Debug, Clone, Args, Default)]
pub struct VerifyArg {
    /// Verify the customer: pw:SERVICE_PASSWORD, otp:CODE or id:LAST6.
    #[arg(long, value_name = "pw:…|otp:…|id:…")]
    pub verify: Option<String>,
    /// Supervisor: act without the customer's proof, recording this reason.
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
}

/// Everything a command needs from the global flags.
pub struct Env {
    /// The database path.
    pub db: PathBuf,
    /// The language of messages.
    pub lang: Lang,
    /// The clock (TOUCHPOINT_NOW pins it).
    pub clock: SharedClock,
}

/// The platform data directory, where the default and demo databases live.
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("com", "touchpoint", "touchpoint")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The clock for commands: the wall clock, or the instant in `TOUCHPOINT_NOW` (scripts and tests).
pub fn clock_from_env() -> Result<SharedClock> {
    match std::env::var("TOUCHPOINT_NOW") {
        Ok(s) if !s.trim().is_empty() => {
            let t = clock::parse_instant(&s).ok_or_else(|| {
                Problem::bad_input(
                    format!("TOUCHPOINT_NOW“{s}”无法识别：请用 2026-12-04T10:00:00+08:00"),
                    format!("cannot read TOUCHPOINT_NOW \"{s}\": use a form like 2026-12-04T10:00:00+08:00"),
                )
            })?;
            Ok(ManualClock::at(t))
        }
        _ => Ok(Arc::new(SystemClock)),
    }
}

/// Logs in from `--staff` and `TOUCHPOINT_PASSWORD` (or a prompt on a terminal).
pub fn login(svc: &mut Service, staff: &StaffArg) -> Result<Session> {
    let Some(id) = staff.staff.as_deref().filter(|s| !s.trim().is_empty()) else {
        return Err(Problem::bad_input(
            "此命令需要 --staff 工号（密码取自 TOUCHPOINT_PASSWORD 或提示输入）",
            "this command needs --staff ID (the password comes from TOUCHPOINT_PASSWORD or a prompt)",
        )
        .into());
    };
    let password = match std::env::var("TOUCHPOINT_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            use std::io::IsTerminal;
            if !std::io::stdin().is_terminal() {
                return Err(Problem::bad_input(
                    "没有密码：请设置 TOUCHPOINT_PASSWORD，或在终端中运行以输入密码",
                    "no password: set TOUCHPOINT_PASSWORD, or run from a terminal to be asked",
                )
                .into());
            }
            rpassword::prompt_password(format!("{id} password: "))?
        }
    };
    svc.login(id, &password)
}

/// Opens a visit for a command that needs (or may use) a verified customer, and verifies it
/// from `--verify` or `--override`. Returns `None` when neither was given.
pub fn verify_visit(
    svc: &mut Service,
    s: &Session,
    customer_id: i64,
    v: &VerifyArg,
) -> Result<Option<i64>> {
    if v.verify.is_some() && v.override_reason.is_some() {
        return Err(Problem::bad_input(
            "--verify 与 --override 只能选一个",
            "give either --verify or --override, not both",
        )
        .into());
    }
    if let Some(proof) = &v.verify {
        let proof = Proof::parse_cli(proof)?;
        let visit = svc.open_visit(s, customer_id)?;
        svc.verify(s, visit, &proof)?;
        return Ok(Some(visit));
    }
    if let Some(reason) = &v.override_reason {
        let visit = svc.open_visit(s, customer_id)?;
        svc.override_verification(s, visit, reason)?;
        return Ok(Some(visit));
    }
    Ok(None)
}

/// Runs `f` inside a visit verified from `--verify`/`--override` (or none), and closes the visit
/// whatever `f` returned, so a refused operation does not leave a verified visit open.
pub fn with_visit<T>(
    svc: &mut Service,
    s: &Session,
    customer_id: i64,
    v: &VerifyArg,
    f: impl FnOnce(&mut Service, Option<i64>) -> Result<T>,
) -> Result<T> {
    let visit = verify_visit(svc, s, customer_id, v)?;
    let out = f(svc, visit);
    if let Some(id) = visit {
        svc.close_visit(s, id)?;
    }
    out
}

/// Logs in, finds the customer by phone, and runs `f` in a verified visit (see [`with_visit`]);
/// `f` gets the session, the visit, and the customer's id.
pub fn with_customer_visit<T>(
    svc: &mut Service,
    staff: &StaffArg,
    phone: &str,
    verify: &VerifyArg,
    f: impl FnOnce(&mut Service, &Session, Option<i64>, i64) -> Result<T>,
) -> Result<T> {
    let s = login(svc, staff)?;
    let c = svc.find_customer(phone)?;
    with_visit(svc, &s, c.id, verify, |svc, visit| f(svc, &s, visit, c.id))
}

/// Runs a parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    let lang = cli.lang.unwrap_or_default();
    let result = (|| -> Result<()> {
        let clock = clock_from_env()?;
        match cli.command {
            Some(Command::Demo {
                force,
                no_tui,
                walkthrough,
                autoplay,
            }) => {
                let db = cli
                    .db
                    .clone()
                    .unwrap_or_else(|| data_dir().join("demo.sqlite"));
                system::demo(
                    &Env { db, lang, clock },
                    force,
                    no_tui,
                    walkthrough.then_some(autoplay),
                )
            }
            command => {
                let db = cli
                    .db
                    .clone()
                    .unwrap_or_else(|| data_dir().join("touchpoint.sqlite"));
                let env = Env { db, lang, clock };
                match command {
                    None => crate::tui::run(crate::tui::Options {
                        db: env.db.clone(),
                        lang,
                        clock: env.clock.clone(),
                        auto_login: None,
                        walkthrough: None,
                    }),
                    Some(Command::Init) => system::init(&env),
                    Some(Command::Gen {
                        customers,
                        months,
                        records,
                        usage_csv,
                        rows,
                    }) => system::synthetic(&env, customers, months, records, usage_csv, rows),
                    Some(Command::Customer(c)) => customer::run(&env, c),
                    Some(Command::Staff(c)) => staff::run(&env, c),
                    Some(Command::Points(c)) => points::run(&env, c),
                    Some(Command::Bill(c)) => bill::run(&env, c),
                    Some(Command::Usage(c)) => bill::run_usage(&env, c),
                    Some(Command::Plan(c)) => plan::run(&env, c),
                    Some(Command::Pack(c)) => plan::run_pack(&env, c),
                    Some(Command::Vas(c)) => plan::run_vas(&env, c),
                    Some(Command::Topup(a)) => topup::run_topup(&env, a),
                    Some(Command::Payment(c)) => topup::run_payment(&env, c),
                    Some(Command::Complaint(c)) => complaint::run(&env, c),
                    Some(Command::Check { json }) => system::check(&env, json),
                    Some(Command::Report(c)) => data::run_report(&env, c),
                    Some(Command::Backup(a)) => data::backup(&env, a),
                    Some(Command::Restore(a)) => data::restore(&env, a),
                    Some(Command::GenCustomersCsv(a)) => data::gen_customers_csv(&env, a),
                    Some(Command::Demo { .. }) => unreachable!("handled above"),
                }
            }
        }
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}: {}", lang.pick("错误", "error"), e.message(lang));
            e.exit_code()
        }
    }
}
