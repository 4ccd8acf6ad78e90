//! The audit chain: every row carries the hash of the row before it, so an edit shows.

use sha2::{Digest, Sha256};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of an audit row that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFields<'a> {
    /// Row id.
    pub id: i64,
    /// RFC 3339 UTC instant.
    pub at: &'a str,
    /// Staff id, or empty for the system.
    pub staff: &'a str,
    /// What was done: `customer.create`, `login.failed`, …
    pub action: &'a str,
    /// `ok`, `refused` or `failed`.
    pub outcome: &'a str,
    /// Customer id, if any.
    pub customer_id: Option<i64>,
    /// Free text detail.
    pub detail: &'a str,
}

/// SHA-256 over the previous hash and the row's fields, each length-prefixed so fields cannot bleed into each other.
pub fn chain_hash(prev: &str, row: &AuditFields<'_>) -> String {
    let mut h = Sha256::new();
    let customer = row.customer_id.map(|c| c.to_string()).unwrap_or_default();
    let id = row.id.to_string();
    for part in [
        prev,
        id.as_str(),
        row.at,
        row.staff,
        row.action,
        row.outcome,
        customer.as_str(),
        row.detail,
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(detail: &str) -> AuditFields<'_> {
        AuditFields {
            id: 1,
            at: "2026-12-04T02:00:00Z",
            staff: "clerk",
            action: "login",
            outcome: "ok",
            customer_id: None,
            detail,
        }
    }

    #[test]
    fn any_change_changes_the_hash() {
        let a = chain_hash(GENESIS, &row("x"));
        assert_eq!(a.len(), 64);
        assert_ne!(a, chain_hash(GENESIS, &row("y")));
        assert_ne!(a, chain_hash(&a, &row("x")));
        assert_eq!(a, chain_hash(GENESIS, &row("x")));
    }

    #[test]
    fn fields_cannot_shift_into_each_other() {
        let mut r1 = row("");
        r1.staff = "ab";
        r1.action = "c";
        let mut r2 = row("");
        r2.staff = "a";
        r2.action = "bc";
        assert_ne!(chain_hash(GENESIS, &r1), chain_hash(GENESIS, &r2));
    }
}
