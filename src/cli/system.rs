//! `touchpoint demo`, `init` and `check`: commands on the file as a whole, without login.

use super::{Env, output};
use crate::domain::{Lang, Problem};
use crate::error::Result;
use crate::service::auth;
use crate::store::{self, FileKind};

/// Builds the demo database and, unless `no_tui`, opens it logged in as the demo clerk.
pub fn demo(env: &Env, force: bool, no_tui: bool, walkthrough: Option<Option<f64>>) -> Result<()> {
    if let Some(Some(secs)) = walkthrough
        && !(0.5..=600.0).contains(&secs)
    {
        return Err(Problem::bad_input(
            "--autoplay 的间隔应在 0.5 到 600 秒之间",
            "--autoplay takes a pace between 0.5 and 600 seconds",
        )
        .into());
    }
    let summary = crate::demo::build(&env.db, force)?;
    if no_tui {
        println!(
            "{}",
            match env.lang {
                Lang::Zh => format!(
                    "演示数据库已生成：{}（{} 位客户，用时 {:.1} 秒）",
                    env.db.display(),
                    summary.customers,
                    summary.elapsed.as_secs_f64()
                ),
                Lang::En => format!(
                    "demo database built: {} ({} customers in {:.1} s)",
                    env.db.display(),
                    summary.customers,
                    summary.elapsed.as_secs_f64()
                ),
            }
        );
        return Ok(());
    }
    crate::tui::run(crate::tui::Options {
        db: env.db.clone(),
        lang: env.lang,
        clock: std::sync::Arc::new(crate::domain::clock::RunningClock::from(
            crate::domain::clock::demo_epoch(),
        )),
        auto_login: Some(("clerk".to_string(), crate::demo::STAFF_PASSWORD.to_string())),
        walkthrough: walkthrough.map(|pace| pace.map(std::time::Duration::from_secs_f64)),
    })
}

/// Creates an empty database; the admin password comes from TOUCHPOINT_PASSWORD or a prompt.
pub fn init(env: &Env) -> Result<()> {
    if let FileKind::Touchpoint { .. } = store::inspect(&env.db)? {
        return Err(Problem::refused(
            format!("{} 已经存在，未做修改", env.db.display()),
            format!("{} already exists; nothing was changed", env.db.display()),
        )
        .into());
    }
    let password = match std::env::var("TOUCHPOINT_PASSWORD") {
        Ok(p) => p,
        Err(_) => super::staff::new_password("admin")?,
    };
    auth::init(&env.db, &password, env.clock.clone())?;
    println!(
        "{}",
        match env.lang {
            Lang::Zh => format!("已创建 {}，管理员工号 admin", env.db.display()),
            Lang::En => format!(
                "created {} with the admin account 'admin'",
                env.db.display()
            ),
        }
    );
    Ok(())
}

/// Verifies the file; exits non-zero naming each broken row.
pub fn check(env: &Env, json: bool) -> Result<()> {
    let conn = store::open(&env.db, store::OpenMode::Existing)?;
    let report = crate::service::check::run(&conn)?;
    if json {
        output::json(&report)?;
    } else {
        for p in &report.problems {
            println!("FAIL {p}");
        }
        println!(
            "{} customers, {} ledger entries, {} audit rows: {}",
            report.customers,
            report.ledger_entries,
            report.audit_rows,
            if report.ok() { "ok" } else { "FAILED" }
        );
    }
    if report.ok() {
        Ok(())
    } else {
        Err(Problem::refused(
            format!("检查未通过：{} 处问题", report.problems.len()),
            format!("check failed: {} problem(s)", report.problems.len()),
        )
        .into())
    }
}

/// Builds a synthetic database, or writes a usage CSV for one.
pub fn synthetic(
    env: &Env,
    customers: usize,
    months: usize,
    records: usize,
    usage_csv: Option<std::path::PathBuf>,
    rows: usize,
) -> Result<()> {
    let now = env.clock.now();
    if let Some(out) = usage_csv {
        let n = crate::synthetic::write_usage_csv(&env.db, &out, rows, now)?;
        println!(
            "{}",
            env.lang.pick(
                &format!("已写入 {n} 行到 {}", out.display()),
                &format!("wrote {n} rows to {}", out.display())
            )
        );
        return Ok(());
    }
    let pb = super::bill::bar(0);
    let s = crate::synthetic::generate(
        &env.db,
        crate::synthetic::GenOptions {
            customers,
            months,
            records_per_month: records,
        },
        now,
        &mut |stage, done, total| {
            pb.set_length(total);
            pb.set_position(done);
            pb.set_message(stage.to_string());
        },
    )?;
    pb.finish_and_clear();
    println!(
        "{}",
        env.lang.pick(
            &format!(
                "已生成 {}：{} 位客户、{} 条详单、{} 笔充值，用时 {:.1} 秒",
                env.db.display(),
                s.customers,
                s.usage_records,
                s.top_ups,
                s.seconds
            ),
            &format!(
                "generated {}: {} customers, {} usage records, {} top-ups in {:.1} s",
                env.db.display(),
                s.customers,
                s.usage_records,
                s.top_ups,
                s.seconds
            )
        )
    );
    Ok(())
}
