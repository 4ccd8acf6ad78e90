//! `touchpoint staff …` (admin).

use super::{Env, StaffArg, login, output};
use crate::domain::staff::Role;
use crate::domain::{Lang, Problem};
use crate::error::Result;
use crate::service::Service;
use clap::Subcommand;

/// Staff commands.
#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    /// Add a staff account; its password comes from TOUCHPOINT_NEW_PASSWORD or a prompt.
    Add {
        /// The new login id.
        id: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// clerk, supervisor or admin.
        #[arg(long)]
        role: String,
        #[command(flatten)]
        staff: StaffArg,
    },
    /// List staff accounts.
    List {
        #[command(flatten)]
        staff: StaffArg,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Lift the lock after five wrong passwords.
    Unlock {
        /// The locked login id.
        id: String,
        #[command(flatten)]
        staff: StaffArg,
    },
}

/// Runs a staff command.
pub fn run(env: &Env, cmd: StaffCmd) -> Result<()> {
    let mut svc = Service::open(&env.db, env.clock.clone())?;
    let lang = env.lang;
    match cmd {
        StaffCmd::Add {
            id,
            name,
            role,
            staff,
        } => {
            let role = Role::parse(&role)?;
            let s = login(&mut svc, &staff)?;
            let password = new_password(&id)?;
            svc.staff_add(&s, &id, &name, role, &password)?;
            println!("{} {id}", lang.pick("已添加工号", "added staff"));
            Ok(())
        }
        StaffCmd::List { staff, json } => {
            let s = login(&mut svc, &staff)?;
            let list = svc.staff_list(&s)?;
            if json {
                return output::json(&list);
            }
            let rows = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.clone(),
                        r.name.clone(),
                        r.role.label(lang).to_string(),
                        r.locked_until.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let header = match lang {
                Lang::Zh => ["工号", "姓名", "角色", "锁定至"],
                Lang::En => ["id", "name", "role", "locked until"],
            };
            println!("{}", output::table(&header, rows));
            Ok(())
        }
        StaffCmd::Unlock { id, staff } => {
            let s = login(&mut svc, &staff)?;
            svc.staff_unlock(&s, &id)?;
            println!("{} {id}", lang.pick("已解锁工号", "unlocked staff"));
            Ok(())
        }
    }
}

/// The new account's password: TOUCHPOINT_NEW_PASSWORD, or asked twice on a terminal.
pub fn new_password(id: &str) -> Result<String> {
    if let Ok(p) = std::env::var("TOUCHPOINT_NEW_PASSWORD") {
        return Ok(p);
    }
    use std::io::IsTerminal;
    if !std::io::stdin().is_terminal() {
        return Err(Problem::bad_input(
            "没有新密码：请设置 TOUCHPOINT_NEW_PASSWORD，或在终端中运行以输入",
            "no password for the new account: set TOUCHPOINT_NEW_PASSWORD, or run from a terminal to be asked",
        )
        .into());
    }
    let a = rpassword::prompt_password(format!("new password for {id}: "))?;
    let b = rpassword::prompt_password("again: ")?;
    if a != b {
        return Err(Problem::bad_input("两次输入的密码不一致", "the two passwords differ").into());
    }
    Ok(a)
}
