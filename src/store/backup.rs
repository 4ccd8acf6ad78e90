//! Whole-file copies with SQLite's online backup API, and integrity checks.
//!
//! The backup copies every page in one step, inside one read transaction: in WAL mode other
//! terminals keep writing meanwhile, and the copy is the database as of one instant (a
//! page-by-page copy would restart each time another connection commits).

use crate::error::Result;
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// `PRAGMA integrity_check`: the problems found (empty when the file is sound).
pub fn integrity_problems(conn: &Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("PRAGMA integrity_check")?;
    let rows = st.query_map([], |r| r.get::<_, String>(0))?;
    let all: Vec<String> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all.into_iter().filter(|s| s != "ok").collect())
}

/// Opens a file read-only (for checking a backup without touching it).
pub fn open_read_only(path: &Path) -> Result<Connection> {
    Ok(Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?)
}

/// Copies the database behind `src` into a new file at `dest` (which must not exist), as one
/// self-contained file (rollback journal, not WAL).
pub fn copy_to(src: &Connection, dest: &Path) -> Result<()> {
    let mut out = Connection::open(dest)?;
    copy_into(src, &mut out)?;
    out.query_row("PRAGMA journal_mode=DELETE", [], |_| Ok(()))?;
    Ok(())
}

/// Replaces the database behind `dest` with the content of `src`, through the backup API so that
/// other connections to `dest` see the new content rather than a file swapped under them.
pub fn copy_into(src: &Connection, dest: &mut Connection) -> Result<()> {
    let b = Backup::new(src, dest)?;
    // All pages in one step (-1): one read snapshot of the source. Busy or locked means another
    // connection holds a lock for a moment: wait and try again, for up to about ten seconds.
    // Extended busy codes (SQLITE_BUSY_RECOVERY, _SNAPSHOT) arrive as errors rather than as
    // StepResult::Busy, so they are retried the same way.
    for _ in 0..200 {
        match b.step(-1) {
            Ok(StepResult::Done) => return Ok(()),
            Ok(_) => {}
            Err(e) if crate::error::is_busy(&e) => {}
            Err(e) => return Err(e.into()),
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
        Some("the database stayed busy: backup not finished".into()),
    )
    .into())
}
