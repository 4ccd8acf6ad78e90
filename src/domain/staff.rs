//! Staff roles and what each may do (SPEC "Staff, roles and audit").

use crate::domain::{Lang, Problem};
use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 营业员: serves customers.
    Clerk,
    /// 值班长: also reverses, refunds, compensates, closes customers, runs batches and reports.
    Supervisor,
    /// 管理员: also manages staff, catalogues, imports and backups.
    Admin,
}

impl Role {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored code.
    pub fn parse(s: &str) -> Result<Role, Problem> {
        match s.trim() {
            "clerk" => Ok(Role::Clerk),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            other => Err(Problem::bad_input(
                format!("未知的角色“{other}”：可选 clerk、supervisor、admin"),
                format!("unknown role \"{other}\": use clerk, supervisor or admin"),
            )),
        }
    }

    /// Display name.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Clerk => lang.pick("营业员", "clerk"),
            Role::Supervisor => lang.pick("值班长", "supervisor"),
            Role::Admin => lang.pick("管理员", "admin"),
        }
    }

    /// True when this role may do what the permission guards.
    pub fn allows(self, p: Permission) -> bool {
        match p {
            Permission::Serve => true,
            Permission::Supervise | Permission::RunBatch => self >= Role::Supervisor,
            Permission::Administer => self == Role::Admin,
        }
    }
}

/// The rows of SPEC's permission table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Look up, verify, top up, redeem, change plan, open complaint.
    Serve,
    /// Reverse/refund, compensation, close customer, reports, verification override.
    Supervise,
    /// Bill run, points expiry, usage import.
    RunBatch,
    /// Staff accounts, catalogue, rates, customer import/export, backup/restore.
    Administer,
}

impl Permission {
    /// The lowest role holding this permission.
    pub fn minimum_role(self) -> Role {
        match self {
            Permission::Serve => Role::Clerk,
            Permission::Supervise | Permission::RunBatch => Role::Supervisor,
            Permission::Administer => Role::Admin,
        }
    }

    /// The refusal a staff member sees.
    pub fn refusal(self, role: Role, action: &str) -> Problem {
        let need = self.minimum_role();
        Problem::refused(
            format!(
                "权限不足：“{action}”需要{}或以上，当前为{}",
                need.label(Lang::Zh),
                role.label(Lang::Zh)
            ),
            format!(
                "permission denied: \"{action}\" needs a {} or above; you are a {}",
                need.label(Lang::En),
                role.label(Lang::En)
            ),
        )
    }
}

/// Wrong passwords in a row that lock a staff login or a customer's service password.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;
/// How long such a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// Validates a staff id: 2–32 letters, digits, `_`, `-` or `.`.
pub fn validate_staff_id(id: &str) -> Result<String, Problem> {
    let id = id.trim();
    let ok = (2..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(id.to_string())
    } else {
        Err(Problem::bad_input(
            format!("工号“{id}”无效：2–32 位字母、数字或 _ - ."),
            format!("staff id \"{id}\" is not valid: use 2–32 letters, digits, _ - or ."),
        ))
    }
}

/// Validates a new staff password: at least 4 characters (the demo uses `demo`).
pub fn validate_staff_password(pw: &str) -> Result<(), Problem> {
    if pw.chars().count() >= 4 {
        Ok(())
    } else {
        Err(Problem::bad_input(
            "密码至少 4 个字符",
            "a staff password needs at least 4 characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_permission_table_holds() {
        use Permission::*;
        let table = [
            (Role::Clerk, [true, false, false, false]),
            (Role::Supervisor, [true, true, true, false]),
            (Role::Admin, [true, true, true, true]),
        ];
        for (role, expect) in table {
            let got = [Serve, Supervise, RunBatch, Administer].map(|p| role.allows(p));
            assert_eq!(got, expect, "{role:?}");
        }
    }

    #[test]
    fn refusals_name_the_needed_role() {
        let p = Permission::Supervise.refusal(Role::Clerk, "refund");
        assert!(p.en.contains("supervisor"));
        assert!(p.zh.contains("值班长"));
    }

    #[test]
    fn staff_ids_are_checked() {
        assert!(validate_staff_id("clerk").is_ok());
        assert!(validate_staff_id("a").is_err());
        assert!(validate_staff_id("has space").is_err());
    }
}
