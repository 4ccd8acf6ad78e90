//! Staff login with lockout, staff accounts, and creating a database.

use super::{Service, passwords};
use crate::domain::staff::{
    LOCK_MINUTES, MAX_FAILED_ATTEMPTS, Permission, Role, validate_staff_id, validate_staff_password,
};
use crate::domain::{Problem, SharedClock, clock};
use crate::error::Result;
use crate::store::{self, OpenMode, audit::Outcome};
use chrono::Duration;
use serde::Serialize;
use std::path::Path;

/// A logged-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    /// Login id.
    pub staff_id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
}

/// A staff account as listed to an admin.
#[derive(Debug, Clone, Serialize)]
pub struct StaffSummary {
    /// Login id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Locked until (RFC 3339), if locked now.
    pub locked_until: Option<String>,
}

impl Service {
    /// Logs a staff member in. Five wrong passwords in a row lock the account for 15 minutes.
    /// Every attempt is audited.
    pub fn login(&mut self, staff_id: &str, password: &str) -> Result<Session> {
        let now = self.now();
        let row = store::staff::get(&self.conn, staff_id.trim())?;
        let Some(row) = row else {
            passwords::verify_dummy(password);
            let msg = Problem::refused("工号或密码错误", "wrong staff id or password");
            return Err(self.audited_failure(
                staff_id,
                "login.failed",
                Outcome::Failed,
                "unknown staff id",
                msg,
            ));
        };
        if let Some(until) = row.locked_until.as_deref().and_then(store::parse_ts)
            && until > now
        {
            let local = clock::local(until).format("%H:%M");
            let msg = Problem::refused(
                format!(
                    "工号 {} 因连续输错密码已锁定，{local} 后再试，或请管理员解锁",
                    row.id
                ),
                format!(
                    "staff {} is locked after repeated wrong passwords: try again after {local}, or ask an admin to unlock",
                    row.id
                ),
            );
            return Err(self.audited_failure(
                &row.id,
                "login.locked",
                Outcome::Refused,
                "account locked",
                msg,
            ));
        }
        if passwords::verify(password, &row.password_hash) {
            let id = row.id.clone();
            self.write(|tx, now| {
                store::staff::set_login_state(tx, &id, 0, None)?;
                store::audit::append(tx, now, &id, "login", Outcome::Ok, None, "")?;
                Ok(())
            })?;
            return Ok(Session {
                staff_id: row.id,
                name: row.name,
                role: row.role,
            });
        }
        let failures = row.failed_attempts + 1;
        let (failures, lock) = if failures >= MAX_FAILED_ATTEMPTS {
            (0, Some(store::ts(now + Duration::minutes(LOCK_MINUTES))))
        } else {
            (failures, None)
        };
        let id = row.id.clone();
        let detail = match &lock {
            Some(_) => format!("wrong password; locked for {LOCK_MINUTES} minutes"),
            None => format!("wrong password ({failures} of {MAX_FAILED_ATTEMPTS})"),
        };
        self.write(|tx, at| {
            store::staff::set_login_state(tx, &id, failures, lock.as_deref())?;
            store::audit::append(tx, at, &id, "login.failed", Outcome::Failed, None, &detail)?;
            Ok(())
        })?;
        let msg = if lock.is_some() {
            Problem::refused(
                format!("密码错误，已连续 {MAX_FAILED_ATTEMPTS} 次，工号锁定 {LOCK_MINUTES} 分钟"),
                format!(
                    "wrong password {MAX_FAILED_ATTEMPTS} times in a row: the account is locked for {LOCK_MINUTES} minutes"
                ),
            )
        } else {
            let left = MAX_FAILED_ATTEMPTS - failures;
            Problem::refused(
                format!("工号或密码错误（再错 {left} 次将锁定）"),
                format!("wrong staff id or password ({left} tries left before the account locks)"),
            )
        };
        Err(msg.into())
    }

    fn audited_failure(
        &mut self,
        staff: &str,
        action: &str,
        outcome: Outcome,
        detail: &str,
        problem: Problem,
    ) -> crate::error::Error {
        let staff = staff.trim().chars().take(64).collect::<String>();
        if let Err(e) = self
            .write(|tx, now| store::audit::append(tx, now, &staff, action, outcome, None, detail))
        {
            tracing::error!("could not audit {action}: {e}");
        }
        problem.into()
    }

    /// Adds a staff account (admin).
    pub fn staff_add(
        &mut self,
        s: &Session,
        id: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<()> {
        self.authorize(s, Permission::Administer, "staff.add")?;
        let id = validate_staff_id(id)?;
        validate_staff_password(password)?;
        let name = crate::domain::customer::validate_name(name)?;
        if store::staff::get(&self.conn, &id)?.is_some() {
            return Err(Problem::refused(
                format!("工号 {id} 已存在"),
                format!("staff id {id} already exists"),
            )
            .into());
        }
        let hash = passwords::hash(password);
        let actor = s.staff_id.clone();
        self.write(|tx, now| {
            store::staff::insert(tx, &id, &name, role, &hash, now)?;
            store::audit::append(
                tx,
                now,
                &actor,
                "staff.add",
                Outcome::Ok,
                None,
                &format!("{id} as {}", role.code()),
            )?;
            Ok(())
        })
    }

    /// Lifts a login lock (admin).
    pub fn staff_unlock(&mut self, s: &Session, id: &str) -> Result<()> {
        self.authorize(s, Permission::Administer, "staff.unlock")?;
        if store::staff::get(&self.conn, id)?.is_none() {
            return Err(Problem::not_found(
                format!("没有工号 {id}"),
                format!("no staff with id {id}"),
            )
            .into());
        }
        let actor = s.staff_id.clone();
        let id = id.to_string();
        self.write(|tx, now| {
            store::staff::set_login_state(tx, &id, 0, None)?;
            store::audit::append(tx, now, &actor, "staff.unlock", Outcome::Ok, None, &id)?;
            Ok(())
        })
    }

    /// Lists staff accounts (admin).
    pub fn staff_list(&mut self, s: &Session) -> Result<Vec<StaffSummary>> {
        self.authorize(s, Permission::Administer, "staff.list")?;
        let now = self.now();
        Ok(store::staff::list(&self.conn)?
            .into_iter()
            .map(|r| StaffSummary {
                locked_until: r
                    .locked_until
                    .filter(|u| store::parse_ts(u).is_some_and(|t| t > now)),
                id: r.id,
                name: r.name,
                role: r.role,
            })
            .collect())
    }
}

/// Creates a database with the catalogue and the first account, `admin`. Refuses an initialised one.
pub fn init(path: &Path, admin_password: &str, clock: SharedClock) -> Result<Service> {
    validate_staff_password(admin_password)?;
    let mut conn = store::open(path, OpenMode::Create)?;
    if store::staff::count(&conn)? > 0 {
        return Err(Problem::refused(
            format!("{} 已经初始化过，未做修改", path.display()),
            format!(
                "{} is already initialised; nothing was changed",
                path.display()
            ),
        )
        .into());
    }
    let hash = passwords::hash(admin_password);
    let now = store::ts(clock.now());
    store::write(&mut conn, |tx| {
        store::catalog::load_assets(tx)?;
        store::staff::insert(tx, "admin", "管理员", Role::Admin, &hash, &now)?;
        store::meta_set(tx, "created_at", &now)?;
        store::audit::append(
            tx,
            &now,
            "admin",
            "init",
            Outcome::Ok,
            None,
            "database created",
        )?;
        Ok(())
    })?;
    Ok(Service::from_connection(conn, path, clock))
}
