//! The crate's error: a user-facing problem, or a failure of the database or the file system.

use crate::domain::{Lang, Problem, ProblemKind};

/// Every failure an operation can report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Something the user can fix: bad input, not found, refused.
    #[error("{0}")]
    Problem(#[from] Problem),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    /// A file could not be read or written.
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
}

/// Result with the crate's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The process exit code: 2 bad input, 3 not found, 4 refused, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Problem(p) => p.kind.exit_code(),
            _ => 1,
        }
    }

    /// The problem kind, if this is a user-facing problem.
    pub fn kind(&self) -> Option<ProblemKind> {
        match self {
            Error::Problem(p) => Some(p.kind),
            _ => None,
        }
    }

    /// The message in a language.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Error::Problem(p) => p.message(lang).to_string(),
            Error::Db(e) if is_busy(e) => lang
                .pick(
                    "数据库正忙（另一台终端正在写入），请稍后重试",
                    "the database is busy (another terminal is writing): try again in a moment",
                )
                .to_string(),
            Error::Db(e) => format!("{}: {e}", lang.pick("数据库错误", "database error")),
            Error::Io(e) => format!("{}: {e}", lang.pick("文件错误", "file error")),
        }
    }
}

/// Whether an error only means another connection holds a lock for a moment (extended codes
/// such as SQLITE_BUSY_SNAPSHOT included).
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use super::is_busy;
    use rusqlite::ffi;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn extended_busy_codes_are_retried_and_real_failures_are_not() {
        assert!(is_busy(&failure(ffi::SQLITE_BUSY)));
        assert!(is_busy(&failure(ffi::SQLITE_BUSY_SNAPSHOT)));
        assert!(is_busy(&failure(ffi::SQLITE_BUSY_RECOVERY)));
        assert!(is_busy(&failure(ffi::SQLITE_LOCKED)));
        assert!(!is_busy(&failure(ffi::SQLITE_CORRUPT)));
        assert!(!is_busy(&failure(ffi::SQLITE_READONLY)));
    }
}
