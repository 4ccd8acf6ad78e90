//! WHERE clauses that hold only the filters that are set.

use rusqlite::{Params, ToSql, params_from_iter};

/// A WHERE clause of the conditions that apply, with their values in placeholder order.
///
/// "One customer or all" written as `(?1 IS NULL OR customer_id = ?1)` is one statement for
/// both cases, planned before SQLite knows whether the filter is set, so it cannot search the
/// index on `customer_id`: a call for one customer scans the whole table. Leaving an unset
/// filter out of the SQL gives each combination its own statement (each cached by
/// `prepare_cached`), and the one-customer statement searches its index.
///
/// Every condition has exactly one bare `?`; don't mix in numbered `?N` placeholders.
#[derive(Default)]
pub(crate) struct Where<'a> {
    conditions: Vec<&'static str>,
    values: Vec<Box<dyn ToSql + 'a>>,
}

impl<'a> Where<'a> {
    /// Adds a condition that always applies.
    pub(crate) fn and(mut self, condition: &'static str, value: impl ToSql + 'a) -> Self {
        self.conditions.push(condition);
        self.values.push(Box::new(value));
        self
    }

    /// Adds a condition when its filter is set; nothing when it is `None`.
    pub(crate) fn and_if(self, condition: &'static str, value: Option<impl ToSql + 'a>) -> Self {
        match value {
            Some(v) => self.and(condition, v),
            None => self,
        }
    }

    /// ` WHERE a AND b`, or nothing when no condition applies.
    pub(crate) fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// Binds a value to a `?` that follows the clause (a LIMIT); call it after the conditions.
    pub(crate) fn then(mut self, value: impl ToSql + 'a) -> Self {
        self.values.push(Box::new(value));
        self
    }

    /// The values, in the order they were added.
    pub(crate) fn params(&self) -> impl Params + '_ {
        params_from_iter(self.values.iter())
    }
}

/// Asserts that the plan of `sql` searches `table` (its name or alias in the query) by an
/// index on `column` rather than scanning it.
#[cfg(test)]
pub(crate) fn assert_searches(
    conn: &rusqlite::Connection,
    sql: &str,
    w: &Where<'_>,
    table: &str,
    column: &str,
) {
    let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let plan: Vec<String> = st
        .query_map(w.params(), |r| r.get::<_, String>(3))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let search = format!("SEARCH {table} USING ");
    assert!(
        plan.iter()
            .all(|d| !d.starts_with(&format!("SCAN {table}"))),
        "{table} is scanned: {plan:?}\n{sql}"
    );
    assert!(
        plan.iter()
            .any(|d| d.starts_with(&search) && d.contains(&format!("{column}=?"))),
        "{table} is not searched by {column}: {plan:?}\n{sql}"
    );
}

/// A new, migrated database in a temporary directory.
#[cfg(test)]
pub(crate) fn scratch() -> (tempfile::TempDir, rusqlite::Connection) {
    let dir = tempfile::tempdir().unwrap();
    let conn = super::open(&dir.path().join("t.sqlite"), super::OpenMode::Create).unwrap();
    (dir, conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_set_filters_are_in_the_clause_with_their_values_in_order() {
        let none = Where::default().and_if("c = ?", None::<i64>);
        assert_eq!(none.sql(), "");
        let w = Where::default()
            .and("a = ?", 1)
            .and_if("c = ?", None::<i64>)
            .and_if("b = ?", Some("b"))
            .then(5);
        assert_eq!(w.sql(), " WHERE a = ? AND b = ?");
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 AS a, 'b' AS b, 3 AS c){} LIMIT ?",
            w.sql()
        );
        let n: i64 = conn.query_row(&sql, w.params(), |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "each value binds to its own condition");
    }
}
