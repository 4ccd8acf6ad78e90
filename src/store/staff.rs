//! Staff accounts.

use crate::domain::staff::Role;
use crate::error::Result;
use rusqlite::{Connection, OptionalExtension, params};

/// A staff row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRow {
    /// Login id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Wrong passwords since the last success or lock.
    pub failed_attempts: i64,
    /// Stored instant until which login is locked.
    pub locked_until: Option<String>,
}

/// Adds a staff member.
pub fn insert(
    conn: &Connection,
    id: &str,
    name: &str,
    role: Role,
    hash: &str,
    now: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO staff(id, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, name, role.code(), hash, now],
    )?;
    Ok(())
}

/// One staff member by id.
pub fn get(conn: &Connection, id: &str) -> Result<Option<StaffRow>> {
    Ok(conn
        .query_row(
            "SELECT id, name, role, password_hash, failed_attempts, locked_until FROM staff WHERE id = ?1",
            [id],
            |r| {
                let role: String = r.get(2)?;
                Ok(StaffRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    role: Role::parse(&role).unwrap_or(Role::Clerk),
                    password_hash: r.get(3)?,
                    failed_attempts: r.get(4)?,
                    locked_until: r.get(5)?,
                })
            },
        )
        .optional()?)
}

/// Every staff member, by id.
pub fn list(conn: &Connection) -> Result<Vec<StaffRow>> {
    let mut st = conn.prepare("SELECT id FROM staff ORDER BY id")?;
    let ids: Vec<String> = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(s) = get(conn, &id)? {
            out.push(s);
        }
    }
    Ok(out)
}

/// Records the failure count and lock after a login attempt.
pub fn set_login_state(
    conn: &Connection,
    id: &str,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<()> {
    conn.execute(
        "UPDATE staff SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1",
        params![id, failed, locked_until],
    )?;
    Ok(())
}

/// Number of staff accounts.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?)
}
