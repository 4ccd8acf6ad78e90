//! Shared test helpers: a demo database built once per test binary and copied per test.

#![allow(dead_code)]

pub mod tui;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use touchpoint::domain::clock::{ManualClock, demo_epoch};
use touchpoint::service::{Service, Session};

/// A fresh copy of the demo database in its own temporary directory.
pub struct DemoDb {
    /// Keeps the directory alive.
    pub dir: tempfile::TempDir,
    /// The database file.
    pub path: PathBuf,
}

fn template() -> &'static Path {
    static T: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &T.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("template.sqlite");
        touchpoint::demo::build(&path, false).unwrap();
        (dir, path)
    })
    .1
}

/// A copy of the demo database.
pub fn demo_db() -> DemoDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    std::fs::copy(template(), &path).unwrap();
    DemoDb { dir, path }
}

/// A service over a demo copy with a manual clock at the demo's pinned instant.
pub fn demo_service() -> (DemoDb, Service, Arc<ManualClock>) {
    let db = demo_db();
    let clock = ManualClock::at(demo_epoch());
    let svc = Service::open(&db.path, clock.clone()).unwrap();
    (db, svc, clock)
}

/// Logs in as a demo staff member.
pub fn login(svc: &mut Service, who: &str) -> Session {
    svc.login(who, "demo").unwrap()
}

/// A connection setting, as a number (bulk imports change some and must set them back).
pub fn pragma(svc: &Service, name: &str) -> i64 {
    svc.conn()
        .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .unwrap()
}

/// Rows of `table` whose foreign keys point at nothing.
pub fn dangling_references(svc: &Service, table: &str) -> i64 {
    svc.conn()
        .query_row(
            &format!("SELECT count(*) FROM pragma_foreign_key_check('{table}')"),
            [],
            |r| r.get(0),
        )
        .unwrap()
}
