//! Backup and restore (admin): whole-file copies through SQLite's online backup API.
//!
//! `backup FILE` copies the live database while other terminals keep working, checks the copy
//! with `integrity_check`, and only then gives it its name (a half-written copy never looks like
//! a backup). `restore FILE` refuses anything that is not a sound touchpoint database (foreign,
//! newer schema, failing `integrity_check`) before changing anything; it first keeps the
//! database being replaced as a dated copy next to it (`NAME.replaced-YYYYMMDD-HHMMSS.sqlite`),
//! then copies the backup in, checks the result, migrates it if it is of an older schema, and
//! audits the restore in the restored file's own chain. Both need an admin's login.

use super::{Service, Session};
use crate::domain::staff::Permission;
use crate::domain::{Problem, clock};
use crate::error::Result;
use crate::store::{self, FileKind, audit::Outcome, backup};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupReport {
    /// The backup file.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// `integrity_check` passed on the copy.
    pub integrity_ok: bool,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    /// The backup restored from.
    pub from: String,
    /// Where the replaced database was kept.
    pub replaced_copy: String,
    /// The backup's schema version.
    pub schema_version: i32,
    /// `integrity_check` passed on the restored database.
    pub integrity_ok: bool,
}

fn integrity_failed(path: &Path, problems: &[String]) -> Problem {
    let first = problems
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    Problem::refused(
        format!("{} 未通过完整性检查，未做任何修改：{first}", path.display()),
        format!(
            "{} fails integrity_check; nothing was changed: {first}",
            path.display()
        ),
    )
}

impl Service {
    /// Copies the live database to `dest` (which must not exist yet).
    pub fn backup(&mut self, s: &Session, dest: &Path) -> Result<BackupReport> {
        self.authorize(s, Permission::Administer, "system.backup")?;
        if dest.exists() {
            return Err(Problem::refused(
                format!("{} 已存在，未覆盖：请换一个文件名", dest.display()),
                format!(
                    "{} already exists and was not overwritten: choose another name",
                    dest.display()
                ),
            )
            .into());
        }
        let partial = with_suffix(dest, ".partial");
        let _ = std::fs::remove_file(&partial);
        let result = (|| -> Result<()> {
            backup::copy_to(&self.conn, &partial)?;
            let problems = backup::integrity_problems(&backup::open_read_only(&partial)?)?;
            if !problems.is_empty() {
                return Err(integrity_failed(&partial, &problems).into());
            }
            std::fs::rename(&partial, dest)?;
            Ok(())
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
        let bytes = std::fs::metadata(dest)?.len();
        let staff = s.staff_id.clone();
        let file = dest.display().to_string();
        let audited = self.write(|tx, now| {
            store::audit::append(
                tx,
                now,
                &staff,
                "system.backup",
                Outcome::Ok,
                None,
                &format!("{bytes} bytes to {file}"),
            )
        });
        // Every kept backup is in the audit log: one that could not be recorded is not kept.
        if let Err(e) = audited {
            let _ = std::fs::remove_file(dest);
            return Err(e);
        }
        Ok(BackupReport {
            file,
            bytes,
            integrity_ok: true,
        })
    }

    /// Replaces the live database with a backup, keeping the replaced one as a dated copy.
    pub fn restore(&mut self, s: &Session, from: &Path) -> Result<RestoreReport> {
        self.authorize(s, Permission::Administer, "system.restore")?;
        let version = match store::inspect(from)? {
            FileKind::Touchpoint { version } => version,
            FileKind::Missing => {
                return Err(Problem::not_found(
                    format!("没有找到备份文件 {}", from.display()),
                    format!("no backup file at {}", from.display()),
                )
                .into());
            }
            FileKind::Empty => {
                return Err(Problem::refused(
                    format!(
                        "{} 是空文件，不是 touchpoint 备份，未做任何修改",
                        from.display()
                    ),
                    format!(
                        "{} is empty, not a touchpoint backup; nothing was changed",
                        from.display()
                    ),
                )
                .into());
            }
        };
        // The cheap refusal first: the integrity check reads the whole file.
        if same_file(from, &self.path) {
            return Err(Problem::refused(
                "不能用数据库自身来恢复",
                "cannot restore a database from itself",
            )
            .into());
        }
        let src = backup::open_read_only(from)?;
        let problems = backup::integrity_problems(&src)?;
        if !problems.is_empty() {
            return Err(integrity_failed(from, &problems).into());
        }
        let stamp = clock::local(self.now()).format("%Y%m%d-%H%M%S").to_string();
        let kept = dated_copy_path(&self.path, &stamp);
        backup::copy_to(&self.conn, &kept)?;
        backup::copy_into(&src, &mut self.conn)?;
        drop(src);
        let problems = backup::integrity_problems(&self.conn)?;
        if !problems.is_empty() {
            // Put the replaced database back: the restore must not leave a broken file.
            let kept_conn = backup::open_read_only(&kept)?;
            backup::copy_into(&kept_conn, &mut self.conn)?;
            return Err(integrity_failed(&self.path, &problems).into());
        }
        // An older backup is brought up to this build's schema.
        self.conn = store::open(&self.path, store::OpenMode::Existing)?;
        let staff = s.staff_id.clone();
        let detail = format!(
            "restored from {}; replaced database kept as {}",
            from.display(),
            kept.display()
        );
        // The acting admin may not exist in the backup's staff table; the audit row names them.
        let audited = self.write(|tx, now| {
            store::audit::append(
                tx,
                now,
                &staff,
                "system.restore",
                Outcome::Ok,
                None,
                &detail,
            )
        });
        if let Err(e) = audited {
            tracing::warn!("could not audit the restore: {e}");
        }
        Ok(RestoreReport {
            from: from.display().to_string(),
            replaced_copy: kept.display().to_string(),
            schema_version: version,
            integrity_ok: true,
        })
    }
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// `NAME.replaced-YYYYMMDD-HHMMSS.sqlite` next to the database; a counter keeps it unique.
fn dated_copy_path(db: &Path, stamp: &str) -> PathBuf {
    let stem = db
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "touchpoint".into());
    let dir = db.parent().unwrap_or(Path::new("."));
    let mut n = 0;
    loop {
        let name = if n == 0 {
            format!("{stem}.replaced-{stamp}.sqlite")
        } else {
            format!("{stem}.replaced-{stamp}-{n}.sqlite")
        };
        let p = dir.join(name);
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
