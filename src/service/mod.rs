//! One function per business operation. Each checks the staff member's role, opens one
//! IMMEDIATE transaction, applies the domain rules, writes, audits, queues notices and commits.

pub mod auth;
pub mod backup;
pub mod bills;
pub mod check;
pub mod complaints;
pub mod customer_csv;
pub mod customers;
pub mod gateway;
pub mod passwords;
pub mod plans;
pub mod points;
pub mod reports;
pub mod topup;
pub mod visits;

use crate::domain::staff::{Permission, Role};
use crate::domain::{Problem, ProblemKind, SharedClock};
use crate::error::{Error, Result};
use crate::store::{self, OpenMode, audit::Outcome};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};

pub use auth::Session;

/// The services over one database connection.
pub struct Service {
    conn: Connection,
    clock: SharedClock,
    path: PathBuf,
    gateway: Box<dyn gateway::PaymentGateway>,
}

impl Service {
    /// Opens an existing touchpoint database.
    pub fn open(path: &Path, clock: SharedClock) -> Result<Service> {
        let conn = store::open(path, OpenMode::Existing)?;
        Ok(Service {
            conn,
            clock,
            path: path.to_path_buf(),
            gateway: Box::new(gateway::SimulatedGateway::from_env()),
        })
    }

    /// Wraps an already opened connection (the demo builder and tests).
    pub fn from_connection(conn: Connection, path: &Path, clock: SharedClock) -> Service {
        Service {
            conn,
            clock,
            path: path.to_path_buf(),
            gateway: Box::new(gateway::SimulatedGateway::from_env()),
        }
    }

    /// Replaces the payment gateway (tests, or a real gateway).
    pub fn set_gateway(&mut self, g: Box<dyn gateway::PaymentGateway>) {
        self.gateway = g;
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Now, from the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock.
    pub fn clock(&self) -> &SharedClock {
        &self.clock
    }

    /// Read access for views and tests; writes go through the operations.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// `PRAGMA data_version`, for screens that reload when another terminal commits.
    pub fn data_version(&self) -> Result<i64> {
        store::data_version(&self.conn)
    }

    /// Runs `f` in one IMMEDIATE transaction with the current instant.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>, &str) -> Result<T>) -> Result<T> {
        let now = store::ts(self.clock.now());
        store::write(&mut self.conn, |tx| f(tx, &now))
    }

    /// Audits a refusal in its own transaction and returns it as the error.
    fn refuse(
        &mut self,
        staff: &str,
        action: &str,
        customer_id: Option<i64>,
        problem: Problem,
    ) -> Error {
        let detail = problem.en.clone();
        let logged = self.write(|tx, now| {
            store::audit::append(
                tx,
                now,
                staff,
                action,
                Outcome::Refused,
                customer_id,
                &detail,
            )
        });
        if let Err(e) = logged {
            tracing::error!("could not audit a refusal of {action}: {e}");
        }
        problem.into()
    }

    /// Runs `f` in one transaction as `staff` at the current instant; a refusal it returns is
    /// audited under `action`, against the customer `customer` names (asked only on a refusal).
    fn write_or_refuse<T>(
        &mut self,
        staff: &str,
        action: &str,
        customer: impl FnOnce(&Connection) -> Option<i64>,
        f: impl FnOnce(&Connection, &str, DateTime<Utc>) -> Result<T>,
    ) -> Result<T> {
        let at = self.now();
        match store::write(&mut self.conn, |tx| f(tx, staff, at)) {
            Err(Error::Problem(p)) if p.kind == ProblemKind::Refused => {
                let customer_id = customer(&self.conn);
                Err(self.refuse(staff, action, customer_id, p))
            }
            other => other,
        }
    }

    /// Refuses (and audits) unless the session's role holds the permission.
    fn authorize(&mut self, s: &Session, p: Permission, action: &str) -> Result<()> {
        if s.role.allows(p) {
            Ok(())
        } else {
            Err(self.refuse(&s.staff_id, action, None, p.refusal(s.role, action)))
        }
    }
}

/// A role check that needs no database: for screens deciding what to offer.
pub fn may(role: Role, p: Permission) -> bool {
    role.allows(p)
}
